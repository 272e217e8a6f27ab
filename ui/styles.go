package ui

import (
	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// styles are every lipgloss style the wizard draws with, in one place.
type styles struct {
	App       lipgloss.Style
	Title     lipgloss.Style
	Step      lipgloss.Style
	Label     lipgloss.Style
	Value     lipgloss.Style
	Muted     lipgloss.Style
	URL       lipgloss.Style
	Good      lipgloss.Style
	Warn      lipgloss.Style
	Bad       lipgloss.Style
	Box       lipgloss.Style
	Spinner   lipgloss.Style
	Help      lipgloss.Style
	KeyHint   lipgloss.Style
	Badge     lipgloss.Style // the sandbox's mark in the header: not a warning
	formTheme *huh.Theme
}

// palette holds every colour the wizard draws with, each legible on a
// light and on a dark background in all three colour profiles: true
// colour, the 256-colour cube and the 16 ANSI colours (TERM=xterm, whose
// palette maps a true colour to lime, cyan or light grey). An empty ANSI
// colour keeps the terminal's own foreground, the one always legible.
// TestPaletteContrast checks each against white and black (WCAG 4.5:1).
var palette = struct {
	Accent, Muted, URL, Good, Warn, Bad lipgloss.CompleteAdaptiveColor
}{
	Accent: adaptive("#5A56E0", "62", "5", "#7571F9", "99", "13"),
	Muted:  adaptive("#6E6E6E", "242", "", "#8A8A8A", "245", "7"),
	URL:    adaptive("#0A7D8C", "24", "4", "#4FD6E3", "80", "14"),
	Good:   adaptive("#027A45", "29", "", "#04D17A", "42", "10"),
	Warn:   adaptive("#8F5600", "94", "5", "#F5B041", "215", "11"),
	Bad:    adaptive("#C0392B", "124", "1", "#FF6B6B", "203", "9"),
}

func adaptive(lightTrue, light256, light16, darkTrue, dark256, dark16 string) lipgloss.CompleteAdaptiveColor {
	return lipgloss.CompleteAdaptiveColor{
		Light: lipgloss.CompleteColor{TrueColor: lightTrue, ANSI256: light256, ANSI: light16},
		Dark:  lipgloss.CompleteColor{TrueColor: darkTrue, ANSI256: dark256, ANSI: dark16},
	}
}

func newStyles() styles {
	p := palette
	return styles{
		App:       lipgloss.NewStyle().Padding(0, 1),
		Title:     lipgloss.NewStyle().Bold(true).Foreground(p.Accent),
		Step:      lipgloss.NewStyle().Foreground(p.Muted),
		Label:     lipgloss.NewStyle().Foreground(p.Muted).Width(20),
		Value:     lipgloss.NewStyle(),
		Muted:     lipgloss.NewStyle().Foreground(p.Muted),
		URL:       lipgloss.NewStyle().Foreground(p.URL),
		Good:      lipgloss.NewStyle().Bold(true).Foreground(p.Good),
		Warn:      lipgloss.NewStyle().Foreground(p.Warn),
		Bad:       lipgloss.NewStyle().Bold(true).Foreground(p.Bad),
		Badge:     lipgloss.NewStyle().Bold(true).Foreground(p.Accent),
		Box:       lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(p.Muted).Padding(0, 1),
		Spinner:   lipgloss.NewStyle().Foreground(p.Accent),
		Help:      lipgloss.NewStyle().Foreground(p.Muted),
		KeyHint:   lipgloss.NewStyle().Bold(true),
		formTheme: formTheme(),
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

// newHelp is the help line, in the palette's colours.
func newHelp() help.Model {
	h := help.New()
	h.Styles = helpStyles()
	return h
}
