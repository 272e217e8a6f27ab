package ui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// The credentials phase: the prefilled summary (stepSummary) and the form
// (stepCredentials), with the fields' validation.

func init() {
	define(stepSummary, stepInfo{
		name: "credentials summary", phase: 1,
		key: (*Model).summaryKey, view: (*Model).summaryView, help: (*Model).summaryHelp,
	})
	define(stepCredentials, stepInfo{
		name: "credentials", phase: 1, form: true,
		done: (*Model).credentialsDone, back: (*Model).credentialsBack,
		view: (*Model).credErrView, help: (*Model).credentialsHelp,
	})
}

// The form.

func (m *Model) input(f wizard.Field) *huh.Input {
	in := huh.NewInput().Title(f.Title).Value(f.Value(&m.a)).Validate(f.Validate)
	if f.Secret {
		in = in.EchoMode(huh.EchoModePassword)
	}
	if msg, ok := m.credFields[f.Title]; ok {
		in = in.Description("✗ " + msg)
	} else if f.Title == wizard.TitleCallbackURL {
		// huh calls the func in a Cmd, off the event loop, while the field
		// writes m.a.CallbackURL: it reads the copy Update publishes.
		in = in.DescriptionFunc(func() string { return wizard.CallbackNote(m.callbackSeen.Load().(string)) }, &m.a.CallbackURL)
	}
	return in
}

func (m *Model) credentialsForm() *huh.Form {
	f := wizard.Fields
	return m.newForm(
		huh.NewGroup(m.input(f[0]), m.input(f[1]), m.input(f[2])).
			Title("Platform").Description("The platform and your account's secrets."),
		huh.NewGroup(m.input(f[3]), m.input(f[4]), m.input(f[5]), m.input(f[6]),
			huh.NewConfirm().Title(wizard.TitleRemember).
				Description("Never in a file. Prefilled next time.").Value(&m.a.Remember)).
			Title("OAuth app").Description("The app you registered with the provider."),
	)
}

// Handlers.

// onRemembered fills the secrets the keychain remembers, if the user is
// still on the credentials of the platform they were asked for.
func (m *Model) onRemembered(msg rememberedMsg) (tea.Model, tea.Cmd) {
	if m.step != stepSummary && m.step != stepCredentials || !m.a.FillRemembered(msg.creds, msg.baseURL) {
		return m, nil
	}
	m.notice = wizard.SayFilled
	if m.a.Complete() {
		m.form = nil
		return m, m.goTo(stepSummary)
	}
	m.form = m.credentialsForm()
	return m, tea.Batch(m.goTo(stepCredentials), m.form.Init())
}

// dropForeignSecrets clears the secrets filled from the keychain when the
// form now names another platform than they are remembered for, and says
// so; it reports whether it cleared any.
func (m *Model) dropForeignSecrets() bool {
	note := m.a.DropForeignSecrets()
	if note != "" {
		m.notice = note
	}
	return note != ""
}

// reaskSecrets shows the credentials form again after dropping another
// platform's secrets, and asks the keychain for this platform's.
func (m *Model) reaskSecrets() (tea.Model, tea.Cmd) {
	m.form = m.credentialsForm()
	cmds := []tea.Cmd{m.goTo(stepCredentials), m.form.Init()}
	if m.svc.CanRemember() {
		cmds = append(cmds, loadRemembered(m.svc, m.a.BaseURL))
	}
	return m, tea.Batch(cmds...)
}

func (m *Model) summaryKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Continue):
		return m, m.startAuthorize()
	case key.Matches(k, m.keys.Edit):
		return m.editCredentials()
	}
	return m, nil
}

func (m *Model) credentialsDone() (tea.Model, tea.Cmd) {
	if m.dropForeignSecrets() {
		return m.reaskSecrets()
	}
	m.form = nil
	return m, m.startAuthorize()
}

// credentialsBack returns from the form to the summary, when the
// credentials are complete and were not refused.
func (m *Model) credentialsBack() (tea.Model, tea.Cmd) {
	if m.dropForeignSecrets() {
		return m.reaskSecrets()
	}
	if m.a.Complete() && m.credErr == nil {
		m.form = nil
		return m, m.goTo(stepSummary)
	}
	return m, nil
}

// editCredentials opens the credentials form; a code already got is
// dropped, and the note on how it was got.
func (m *Model) editCredentials() (tea.Model, tea.Cmd) {
	m.a.Code, m.res.Note = "", ""
	m.form = m.credentialsForm()
	return m, tea.Batch(m.goTo(stepCredentials), m.form.Init())
}

// Views.

func (m *Model) credErrView() string {
	if m.credErr == nil || m.a.Creds() != m.credErrFor {
		return ""
	}
	return m.st.Bad.Render(m.wrap("✗ "+m.credErr.Error())) + "\n\n"
}

func (m *Model) summaryView() string {
	var b strings.Builder
	b.WriteString(m.credErrView())
	b.WriteString(m.wrap(wizard.SaySummary) + "\n\n")
	b.WriteString(m.rows(m.a.Summary()))
	if w := flow.PlainHTTPWarning(trim(m.a.BaseURL)); w != "" {
		b.WriteString("\n\n" + m.st.Warn.Render(m.wrap("⚠ "+wizard.Capitalize(w)+".")))
	}
	return b.String()
}

func (m *Model) summaryHelp() []key.Binding {
	return []key.Binding{m.keys.Continue, m.keys.Edit, m.keys.Quit}
}

// credentialsHelp: the form's keys; esc is not offered (it goes back to
// the summary only when the credentials are complete).
func (m *Model) credentialsHelp() []key.Binding { return append(m.form.KeyBinds(), m.keys.Quit) }
