package ui

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// The authorize phase: fetching the URL (stepFetching), the URL
// (stepAuthorize), waiting for the callback (stepWaiting), no callback in
// time (stepTimedOut), the redirect pasted by hand (stepPaste), and the
// provider saying no (stepDenied).

func init() {
	define(stepFetching, stepInfo{
		name: "fetching", phase: 2,
		tick: (*Model).tick, view: (*Model).fetchingView, help: (*Model).quitHelp,
	})
	define(stepAuthorize, stepInfo{
		name: "authorize", phase: 2, listens: true,
		key: (*Model).authorizeKey, back: (*Model).authorizeBack, printed: (*Model).printURL,
		view: (*Model).authorizeView, help: (*Model).authorizeHelp,
	})
	define(stepWaiting, stepInfo{
		name: "waiting", phase: 2, listens: true, tick: (*Model).waitingTick,
		key: (*Model).waitingKey, back: (*Model).waitingBack, printed: (*Model).printURL,
		view: (*Model).waitingView, help: (*Model).authorizeHelp,
	})
	define(stepTimedOut, stepInfo{
		name: "timed out", phase: 2, listens: true,
		key: (*Model).timedOutKey, back: (*Model).authorizeBack, printed: (*Model).printURL,
		view: (*Model).timedOutView, help: (*Model).timedOutHelp,
	})
	define(stepPaste, stepInfo{
		name: "paste", phase: 2, form: true, listens: true,
		done: (*Model).pasteDone, back: (*Model).pasteBack, printed: (*Model).printURL,
		view: (*Model).pasteIntro, help: (*Model).formHelp,
	})
	define(stepDenied, stepInfo{
		name: "denied", phase: 2,
		key: (*Model).deniedKey, back: (*Model).authorizeBack,
		view: (*Model).deniedView, help: (*Model).deniedHelp,
	})
}

// startAuthorize drops any authorization in progress and asks for a new one.
func (m *Model) startAuthorize() tea.Cmd {
	closing := m.endAuthorization()
	m.notice, m.refused, m.credErr, m.credFields = "", "", nil, nil
	m.a.Code, m.res.Note = "", "" // a code got before is not used once a new authorization starts
	return tea.Batch(closing, m.goTo(stepFetching), authorize(m.svc, m.a.Creds()))
}

func (m *Model) onAuthorized(msg authorizedMsg) (tea.Model, tea.Cmd) {
	if m.step != stepFetching {
		return m, closeAuthorization(msg.auth) // a late answer: nobody waits for it
	}
	if msg.err != nil {
		m.credErr, m.credErrFor = msg.err, m.a.Creds()
		m.credFields = wizard.ErrorFields(msg.err)
		m.form = m.credentialsForm()
		return m, tea.Batch(m.goTo(stepCredentials), m.form.Init())
	}
	m.auth = msg.auth
	m.authGen++
	m.authCtx, m.authCancel = context.WithCancel(context.Background())
	m.denied, m.alarm = nil, nil
	if m.auth.Done == nil {
		m.form = m.pasteForm()
		return m, tea.Batch(m.goTo(stepPaste), m.form.Init(), m.printURL())
	}
	cmds := []tea.Cmd{m.goTo(stepAuthorize), waitCallback(m.authCtx, m.auth.Done, m.authGen), m.printURL()}
	if m.auth.Refusals != nil {
		cmds = append(cmds, waitRefusals(m.authCtx, m.auth.Refusals, m.authGen))
	}
	return m, tea.Batch(cmds...)
}

// onRefusal says the latest request the listener refused (one line, in
// place of the one before) and waits for the next, while the wait goes on.
func (m *Model) onRefusal(msg refusalMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.authGen || m.auth == nil || m.auth.Refusals == nil {
		return m, nil // the authorization ended
	}
	m.refused = msg.r.String()
	return m, waitRefusals(m.authCtx, m.auth.Refusals, m.authGen)
}

// onCallback acts on what ended the wait for the callback. The wait is
// armed once per authorization (onAuthorized) and holds until this result
// or the authorization's end; while the listener is open the wizard is on
// one of the steps that wait for it (the URL, waiting, timed out, or the
// paste form opened from them), and each acts on it: a code finishes the
// authorization, an error or an alarm goes to its screen. A result of an
// authorization already ended (a code pasted meanwhile) is dropped.
func (m *Model) onCallback(msg callbackMsg) (tea.Model, tea.Cmd) {
	if msg.gen != m.authGen || !m.listening() {
		return m, nil
	}
	if msg.res.Err != nil || msg.res.Alarm != nil {
		m.denied, m.alarm = msg.res.Err, msg.res.Alarm
		return m, tea.Batch(m.endAuthorization(), m.goTo(stepDenied))
	}
	return m.gotCode(msg.res.Code, m.auth.CallbackURL)
}

// listening reports whether the authorization in progress waits for the
// callback on a listener.
func (m *Model) listening() bool {
	// An authorization is ended on leaving the steps that listen.
	return m.auth != nil && m.auth.Done != nil && steps[m.step].listens
}

func (m *Model) onBrowser(msg browserMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.notice = "Could not open a browser: " + msg.err.Error() + "."
		if m.opts.Sandbox {
			m.notice += " Press enter to approve here."
		} else {
			m.notice += " c copies the URL; p pastes the redirect."
		}
	}
	return m, nil
}

func (m *Model) onCopied(msg copiedMsg) (tea.Model, tea.Cmd) {
	m.notice = "URL sent to the terminal's clipboard (OSC 52): paste it if your terminal accepted it, or select it above."
	if msg.err != nil {
		m.notice = "Could not copy: " + msg.err.Error()
	}
	return m, nil
}

func (m *Model) onApproved(msg approvedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.notice = "Approving in the sandbox failed: " + msg.err.Error()
	}
	return m, nil
}

// gotCode ends the authorization and moves on to the details.
func (m *Model) gotCode(code secret.Secret, callbackURL string) (tea.Model, tea.Cmd) {
	m.a.Code, m.a.Callback = code, callbackURL
	closing := m.endAuthorization()
	m.notice = ""
	m.form = m.detailsForm()
	return m, tea.Batch(closing, m.goTo(stepDetails), m.form.Init())
}

// authorizeKey handles the keys of the URL step; come back to from the
// details, the code received, it offers going on with that code.
func (m *Model) authorizeKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.auth == nil && !m.a.Code.IsZero() {
		return m.codeReceivedKey(k)
	}
	return m.waitingKey(k)
}

// waitingKey handles the keys of the waiting step, and of the URL step
// before the code came: open the browser (or approve in the sandbox), copy
// the URL, paste the redirect.
func (m *Model) waitingKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.auth == nil {
		return m, nil
	}
	if cmd, ok := m.urlKey(k); ok {
		return m, cmd
	}
	switch {
	case key.Matches(k, m.keys.Open) && m.opts.Sandbox, key.Matches(k, m.keys.Approve) && m.opts.Sandbox:
		m.notice = "Approving in the sandbox…"
		return m, tea.Batch(m.startWaiting(), approve(m.svc, m.auth.URL))
	case key.Matches(k, m.keys.Open), m.opts.Sandbox && key.Matches(k, m.keys.OpenReal):
		return m, tea.Batch(m.startWaiting(), openBrowser(m.svc, m.auth))
	}
	return m, nil
}

// timedOutKey: authorize again, or still copy the URL or paste the
// redirect.
func (m *Model) timedOutKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.auth == nil {
		return m, nil
	}
	if key.Matches(k, m.keys.Retry) {
		return m, m.startAuthorize()
	}
	cmd, _ := m.urlKey(k)
	return m, cmd
}

// urlKey handles the keys of the steps that show the URL: c copies it, p
// opens the paste form; handled says k was one of them.
func (m *Model) urlKey(k tea.KeyMsg) (cmd tea.Cmd, handled bool) {
	switch {
	case key.Matches(k, m.keys.Copy):
		return copyURL(m.svc, m.auth.URL), true
	case key.Matches(k, m.keys.Paste):
		m.notice = ""
		m.form = m.pasteForm()
		return tea.Batch(m.goTo(stepPaste), m.form.Init()), true
	}
	return nil, false
}

// codeReceivedKey handles the keys of the authorize step come back to
// from the details: the code is kept until a new authorization starts.
func (m *Model) codeReceivedKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Continue):
		m.form = m.detailsForm()
		return m, tea.Batch(m.goTo(stepDetails), m.form.Init())
	case key.Matches(k, m.keys.Reauthorize):
		return m, m.startAuthorize()
	}
	return m, nil
}

// startWaiting starts the clock when the browser is first sent off.
func (m *Model) startWaiting() tea.Cmd {
	if m.step == stepAuthorize {
		m.deadline = m.opts.Now().Add(m.opts.Wait)
	}
	return m.goTo(stepWaiting)
}

// waitingTick counts the wait down; when its time is up, it has timed out.
func (m *Model) waitingTick() tea.Cmd {
	if m.timeLeft() > 0 {
		return m.tick()
	}
	m.ticking = false
	return m.goTo(stepTimedOut)
}

// timeLeft is the rounded time until the deadline.
func (m *Model) timeLeft() time.Duration {
	d := m.deadline.Sub(m.opts.Now())
	if d < 0 {
		return 0
	}
	return d.Round(time.Second)
}

func (m *Model) deniedKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.Retry) {
		return m, m.startAuthorize()
	}
	return m, nil
}

// authorizeBack ends the authorization and opens the credentials form.
func (m *Model) authorizeBack() (tea.Model, tea.Cmd) {
	closing := m.endAuthorization()
	_, cmd := m.editCredentials()
	return m, tea.Batch(closing, cmd)
}

// waitingBack returns to the URL.
func (m *Model) waitingBack() (tea.Model, tea.Cmd) { return m, m.goTo(stepAuthorize) }

// Views.

func (m *Model) fetchingView() string {
	return m.working("Checking the secrets and fetching the authorize URL from " + m.a.Creds().Host() + "…")
}

func (m *Model) authorizeView() string {
	if m.auth == nil {
		return m.codeReceivedView()
	}
	var b strings.Builder
	b.WriteString(m.wrap("Open this URL to authorize connectwiz with the provider (printed in full above this screen; c copies it):") + "\n\n")
	b.WriteString(m.urlExcerpt(m.auth.URL) + "\n\n")
	switch {
	case m.auth.Forward != "":
		// An SSH session: no browser here; the port forwarding, or the paste.
		b.WriteString(m.wrap("This is an SSH session: no browser is opened here. From your own machine, run") + "\n\n  " +
			m.st.KeyHint.Render(m.auth.Forward) + "\n\n" +
			m.wrap("then open the URL there; or open it anywhere, approve, and press p to paste the address the browser was sent to."))
	case m.opts.Sandbox:
		b.WriteString(m.wrap("This is the sandbox: Enter approves the consent here, as a browser would; o opens a real browser."))
	default:
		b.WriteString(m.wrap("Enter opens your browser. The provider then sends it back to " + m.auth.CallbackURL + "."))
	}
	return b.String()
}

// codeReceivedView is the authorize step once the code was received.
func (m *Model) codeReceivedView() string {
	return m.st.Good.Render("✓ The provider sent the code back.") + "\n\n" +
		m.wrap("Enter goes on to the details with it. a authorizes again (a new URL; this code is dropped); esc changes the credentials.")
}

func (m *Model) waitingView() string {
	addr := m.auth.CallbackURL
	if m.auth.Listener != nil {
		addr = m.auth.Listener.Addr
	}
	s := m.working(fmt.Sprintf("Waiting for the browser to come back on %s (%s left)", addr, flow.Duration(m.timeLeft()))) + "\n\n"
	if m.refused != "" {
		s += m.st.Warn.Render(m.wrap("⚠ "+m.refused)) + "\n\n" // wrapped, not cut: the reason ends it
	}
	return s + m.st.Muted.Render(m.wrap("If the browser did not open, open the URL printed above this screen yourself:")) + "\n" + m.urlExcerpt(m.auth.URL)
}

func (m *Model) timedOutView() string {
	return m.st.Bad.Render("✗ "+flow.SayNoCallback(m.opts.Wait)) + "\n\n" +
		m.wrap("Authorize again (r), paste the URL the browser was sent to (p), or go back (esc). The URL is printed in full above this screen:") + "\n\n" + m.urlExcerpt(m.auth.URL)
}

// pasteIntro is what the paste step shows above its form.
func (m *Model) pasteIntro() string {
	if m.auth == nil {
		return ""
	}
	return m.wrap("Open the URL printed above this screen, approve, then paste the URL the browser is sent to:") + "\n\n" + m.urlExcerpt(m.auth.URL) + "\n\n"
}

func (m *Model) deniedView() string {
	if m.alarm != nil {
		return m.alarmView()
	}
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

// alarmView is the denied step when the authorization was stopped because
// it may have been hijacked: no provider's error code to show.
func (m *Model) alarmView() string {
	what := "Authorization stopped: " + strings.TrimSuffix(m.alarm.Error(), ".") + "."
	return m.st.Bad.Render(m.wrap("✗ "+what)) + "\n\n" + m.wrap("Nothing was created. Press r to authorize again.")
}

func (m *Model) authorizeHelp() []key.Binding {
	k := m.keys
	if m.auth == nil { // the code was received
		return []key.Binding{k.Continue, k.Reauthorize, k.Back, k.Quit}
	}
	approve := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "approve here"))
	if m.auth.Forward != "" { // an SSH session: no browser here, the paste first
		if m.opts.Sandbox {
			return []key.Binding{approve, k.Paste, k.Copy, k.Back, k.Quit}
		}
		return []key.Binding{k.Paste, k.Copy, k.Back, k.Quit}
	}
	if m.opts.Sandbox {
		return []key.Binding{approve, k.OpenReal, k.Copy, k.Paste, k.Back, k.Quit}
	}
	return []key.Binding{k.Open, k.Copy, k.Paste, k.Back, k.Quit}
}

func (m *Model) timedOutHelp() []key.Binding {
	return []key.Binding{m.keys.Retry, m.keys.Paste, m.keys.Back, m.keys.Quit}
}

func (m *Model) deniedHelp() []key.Binding {
	return []key.Binding{m.keys.Retry, m.keys.Back, m.keys.Quit}
}
