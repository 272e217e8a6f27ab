package ui

import (
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
	formTheme *huh.Theme
}

func newStyles() styles {
	accent := lipgloss.AdaptiveColor{Light: "#5A56E0", Dark: "#7571F9"}
	muted := lipgloss.AdaptiveColor{Light: "#777777", Dark: "#8A8A8A"}
	return styles{
		App:       lipgloss.NewStyle().Padding(0, 1),
		Title:     lipgloss.NewStyle().Bold(true).Foreground(accent),
		Step:      lipgloss.NewStyle().Foreground(muted),
		Label:     lipgloss.NewStyle().Foreground(muted).Width(20),
		Value:     lipgloss.NewStyle(),
		Muted:     lipgloss.NewStyle().Foreground(muted),
		URL:       lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#0A7D8C", Dark: "#4FD6E3"}),
		Good:      lipgloss.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#02A05A", Dark: "#04D17A"}),
		Warn:      lipgloss.NewStyle().Foreground(lipgloss.AdaptiveColor{Light: "#B36B00", Dark: "#F5B041"}),
		Bad:       lipgloss.NewStyle().Bold(true).Foreground(lipgloss.AdaptiveColor{Light: "#C0392B", Dark: "#FF6B6B"}),
		Box:       lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).BorderForeground(muted).Padding(0, 1),
		Spinner:   lipgloss.NewStyle().Foreground(accent),
		Help:      lipgloss.NewStyle().Foreground(muted),
		KeyHint:   lipgloss.NewStyle().Bold(true),
		formTheme: formTheme(),
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
