package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/ui/wizard"
)

// spinnerFrames read well at one frame a second: a clock hand going round.
var spinnerFrames = []string{"◴", "◷", "◶", "◵"}

// View implements tea.Model: the header, the step's body and its keys.
// A body taller than the window scrolls (see scrollView); long lines meant
// to be copied (the authorize URL, the curl command) are printed above the
// view instead (see print.go), since the renderer cuts lines at the width.
func (m *Model) View() string {
	if steps[m.step].phase == 0 {
		return "" // the wizard has ended
	}
	if m.tooSmall() {
		return m.st.Warn.Render(ansi.Wrap(fmt.Sprintf(
			"The terminal is too small (%d×%d): connectwiz needs at least %d×%d. Enlarge the window, or press ctrl+c to quit.",
			m.width, m.height, minWidth, minHeight), max(10, m.width-1), " "))
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteString("\n\n")
	b.WriteString(m.scrollView())
	if help := m.helpView(); help != "" {
		b.WriteString("\n\n")
		b.WriteString(help)
	}
	return m.st.App.Render(b.String())
}

// fullBody is the step's body with the notice below it.
func (m *Model) fullBody() string {
	body := m.body()
	if m.notice != "" && !steps[m.step].noNotice {
		body += "\n\n" + m.st.Warn.Render(m.wrap(m.notice))
	}
	return body
}

// body is the current step's view, and its form below it.
func (m *Model) body() string {
	body := m.stepView()
	if steps[m.step].form {
		body += m.form.View()
	}
	return body
}

// stepView is the step's own view: on a form step, what it shows above its
// form.
func (m *Model) stepView() string {
	if view := steps[m.step].view; view != nil {
		return view(m)
	}
	return ""
}

// bindings are the keys the current step answers to, for the help line.
func (m *Model) bindings() []key.Binding {
	if help := steps[m.step].help; help != nil {
		return help(m)
	}
	return nil
}

// quitHelp is the help of a step that only waits: only quitting.
func (m *Model) quitHelp() []key.Binding { return []key.Binding{m.keys.Quit} }

// formHelp is the help of a form step that can go back.
func (m *Model) formHelp() []key.Binding { return append(m.form.KeyBinds(), m.keys.Back, m.keys.Quit) }

// header names the phase the step is in.
func (m *Model) header() string {
	n := max(1, steps[m.step].phase)
	title := m.st.Title.Render("connectwiz") + m.st.Step.Render(" · "+phases[n-1])
	if m.opts.Sandbox {
		title += m.st.Badge.Render(" · sandbox")
	}
	right := m.st.Step.Render(fmt.Sprintf("step %d of %d", n, len(phases)))
	gap := m.contentWidth() - lipgloss.Width(title) - lipgloss.Width(right)
	return title + strings.Repeat(" ", max(1, gap)) + right
}

// contentWidth is the width the body is laid out in.
func (m *Model) contentWidth() int {
	return max(20, min(m.width-2, 100))
}

func (m *Model) wrap(s string) string { return ansi.Wrap(s, m.contentWidth(), " ") }

// working is text beside the spinner, wrapped so that each line fits the
// content width: the lines after the first are indented under the text.
func (m *Model) working(text string) string {
	lines := strings.Split(ansi.Wrap(text, max(10, m.contentWidth()-2), " "), "\n")
	return m.spinner() + " " + strings.Join(lines, "\n  ")
}

func (m *Model) spinner() string {
	return m.st.Spinner.Render(spinnerFrames[m.frame%len(spinnerFrames)])
}

// row is a label and its value, the value wrapped beside the label.
func (m *Model) row(label, value string) string {
	lw := m.st.Label.GetWidth() + 1
	v := wrapAfter(value, max(10, m.contentWidth()-lw), " /&?")
	return lipgloss.JoinHorizontal(lipgloss.Top, m.st.Label.Render(label)+" ", m.st.Value.Render(v))
}

// rows draws a summary's or a review's rows: each a row, a remark dim,
// a configuration entry indented as KEY = VALUE.
func (m *Model) rows(rs []wizard.Row) string {
	lines := make([]string, len(rs))
	for i, r := range rs {
		v := r.Value
		if r.Muted {
			v = m.st.Muted.Render(v)
		}
		if r.Entry {
			lines[i] = "  " + m.st.Muted.Render(r.Label) + " = " + v
			continue
		}
		lines[i] = m.row(r.Label, v)
	}
	return strings.Join(lines, "\n")
}

// newForm is a form as every step draws it: the wizard's theme, its own
// help line, the content width.
func (m *Model) newForm(groups ...*huh.Group) *huh.Form {
	return huh.NewForm(groups...).
		WithTheme(m.st.Form).
		WithShowHelp(false).
		WithWidth(m.contentWidth())
}

// tooSmall reports whether the window is below the minimum size: the
// screen then only says so, and only ctrl+c acts.
func (m *Model) tooSmall() bool { return m.width < minWidth || m.height < minHeight }

// wrapAfter wraps plain text at width, breaking each line after the last
// of breaks that fits (a URL after a slash, never inside "api-v2" as a
// word wrap would), or hard at width when none does. A space at a break
// is dropped.
func wrapAfter(s string, width int, breaks string) string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		for ansi.StringWidth(para) > width {
			cut, w := -1, 0
			for i, r := range para {
				w += ansi.StringWidth(string(r))
				if w > width {
					break
				}
				if strings.ContainsRune(breaks, r) {
					cut = i + len(string(r))
				}
			}
			if cut <= 0 {
				cut = len(ansi.Truncate(para, width, ""))
			}
			lines = append(lines, strings.TrimRight(para[:cut], " "))
			para = strings.TrimLeft(para[cut:], " ")
		}
		lines = append(lines, para)
	}
	return strings.Join(lines, "\n")
}
