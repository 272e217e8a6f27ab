package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
)

// spinnerFrames read well at one frame a second: a clock hand going round.
var spinnerFrames = []string{"◴", "◷", "◶", "◵"}

// View implements tea.Model: the header, the step's body and its keys.
// A body taller than the window scrolls (see scrollView); long lines meant
// to be copied (the authorize URL, the curl command) are printed above the
// view instead (see print.go), since the renderer cuts lines at the width.
func (m *Model) View() string {
	if m.step == stepQuit {
		return ""
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
	if m.notice != "" && m.step != stepDone {
		body += "\n\n" + m.st.Warn.Render(m.wrap(m.notice))
	}
	return body
}

// body is the current step's view.
func (m *Model) body() string {
	switch m.step {
	case stepSummary:
		return m.summaryView()
	case stepFetching:
		return m.fetchingView()
	case stepAuthorize:
		return m.authorizeView()
	case stepWaiting:
		return m.waitingView()
	case stepTimedOut:
		return m.timedOutView()
	case stepDenied:
		return m.deniedView()
	case stepCredentials, stepPaste, stepDetails, stepMissingConfig:
		return m.formIntro() + m.form.View()
	case stepReview:
		return m.reviewView()
	case stepCurl:
		return m.curlView()
	case stepCreating, stepFinishing:
		return m.creatingView()
	case stepCreateError, stepAnswerLost:
		return m.createErrorView()
	case stepRecovered:
		return m.recoveredView()
	case stepDone:
		return m.doneView()
	default: // stepQuit draws nothing
	}
	return ""
}

// formIntro is what a form step shows above its form.
func (m *Model) formIntro() string {
	switch m.step {
	case stepCredentials:
		return m.credErrView()
	case stepPaste:
		return m.pasteIntro()
	case stepMissingConfig:
		return m.missingIntro()
	default: // the details form stands alone
	}
	return ""
}

// bindings are the keys the current step answers to, for the help line.
func (m *Model) bindings() []key.Binding {
	k := m.keys
	switch m.step {
	case stepSummary:
		return []key.Binding{k.Continue, k.Edit, k.Quit}
	case stepCredentials:
		return append(m.form.KeyBinds(), k.Quit)
	case stepAuthorize, stepWaiting:
		return m.authorizeBindings()
	case stepTimedOut:
		return []key.Binding{k.Retry, k.Paste, k.Back, k.Quit}
	case stepDenied:
		return []key.Binding{k.Retry, k.Back, k.Quit}
	case stepPaste, stepDetails, stepMissingConfig:
		return append(m.form.KeyBinds(), k.Back, k.Quit)
	case stepReview, stepCurl:
		if !m.nameChecked { // Enter is held until the name check answers
			return []key.Binding{k.Back, k.Curl, k.Quit}
		}
		if m.nameTaken {
			keep := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep both"))
			return []key.Binding{keep, k.Replace, k.Back, k.Curl, k.Quit}
		}
		return []key.Binding{k.Create, k.Back, k.Curl, k.Quit}
	case stepAnswerLost:
		return []key.Binding{k.Recover, k.Quit}
	case stepCreateError:
		return m.createErrorBindings()
	case stepRecovered, stepDone:
		return []key.Binding{k.Exit}
	case stepFinishing:
		return nil // quitting already: nothing to offer but waiting
	default: // fetching, creating: only quit
	}
	return []key.Binding{k.Quit}
}

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

func (m *Model) spinner() string {
	return m.st.Spinner.Render(spinnerFrames[m.frame%len(spinnerFrames)])
}

// row is a label and its value, the value wrapped beside the label.
func (m *Model) row(label, value string) string {
	lw := m.st.Label.GetWidth() + 1
	v := ansi.Wrap(value, max(10, m.contentWidth()-lw), " /&")
	return lipgloss.JoinHorizontal(lipgloss.Top, m.st.Label.Render(label)+" ", m.st.Value.Render(v))
}

// newForm is a form as every step draws it: the wizard's theme, its own
// help line, the content width.
func (m *Model) newForm(groups ...*huh.Group) *huh.Form {
	return huh.NewForm(groups...).
		WithTheme(m.st.formTheme).
		WithShowHelp(false).
		WithWidth(m.contentWidth())
}

// tooSmall reports whether the window is below the minimum size: the
// screen then only says so, and only ctrl+c acts.
func (m *Model) tooSmall() bool { return m.width < minWidth || m.height < minHeight }
