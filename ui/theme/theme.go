// Package theme is the wizard's look: the palette, legible on light and
// dark backgrounds alike, and the styles, help line and form theme drawn
// in it.
package theme

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// Styles are every lipgloss style the wizard draws with, in one place.
type Styles struct {
	App     lipgloss.Style
	Title   lipgloss.Style
	Step    lipgloss.Style
	Label   lipgloss.Style
	Value   lipgloss.Style
	Muted   lipgloss.Style
	URL     lipgloss.Style
	Good    lipgloss.Style
	Warn    lipgloss.Style
	Bad     lipgloss.Style
	Spinner lipgloss.Style
	KeyHint lipgloss.Style
	Badge   lipgloss.Style // the sandbox's mark in the header: not a warning
	Form    *huh.Theme     // the forms' theme
}

// palette holds every colour the wizard draws with. In true colour and in
// the 256-colour cube each reads on a white and on a black background
// alike (WCAG 4.5:1 against both), because a terminal's background cannot
// always be told — inside tmux the query goes unanswered and the dark
// variant would be drawn on a white xterm. The 16 ANSI colours hold no
// colour that reads on both, so there the colour adapts to the background
// (TERM=xterm answers the query): on a light one the terminal's own
// foreground, the one always legible. TestPaletteContrast checks them all.
var palette = struct {
	Accent, Muted, URL, Good, Warn, Bad lipgloss.CompleteAdaptiveColor
}{
	Accent: adaptive("#875FD7", "98", "", "13"),
	Muted:  adaptive("#767676", "243", "", "7"),
	URL:    adaptive("#5F5FFF", "63", "4", "14"),
	Good:   adaptive("#00875F", "29", "", "10"),
	Warn:   adaptive("#AF5F5F", "131", "", "11"),
	Bad:    adaptive("#AF5F5F", "131", "1", "9"),
}

// adaptive is a colour legible on both backgrounds in true colour and 256
// colours, and light16 or dark16 among the 16 ANSI colours.
func adaptive(trueColor, c256, light16, dark16 string) lipgloss.CompleteAdaptiveColor {
	return lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: trueColor, ANSI256: c256, ANSI: light16},
		Dark:  lipgloss.CompleteColor{TrueColor: trueColor, ANSI256: c256, ANSI: dark16},
	}
}

// New is the wizard's styles.
func New() Styles {
	p := palette
	return Styles{
		App:     lipgloss.NewStyle().Padding(0, 1),
		Title:   lipgloss.NewStyle().Bold(true).Foreground(p.Accent),
		Step:    lipgloss.NewStyle().Foreground(p.Muted),
		Label:   lipgloss.NewStyle().Foreground(p.Muted).Width(20),
		Value:   lipgloss.NewStyle(),
		Muted:   lipgloss.NewStyle().Foreground(p.Muted),
		URL:     lipgloss.NewStyle().Foreground(p.URL),
		Good:    lipgloss.NewStyle().Bold(true).Foreground(p.Good),
		Warn:    lipgloss.NewStyle().Foreground(p.Warn),
		Bad:     lipgloss.NewStyle().Bold(true).Foreground(p.Bad),
		Badge:   lipgloss.NewStyle().Bold(true).Foreground(p.Accent),
		Spinner: lipgloss.NewStyle().Foreground(p.Accent),
		KeyHint: lipgloss.NewStyle().Bold(true),
		Form:    formTheme(),
	}
}

// helpStyles are the help line's styles in the palette's colours (the
// bubbles defaults are light grey on light backgrounds).
func helpStyles() help.Styles {
	key := lipgloss.NewStyle().Bold(true)
	desc := lipgloss.NewStyle().Foreground(palette.Muted)
	return help.Styles{
		ShortKey: key, ShortDesc: desc, ShortSeparator: desc, Ellipsis: desc,
		FullKey: key, FullDesc: desc, FullSeparator: desc,
	}
}

// formTheme is huh's Charm theme; on a plain terminal (the ASCII profile:
// NO_COLOR, TERM=dumb) a Yes/No confirm's buttons differ only by colour,
// so the selected one is bracketed instead: "[Yes]  No ".
func formTheme() *huh.Theme {
	t := huh.ThemeCharm()
	if lipgloss.ColorProfile() != termenv.Ascii {
		return t
	}
	selected := lipgloss.NewStyle().MarginRight(1).Transform(func(s string) string { return "[" + s + "]" })
	other := lipgloss.NewStyle().MarginRight(1).Transform(func(s string) string { return " " + s + " " })
	for _, fs := range []*huh.FieldStyles{&t.Focused, &t.Blurred} {
		fs.FocusedButton, fs.BlurredButton = selected, other
	}
	return t
}

// NewHelp is the help line, in the palette's colours.
func NewHelp() help.Model {
	h := help.New()
	h.Styles = helpStyles()
	return h
}
