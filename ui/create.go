package ui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// The create phase: creating (stepCreating, or stepFinishing once the user
// asked to quit), the missing configuration (stepMissingConfig), a failed
// create (stepCreateError), a lost answer (stepAnswerLost) and its recovery
// (stepRecovered); done (stepDone) is in done.go, picking among a lost
// answer's candidates in pick.go.

func init() {
	define(stepCreating, stepInfo{
		name: "creating", phase: 5, tick: (*Model).tick,
		quit: (*Model).finishThenQuit, view: (*Model).creatingView, help: (*Model).quitHelp,
	})
	define(stepFinishing, stepInfo{
		name: "creating, then quitting", phase: 5, tick: (*Model).tick,
		quit: (*Model).finishThenQuit, view: (*Model).finishingView,
	}) // no help: quitting already, nothing to offer but waiting
	define(stepMissingConfig, stepInfo{
		name: "missing configuration", phase: 5, form: true,
		done: (*Model).missingDone, back: (*Model).createBack,
		view: (*Model).missingIntro, help: (*Model).formHelp,
	})
	define(stepCreateError, stepInfo{
		name: "create error", phase: 5,
		key: (*Model).createErrorKey, back: (*Model).createBack,
		view: (*Model).createErrorView, help: (*Model).createErrorHelp,
	})
	define(stepAnswerLost, stepInfo{name: "answer lost", phase: 5, // no going back: the instance may exist
		key: (*Model).answerLostKey, view: (*Model).answerLostView, help: (*Model).answerLostHelp})
	define(stepRecovered, stepInfo{
		name: "recovered", phase: 6,
		key: (*Model).exitKey, view: (*Model).recoveredView, help: (*Model).exitHelp,
	})
}

// startCreate sends the create; it runs to its end whatever the user does.
func (m *Model) startCreate() tea.Cmd {
	m.res.Err = nil
	r := m.a.CreateRequest(m.opts.Insecure, m.replace)
	return tea.Batch(m.goTo(stepCreating), create(m.svc, r))
}

// finishThenQuit: quitting while creating waits for the create and the
// save to finish (onCreated then quits), so an issued token is not lost.
func (m *Model) finishThenQuit() (tea.Model, tea.Cmd) {
	m.step = stepFinishing
	return m, nil
}

func (m *Model) onCreated(msg createdMsg) (tea.Model, tea.Cmd) {
	quitting := m.step == stepFinishing
	if msg.err == nil {
		m.res.Created = &msg.created
		m.res.Note = strings.TrimSpace(m.res.Note + " " + msg.note) // after the paste's note, if any
	} else {
		m.res.Err = msg.err
	}
	switch {
	case quitting:
		m.step = stepQuit
		return m, tea.Quit
	case msg.err == nil:
		m.ambiguous, m.doneAlarm = msg.ambiguous, msg.alarm
		return m, m.goTo(stepDone)
	}
	if e, ok := platform.AsAPIError(msg.err); ok && len(e.Missing) > 0 {
		m.askMissing(e.Missing)
		return m, tea.Batch(m.goTo(stepMissingConfig), m.form.Init())
	}
	if u, ok := wizard.Unsettled(msg.err); ok {
		return m, m.startPick(u.Candidates)
	}
	if wizard.InstanceMayExist(msg.err) {
		return m, m.goTo(stepAnswerLost)
	}
	return m, m.goTo(stepCreateError)
}

// askMissing opens the form for the configuration entries the platform
// asked for, keeping what was typed for them before.
func (m *Model) askMissing(keys []string) {
	m.a.AskMissing(keys)
	m.form = m.missingForm()
}

func (m *Model) missingForm() *huh.Form {
	var fields []huh.Field
	for _, k := range m.a.MissingOrder {
		in := huh.NewInput().Title(k).Value(m.a.Missing[k]).Validate(wizard.Required)
		if secret.IsSecretKey(k) {
			in = in.EchoMode(huh.EchoModePassword)
		}
		fields = append(fields, in)
	}
	return m.newForm(huh.NewGroup(fields...).
		Title("Missing configuration").
		Description("The platform needs these entries for this connector."))
}

func (m *Model) missingDone() (tea.Model, tea.Cmd) {
	m.form = nil
	return m, m.startCreate()
}

func (m *Model) onRecovered(msg recoveredMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.notice = "Recovery failed: " + msg.err.Error()
		return m, nil
	}
	m.res.SettleRecovered(msg.found)
	return m, m.nextPick()
}

// createErrorKey: send the same request again, or authorize again for a
// fresh code (the platform may have refused this one: codes are single
// use and expire).
func (m *Model) createErrorKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Retry):
		return m, m.startCreate()
	case key.Matches(k, m.keys.Reauthorize):
		m.res.Err = nil
		return m, m.startAuthorize()
	}
	return m, nil
}

// codeRefused says the platform refused the authorization code: a 400,
// 401 or 403 that speaks of the code or the grant.
func codeRefused(err error) bool {
	e, ok := platform.AsAPIError(err)
	if !ok || (e.Status != 400 && e.Status != 401 && e.Status != 403) {
		return false
	}
	text := strings.ToLower(e.Message + " " + e.ProviderMessage)
	return strings.Contains(text, "code") || strings.Contains(text, "grant")
}

// createErrorHelp puts authorizing again first when the code was
// refused, retrying first otherwise.
func (m *Model) createErrorHelp() []key.Binding {
	k := m.keys
	if codeRefused(m.res.Err) {
		return []key.Binding{k.Reauthorize, k.Retry, k.Back, k.Quit}
	}
	return []key.Binding{k.Retry, k.Reauthorize, k.Back, k.Quit}
}

// answerLostKey: the instance may exist, so no retry and no going back;
// only looking it up.
func (m *Model) answerLostKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.Recover) {
		return m, recoverNow(m.svc, m.a.Creds())
	}
	return m, nil
}

func (m *Model) answerLostHelp() []key.Binding { return []key.Binding{m.keys.Recover, m.keys.Quit} }

// exitKey ends the wizard from its last screens.
func (m *Model) exitKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.Exit) {
		return m.quit()
	}
	return m, nil
}

func (m *Model) exitHelp() []key.Binding { return []key.Binding{m.keys.Exit} }

// createBack returns to the review from a failed create.
func (m *Model) createBack() (tea.Model, tea.Cmd) {
	m.form = nil
	return m, m.goTo(stepReview)
}

// Views.

func (m *Model) creatingView() string {
	return m.working("Creating " + m.st.KeyHint.Render(trim(m.a.Name)) + " on " + m.a.Creds().Host() + "…")
}

func (m *Model) finishingView() string {
	return m.creatingView() + "\n\n" + m.st.Warn.Render(m.wrap(wizard.SayFinishing))
}

func (m *Model) missingIntro() string {
	return m.st.Warn.Render(m.wrap("The platform needs more configuration for this connector. Fill in these entries and the create is sent again.")) + "\n\n"
}

// createFailure is how the screens of a failed create start: what failed,
// and the error.
func (m *Model) createFailure() string {
	head := "✗ The create did not succeed."
	if errors.Is(m.res.Err, flow.ErrNotKept) {
		head = "✗ The instance was created, but its token was not stored."
	}
	return m.st.Bad.Render(head) + "\n\n" + m.wrap(m.res.Err.Error())
}

func (m *Model) createErrorView() string {
	what := "Press r to send it again, a to authorize again (a new code), or esc to review the request."
	if codeRefused(m.res.Err) {
		what = "The platform refused the authorization code (a code is good for one try and expires soon). Press a to authorize again for a new one, r to send the request again, or esc to review it."
	}
	return m.createFailure() + "\n\n" + m.wrap(what)
}

func (m *Model) answerLostView() string {
	return m.createFailure() + "\n\n" + m.wrap("Press r to look the instance up now; or quit and run 'connectwiz recover' later. The pending record is kept either way, so the token is not lost.")
}

func (m *Model) recoveredView() string {
	said := make([]string, len(m.res.Recovered))
	for i, r := range m.res.Recovered {
		said[i] = r.String()
	}
	if !wizard.FoundAny(m.res.Recovered) {
		return m.st.Bad.Render(m.wrap("✗ "+wizard.SayNothingFound)) + "\n\n" +
			m.wrap(strings.Join(said, "; ")+".")
	}
	return m.st.Good.Render("✓ The answer was lost, but the instance was found.") + "\n\n" +
		m.wrap(strings.Join(said, "; ")+". See 'connectwiz list'.")
}
