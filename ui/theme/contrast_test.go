package theme

import (
	"fmt"
	"math"
	"reflect"
	"strconv"
	"testing"

	"github.com/charmbracelet/lipgloss"
)

// xterm16 is xterm's default palette for the 16 ANSI colours.
var xterm16 = [16]string{
	"#000000", "#CD0000", "#00CD00", "#CDCD00", "#0000EE", "#CD00CD", "#00CDCD", "#E5E5E5",
	"#7F7F7F", "#FF0000", "#00FF00", "#FFFF00", "#5C5CFF", "#FF00FF", "#00FFFF", "#FFFFFF",
}

// xterm256 is the RGB of a 256-colour index as xterm draws it.
func xterm256(i int) string {
	switch {
	case i < 16:
		return xterm16[i]
	case i < 232:
		i -= 16
		lv := [6]int{0, 95, 135, 175, 215, 255}
		return fmt.Sprintf("#%02X%02X%02X", lv[i/36], lv[(i/6)%6], lv[i%6])
	}
	v := 8 + 10*(i-232)
	return fmt.Sprintf("#%02X%02X%02X", v, v, v)
}

// luminance is WCAG 2's relative luminance of #RRGGBB.
func luminance(t *testing.T, hex string) float64 {
	t.Helper()
	n, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		t.Fatalf("bad colour %q", hex)
	}
	ch := func(v uint64) float64 {
		c := float64(v) / 255
		if c <= 0.03928 {
			return c / 12.92
		}
		return math.Pow((c+0.055)/1.055, 2.4)
	}
	return 0.2126*ch(n>>16&0xff) + 0.7152*ch(n>>8&0xff) + 0.0722*ch(n&0xff)
}

func contrast(t *testing.T, a, b string) float64 {
	la, lb := luminance(t, a), luminance(t, b)
	return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)
}

// TestPaletteContrast: every colour the wizard draws text with reads at
// WCAG 4.5:1 on white and on black, both variants against both
// backgrounds, in true colour and in the 256-colour cube (a background
// that cannot be told must not matter); among the 16 ANSI colours, as
// xterm draws them, the light variant on white and the dark one on black.
// An empty ANSI colour is the terminal's own foreground.
func TestPaletteContrast(t *testing.T) {
	v := reflect.ValueOf(palette)
	for i := range v.NumField() {
		name := v.Type().Field(i).Name
		c := v.Field(i).Interface().(lipgloss.CompleteAdaptiveColor)
		for _, bg := range []struct {
			name, rgb string
			color     lipgloss.CompleteColor
		}{{"white", "#FFFFFF", c.Light}, {"black", "#000000", c.Dark}, {"white", "#FFFFFF", c.Dark}, {"black", "#000000", c.Light}} {
			mismatched := (bg.name == "white") != (bg.color == c.Light)
			shades := map[string]string{"true colour": bg.color.TrueColor}
			for profile, idx := range map[string]string{"256 colours": bg.color.ANSI256, "16 colours": bg.color.ANSI} {
				if idx == "" || mismatched && profile == "16 colours" {
					continue
				}
				n, err := strconv.Atoi(idx)
				if err != nil || n < 0 || n > 255 || profile == "16 colours" && n > 15 {
					t.Fatalf("%s on %s: bad %s index %q", name, bg.name, profile, idx)
				}
				shades[profile] = xterm256(n)
			}
			for profile, rgb := range shades {
				if r := contrast(t, rgb, bg.rgb); r < 4.5 {
					t.Errorf("%s on %s in %s (%s): contrast %.2f, want ≥ 4.5", name, bg.name, profile, rgb, r)
				}
			}
		}
	}
	if v.NumField() < 6 {
		t.Fatalf("only %d colours checked", v.NumField())
	}
}
