package ui

import (
	"strings"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// Text to copy is printed above the view, not drawn in it.
//
// The authorize URL and the curl command are only useful whole. Bubble
// Tea v1's standard renderer cuts every line of the view at the window's
// width (standard_renderer.go, flush: ansi.Truncate), so a long line drawn
// in the view loses its end; and a line the view breaks into width-sized
// rows is joined with newlines when the user selects it — in a real
// terminal, and in tmux, whose capture-pane -J joins only soft-wrapped
// rows — so a URL split that way cannot be copied or ctrl+clicked whole,
// and a curl command split that way no longer runs.
//
// A line printed with tea.Println goes above the program's view as it is:
// no margin, no wrapping, no truncation. The terminal soft-wraps it, so a
// selection (or tmux capture-pane -J) gives it back as one line, and it
// stays in the scrollback after the wizard ends. The wizard runs inline
// (not on the alternate screen, where Println prints nothing), so this
// works; the view says the text is printed above and shows a one-line
// excerpt.
//
// The URL is printed once per authorization, and again after a resize
// (which clears the screen, see resize); the curl command each time the
// review switches to it.

// printURL prints the authorization's URL above the view.
func (m *Model) printURL() tea.Cmd {
	if m.auth == nil {
		return nil
	}
	return m.println("Authorize URL (open it in a browser to approve connectwiz):\n" + hyperlink(m.auth.URL) + "\n")
}

// printCurl prints the request as a curl command above the view: its
// lines as flow renders them, ready to paste into a shell.
func (m *Model) printCurl() tea.Cmd {
	return m.println(m.a.Request().Curl(m.a.Creds().BaseURL))
}

// println prints text above the view. The renderer prints it over the
// last frame and erases the rest of a line only when the line is shorter
// than the window; a longer one, soft-wrapped by the terminal, would leave
// the old frame's text after its last row — pasted along with it. So such
// a line ends with an erase of its own; not one that fills its last row,
// where the cursor waits at the last column and the erase would take the
// last character.
func (m *Model) println(text string) tea.Cmd {
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > m.width && w%m.width != 0 {
			lines[i] = l + ansi.EraseLineRight
		}
	}
	return tea.Println(strings.Join(lines, "\n"))
}

// reprint prints again what the step shows above the view, after the
// screen was cleared.
func (m *Model) reprint() tea.Cmd {
	if printed := steps[m.step].printed; printed != nil {
		return printed(m)
	}
	return nil
}

// hyperlink is u as an OSC 8 hyperlink to itself, so that terminals that
// know OSC 8 open all of it on a click; plain u when the terminal is
// plain (the ASCII profile: NO_COLOR, TERM=dumb, not a terminal). u is
// printed as is, so it is checked first (flow checked it already; this
// keeps escape sequences out if it did not).
func hyperlink(u string) string {
	if browser.CheckBrowserURL(u) != nil {
		return termsafe.Sanitize(u, len(u))
	}
	if lipgloss.ColorProfile() == termenv.Ascii {
		return u
	}
	return ansi.SetHyperlink(u) + u + ansi.ResetHyperlink()
}

// urlExcerpt is where the URL leads, for the view: its scheme and host
// (cut on the left, never in its registrable domain: browser.Excerpt),
// "/…" for the rest (whole above), a hyperlink to the whole URL where the
// terminal knows OSC 8. Not more of it: a reader of the screen (a person,
// or a script taking the last URL shown) must not mistake a cut URL for
// the URL.
func (m *Model) urlExcerpt(u string) string {
	shown := browser.Excerpt(u, m.contentWidth()) // never hides the registrable domain
	if browser.CheckBrowserURL(u) != nil {
		return m.st.URL.Render(termsafe.Sanitize(shown, len(shown)))
	}
	s := m.st.URL.Render(shown)
	if lipgloss.ColorProfile() == termenv.Ascii {
		return s
	}
	return ansi.SetHyperlink(u) + s + ansi.ResetHyperlink()
}
