package ui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
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

// Field titles; tests and the benchmark look for them.
const (
	titleBaseURL      = "Platform URL"
	titleUserSecret   = "User secret"
	titleOrgSecret    = "Organization secret"
	titleConnector    = "Connector"
	titleClientID     = "OAuth client ID"
	titleClientSecret = "OAuth client secret" //nolint:gosec // a field title
	titleCallbackURL  = "Callback URL"
)

// credentialField describes one field of the credentials step.
type credentialField struct {
	title    string
	secret   bool
	value    func(m *Model) *string
	validate func(string) error
}

var credentialFields = []credentialField{
	{titleBaseURL, false, func(m *Model) *string { return &m.baseURL }, validPlatformURL},
	{titleUserSecret, true, func(m *Model) *string { return &m.userSecret }, required},
	{titleOrgSecret, true, func(m *Model) *string { return &m.orgSecret }, required},
	{titleConnector, false, func(m *Model) *string { return &m.connector }, validConnector},
	{titleClientID, false, func(m *Model) *string { return &m.clientID }, required},
	{titleClientSecret, true, func(m *Model) *string { return &m.clientSecret }, required},
	{titleCallbackURL, false, func(m *Model) *string { return &m.callbackURL }, validCallbackURL},
}

func (m *Model) credentialsComplete() bool {
	for _, f := range credentialFields {
		if f.validate(*f.value(m)) != nil {
			return false
		}
	}
	return true
}

// Validation.

func required(s string) error {
	if trim(s) == "" {
		return errors.New("required")
	}
	return nil
}

// validPlatformURL is the platform URL's check: flow's one normalisation
// (http(s), a host, no user:password@).
func validPlatformURL(s string) error {
	if err := required(s); err != nil {
		return err
	}
	_, err := platform.NormalizeBaseURL(s)
	return err
}

func validConnector(s string) error {
	if err := required(s); err != nil {
		return err
	}
	return platform.CheckConnectorKey(trim(s))
}

// errorFields maps an authorize error to the credential fields it concerns.
func errorFields(err error) map[string]string {
	short := "see the message above"
	if e, ok := platform.AsAPIError(err); ok {
		said := strings.ToLower(e.Message + " " + e.ProviderMessage)
		mentions := func(words ...string) bool {
			for _, w := range words {
				if strings.Contains(said, w) {
					return true
				}
			}
			return false
		}
		app := map[string]string{titleClientID: "refused by the provider", titleClientSecret: "refused by the provider"}
		switch {
		case e.Unauthorized():
			return map[string]string{titleUserSecret: "refused by the platform", titleOrgSecret: "refused by the platform"}
		case e.Status == 404: // not found: the connector key, or the base URL's path
			return map[string]string{titleConnector: "not found on this platform", titleBaseURL: "check the path too"}
		case mentions("client", "apikey", "apisecret", "api key", "api secret", "oauth app"):
			return app
		case mentions("callback", "redirect"):
			return map[string]string{titleCallbackURL: "refused by the platform"}
		case e.Status >= 400 && e.Status < 500:
			// The call carries the OAuth app's settings, not the URL's.
			app[titleCallbackURL] = short
			return app
		}
		return map[string]string{titleBaseURL: short}
	}
	if errors.Is(err, callback.ErrListen) {
		return map[string]string{titleCallbackURL: "cannot listen here"}
	}
	return map[string]string{titleBaseURL: "cannot reach the platform"}
}

// validCallbackURL is the callback URL's check: flow's one rule (http(s),
// a host, a real port).
func validCallbackURL(s string) error {
	if err := required(s); err != nil {
		return err
	}
	return flow.CheckCallbackURL(s)
}

// callbackNote says what the callback URL means for the next step.
func callbackNote(raw string) string {
	if validCallbackURL(raw) != nil {
		return "Where the provider sends the browser back; must match your app's registration."
	}
	if callback.IsLoopback(trim(raw)) {
		return "On this machine: connectwiz receives the callback itself."
	}
	return "Not on this machine: you will paste the URL the browser is sent to."
}

// The form.

func (m *Model) input(f credentialField) *huh.Input {
	in := huh.NewInput().Title(f.title).Value(f.value(m)).Validate(f.validate)
	if f.secret {
		in = in.EchoMode(huh.EchoModePassword)
	}
	if msg, ok := m.credFields[f.title]; ok {
		in = in.Description("✗ " + msg)
	} else if f.title == titleCallbackURL {
		// huh calls the func in a Cmd, off the event loop, while the field
		// writes m.callbackURL: it reads the copy Update publishes.
		in = in.DescriptionFunc(func() string { return callbackNote(m.callbackSeen.Load().(string)) }, &m.callbackURL)
	}
	return in
}

func (m *Model) credentialsForm() *huh.Form {
	f := credentialFields
	return m.newForm(
		huh.NewGroup(m.input(f[0]), m.input(f[1]), m.input(f[2])).
			Title("Platform").Description("The platform and your account's secrets."),
		huh.NewGroup(m.input(f[3]), m.input(f[4]), m.input(f[5]), m.input(f[6]),
			huh.NewConfirm().Title("Remember the secrets in the keychain?").
				Description("Never in a file. Prefilled next time.").Value(&m.remember)).
			Title("OAuth app").Description("The app you registered with the provider."),
	)
}

// Handlers.

// onRemembered fills the secrets the keychain remembers, if the user is
// still on the credentials of the platform they were asked for.
func (m *Model) onRemembered(msg rememberedMsg) (tea.Model, tea.Cmd) {
	if m.step != stepSummary && m.step != stepCredentials || platformURL(msg.baseURL) != platformURL(m.baseURL) {
		return m, nil
	}
	before := flow.Credentials{UserSecret: secret.Secret(m.userSecret), OrgSecret: secret.Secret(m.orgSecret), ClientSecret: secret.Secret(m.clientSecret)}
	cur := before
	if !cur.FillSecrets(msg.creds) {
		return m, nil
	}
	m.filled, m.filledFor = flow.Credentials{}, platformURL(m.baseURL)
	if before.UserSecret.IsZero() {
		m.filled.UserSecret = cur.UserSecret
	}
	if before.OrgSecret.IsZero() {
		m.filled.OrgSecret = cur.OrgSecret
	}
	if before.ClientSecret.IsZero() {
		m.filled.ClientSecret = cur.ClientSecret
	}
	m.userSecret, m.orgSecret, m.clientSecret = cur.UserSecret.Reveal(), cur.OrgSecret.Reveal(), cur.ClientSecret.Reveal()
	m.remember = true
	m.notice = "Secrets prefilled from the keychain."
	if m.credentialsComplete() {
		m.form = nil
		return m, m.goTo(stepSummary)
	}
	m.form = m.credentialsForm()
	return m, tea.Batch(m.goTo(stepCredentials), m.form.Init())
}

// dropForeignSecrets clears the secrets filled from the keychain when the
// form now names another platform than they are remembered for, and says
// so; it reports whether it cleared any. A secret the user typed over is
// kept.
func (m *Model) dropForeignSecrets() bool {
	was, now := m.filledFor, platformURL(m.baseURL)
	if was == "" || was == now {
		return false
	}
	dropped := false
	for _, p := range []struct {
		value  *string
		filled secret.Secret
	}{{&m.userSecret, m.filled.UserSecret}, {&m.orgSecret, m.filled.OrgSecret}, {&m.clientSecret, m.filled.ClientSecret}} {
		if !p.filled.IsZero() && *p.value == p.filled.Reveal() {
			*p.value, dropped = "", true
		}
	}
	m.filled, m.filledFor = flow.Credentials{}, ""
	if dropped {
		from, to := flow.Credentials{BaseURL: was}.Host(), flow.Credentials{BaseURL: now}.Host()
		if from == to { // the same host, another path
			from, to = was, now
		}
		m.notice = "The secrets remembered for " + from + " are not used for " + to + ": enter this platform's secrets."
	}
	return dropped
}

// reaskSecrets shows the credentials form again after dropping another
// platform's secrets, and asks the keychain for this platform's.
func (m *Model) reaskSecrets() (tea.Model, tea.Cmd) {
	m.form = m.credentialsForm()
	cmds := []tea.Cmd{m.goTo(stepCredentials), m.form.Init()}
	if m.svc.CanRemember() {
		cmds = append(cmds, loadRemembered(m.svc, m.baseURL))
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
	if m.credentialsComplete() && m.credErr == nil {
		m.form = nil
		return m, m.goTo(stepSummary)
	}
	return m, nil
}

// editCredentials opens the credentials form; a code already got is
// dropped, and the note on how it was got.
func (m *Model) editCredentials() (tea.Model, tea.Cmd) {
	m.code, m.finalNote = "", ""
	m.form = m.credentialsForm()
	return m, tea.Batch(m.goTo(stepCredentials), m.form.Init())
}

// Views.

func (m *Model) credErrView() string {
	if m.credErr == nil || m.creds() != m.credErrFor {
		return ""
	}
	return m.st.Bad.Render(m.wrap("✗ "+m.credErr.Error())) + "\n\n"
}

func (m *Model) summaryView() string {
	var b strings.Builder
	b.WriteString(m.credErrView())
	b.WriteString(m.wrap("Ready with these credentials:") + "\n\n")
	for _, f := range credentialFields {
		v := *f.value(m)
		if f.secret {
			v = mask(v)
		}
		b.WriteString(m.row(f.title, v) + "\n")
	}
	b.WriteString(m.row("", m.st.Muted.Render(callbackNote(m.callbackURL))))
	if w := flow.PlainHTTPWarning(trim(m.baseURL)); w != "" {
		b.WriteString("\n\n" + m.st.Warn.Render(m.wrap("⚠ "+capitalize(w)+".")))
	}
	return b.String()
}

func (m *Model) summaryHelp() []key.Binding {
	return []key.Binding{m.keys.Continue, m.keys.Edit, m.keys.Quit}
}

// credentialsHelp: the form's keys; esc is not offered (it goes back to
// the summary only when the credentials are complete).
func (m *Model) credentialsHelp() []key.Binding { return append(m.form.KeyBinds(), m.keys.Quit) }

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func mask(s string) string {
	if trim(s) == "" {
		return "(missing)"
	}
	return secret.Mask
}
