package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/flow"
)

// spinnerFrames read well at one frame a second: a clock hand going round.
var spinnerFrames = []string{"◴", "◷", "◶", "◵"}

// contentWidth is the width the body is laid out in.
func (m *Model) contentWidth() int {
	return max(20, min(m.width-2, 100))
}

// View implements tea.Model.
func (m *Model) View() string {
	if m.quitting {
		return ""
	}
	if m.width < minWidth || m.height < minHeight {
		return m.st.Warn.Render(ansi.Wrap(fmt.Sprintf(
			"The terminal is too small (%d×%d): connectwiz needs at least %d×%d. Enlarge the window, or press ctrl+c to quit.",
			m.width, m.height, minWidth, minHeight), max(10, m.width-1), " "))
	}
	var b strings.Builder
	b.WriteString(m.header())
	b.WriteString("\n\n")
	body := m.body()
	if m.notice != "" && m.step != stepDone {
		body += "\n\n" + m.st.Warn.Render(m.wrap(m.notice))
	}
	b.WriteString(m.clip(body))
	b.WriteString("\n\n")
	b.WriteString(m.help.View(bindingsHelp(m.bindings())))
	return m.st.App.Render(b.String())
}

// clip keeps the body within the window, header and help line included.
func (m *Model) clip(body string) string {
	avail := m.height - 5
	lines := strings.Split(body, "\n")
	if len(lines) <= avail {
		return body
	}
	more := len(lines) - avail + 1
	return strings.Join(lines[:avail-1], "\n") + "\n" + m.st.Muted.Render(fmt.Sprintf("… %d more lines: enlarge the window to see them", more))
}

func (m *Model) header() string {
	names := []string{"Credentials", "Authorize", "Details", "Review", "Create", "Done"}
	n := m.stepNumber()
	title := m.st.Title.Render("connectwiz") + m.st.Step.Render(" · "+names[n-1])
	if m.opts.Sandbox {
		title += m.st.Warn.Render(" · sandbox")
	}
	right := m.st.Step.Render(fmt.Sprintf("step %d of %d", n, len(names)))
	gap := m.contentWidth() - lipgloss.Width(title) - lipgloss.Width(right)
	return title + strings.Repeat(" ", max(1, gap)) + right
}

func (m *Model) stepNumber() int {
	switch m.step {
	case stepCredentials:
		return 1
	case stepFetching, stepAuthorize, stepWaiting, stepTimedOut, stepPaste, stepDenied:
		return 2
	case stepDetails:
		return 3
	case stepReview:
		return 4
	case stepCreating, stepMissingConfig, stepCreateError:
		return 5
	default: // the other steps do nothing here
	}
	return 6
}

func (m *Model) wrap(s string) string { return ansi.Wrap(s, m.contentWidth(), " ") }

// wrapURL breaks a URL into lines of the content width: never cut short.
func (m *Model) wrapURL(u string) string {
	return m.st.URL.Render(ansi.Hardwrap(u, m.contentWidth(), false))
}

func (m *Model) spinner() string {
	return m.st.Spinner.Render(spinnerFrames[m.frame%len(spinnerFrames)])
}

// row is a label and its value, the value wrapped beside the label.
func (m *Model) row(label, value string) string {
	lw := m.st.Label.GetWidth() + 1
	v := ansi.Wrap(value, max(10, m.contentWidth()-lw), " /&")
	return lipgloss.JoinHorizontal(lipgloss.Top, m.st.Label.Render(label)+" ", m.st.Value.Render(v))
}

func mask(s string) string {
	if trim(s) == "" {
		return "(missing)"
	}
	return flow.Mask
}

func (m *Model) body() string {
	switch m.step {
	case stepCredentials:
		return m.credentialsView()
	case stepFetching:
		return m.spinner() + " Checking the secrets and fetching the authorize URL from " + m.creds().Host() + "…"
	case stepAuthorize:
		return m.authorizeView()
	case stepWaiting:
		return m.waitingView()
	case stepTimedOut:
		return m.st.Bad.Render("✗ No callback arrived in "+m.opts.Wait.String()+".") + "\n\n" +
			m.wrap("Authorize again (r), paste the URL the browser was sent to (p), or go back (esc).") + "\n\n" + m.wrapURL(m.auth.URL)
	case stepPaste:
		s := ""
		if m.auth != nil {
			s = m.wrap("Open this URL, approve, then paste the URL the browser is sent to:") + "\n\n" + m.wrapURL(m.auth.URL) + "\n\n"
		}
		return s + m.form.View()
	case stepDenied:
		return m.deniedView()
	case stepDetails:
		return m.form.View()
	case stepReview:
		return m.reviewView()
	case stepCreating:
		s := m.spinner() + " Creating " + m.st.KeyHint.Render(trim(m.name)) + " on " + m.creds().Host() + "…"
		if m.quitAfterSave {
			s += "\n\n" + m.st.Warn.Render(m.wrap("Finishing the create and saving the token before quitting, so it is not lost…"))
		}
		return s
	case stepMissingConfig:
		return m.st.Warn.Render(m.wrap("The platform needs more configuration for this connector. Fill in these entries and the create is sent again.")) +
			"\n\n" + m.form.View()
	case stepCreateError:
		return m.createErrorView()
	default: // the other steps do nothing here
	}
	return m.doneView()
}

func (m *Model) credentialsView() string {
	var b strings.Builder
	if m.credErr != nil {
		b.WriteString(m.st.Bad.Render(m.wrap("✗ "+m.credErr.Error())) + "\n\n")
	}
	if m.editing {
		b.WriteString(m.form.View())
		return b.String()
	}
	b.WriteString(m.wrap("Ready with these credentials:") + "\n\n")
	for _, f := range credentialFields {
		v := *f.value(m)
		if f.secret {
			v = mask(v)
		}
		b.WriteString(m.row(f.title, v) + "\n")
	}
	b.WriteString(m.row("", m.st.Muted.Render(callbackNote(m.callbackURL))))
	return b.String()
}

func (m *Model) authorizeView() string {
	var b strings.Builder
	b.WriteString(m.wrap("Open this URL to authorize connectwiz with the provider:") + "\n\n")
	b.WriteString(m.wrapURL(m.auth.URL) + "\n\n")
	if m.opts.Sandbox {
		b.WriteString(m.wrap("This is the sandbox: Enter approves the consent here, as a browser would; o opens a real browser."))
	} else {
		b.WriteString(m.wrap("Enter opens your browser. The provider then sends it back to " + m.auth.CallbackURL + "."))
	}
	return b.String()
}

func (m *Model) waitingView() string {
	addr := m.auth.CallbackURL
	if m.auth.Listener != nil {
		addr = m.auth.Listener.Addr
	}
	line := m.wrap(fmt.Sprintf("Waiting for the browser to come back on %s (%s left)", addr, m.timeLeft()))
	return m.spinner() + " " + line + "\n\n" +
		m.st.Muted.Render(m.wrap("If the browser did not open, open this URL yourself:")) + "\n" + m.wrapURL(m.auth.URL)
}

func (m *Model) deniedView() string {
	msg := "The provider returned an error."
	if m.denied != nil && m.denied.Code == "access_denied" {
		msg = "Access was denied at the provider."
	}
	s := m.st.Bad.Render("✗ "+msg) + "\n\n"
	if m.denied != nil {
		s += m.row("Error", m.denied.Code) + "\n"
		if m.denied.Description != "" {
			s += m.row("Description", m.denied.Description) + "\n"
		}
	}
	return s + "\n" + m.wrap("Nothing was created. Press r to authorize again, or esc to change the credentials.")
}

func (m *Model) reviewView() string {
	req := m.request()
	c := m.creds()
	var b strings.Builder
	if m.showCurl {
		b.WriteString(m.st.Muted.Render("The same request with curl (secrets from the environment; v for the summary):") + "\n\n")
		b.WriteString(ansi.Hardwrap(req.Curl(c.BaseURL), m.contentWidth(), true))
		return b.String()
	}
	b.WriteString(m.wrap("This is the request about to be sent:") + "\n\n")
	b.WriteString(m.row("Platform", c.BaseURL) + "\n")
	b.WriteString(m.row("Connector", req.Connector) + "\n")
	b.WriteString(m.row("Name", req.Name) + "\n")
	tags := strings.Join(req.Tags, ", ")
	if tags == "" {
		tags = m.st.Muted.Render("(none)")
	}
	b.WriteString(m.row("Tags", tags) + "\n")
	b.WriteString(m.row("Configuration", "") + "\n")
	for _, k := range req.ConfigKeys() {
		v := req.Extra[k]
		switch {
		case k == flow.ConfigClientID:
			v = req.ClientID
		case k == flow.ConfigCallbackURL:
			v = req.CallbackURL
		case k == flow.ConfigClientSecret || flow.IsSecretKey(k):
			v = flow.Mask
		}
		b.WriteString("  " + m.st.Muted.Render(k) + " = " + v + "\n")
	}
	b.WriteString(m.row("Code", flow.Mask+" (from the provider)"))
	if m.nameTaken {
		b.WriteString("\n\n" + m.st.Warn.Render(m.wrap(fmt.Sprintf("An instance named %q already exists on this machine for this platform: creating replaces its local entry (the old instance stays on the platform). Esc to choose another name.", req.Name))))
	}
	return b.String()
}

func (m *Model) createErrorView() string {
	var b strings.Builder
	if m.recovered != "" {
		b.WriteString(m.st.Good.Render("✓ The answer was lost, but the instance was found.") + "\n\n")
		b.WriteString(m.wrap(m.recovered))
		return b.String()
	}
	b.WriteString(m.st.Bad.Render("✗ The create did not succeed.") + "\n\n")
	b.WriteString(m.wrap(m.createErr.Error()))
	if errors.Is(m.createErr, flow.ErrAnswerLost) {
		b.WriteString("\n\n" + m.wrap("Press r to look the instance up now; or quit and run 'connectwiz recover' later. The pending record is kept either way, so the token is not lost."))
	} else {
		b.WriteString("\n\n" + m.wrap("Press r to send it again, or esc to review the request."))
	}
	return b.String()
}

func (m *Model) doneView() string {
	c := m.created
	e := c.Saved.Entry
	var b strings.Builder
	b.WriteString(m.st.Good.Render("✓ Instance created") + "\n\n")
	b.WriteString(m.row("Name", e.Name) + "\n")
	b.WriteString(m.row("ID", e.ID) + "\n")
	b.WriteString(m.row("Connector", e.Connector) + "\n")
	where := e.Storage.Describe()
	if c.Saved.Warning == "" {
		where += " (service connectwiz, account " + e.Account() + ")"
	}
	b.WriteString(m.row("Token", "in "+where) + "\n")
	if c.Saved.Warning != "" {
		b.WriteString("\n" + m.st.Warn.Render(m.wrap("⚠ "+c.Saved.Warning+".")) + "\n")
	}
	if m.finalNote != "" {
		b.WriteString("\n" + m.st.Muted.Render(m.wrap(m.finalNote)) + "\n")
	}
	b.WriteString("\nGet the token in scripts with:\n  " + m.st.KeyHint.Render("connectwiz token "+flow.ShellQuote(e.Name)))
	return b.String()
}

// bindings are the keys the current step answers to, for the help line.
func (m *Model) bindings() []key.Binding {
	k := m.keys
	var out []key.Binding
	switch m.step {
	case stepCredentials:
		if m.editing {
			out = append(m.form.KeyBinds(), k.Quit)
			return out
		}
		return []key.Binding{k.Continue, k.Edit, k.Quit}
	case stepFetching:
		return []key.Binding{k.Quit}
	case stepAuthorize, stepWaiting:
		open := k.Open
		if m.opts.Sandbox {
			open = key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "approve here"))
		}
		return []key.Binding{open, k.Copy, k.Paste, k.Back, k.Quit}
	case stepTimedOut:
		return []key.Binding{k.Retry, k.Paste, k.Back, k.Quit}
	case stepDenied:
		return []key.Binding{k.Retry, k.Back, k.Quit}
	case stepPaste, stepDetails, stepMissingConfig:
		return append(m.form.KeyBinds(), k.Back, k.Quit)
	case stepReview:
		return []key.Binding{k.Create, k.Back, k.Curl, k.Quit}
	case stepCreating:
		return []key.Binding{k.Quit}
	case stepCreateError:
		if m.recovered != "" {
			return []key.Binding{k.Exit}
		}
		if errors.Is(m.createErr, flow.ErrAnswerLost) {
			return []key.Binding{k.Recover, k.Quit}
		}
		return []key.Binding{k.Retry, k.Back, k.Quit}
	default: // the other steps do nothing here
	}
	return []key.Binding{k.Exit}
}
