package ui

import (
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"

	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
)

// Field titles; tests and the benchmark look for them.
const (
	titleBaseURL      = "Platform URL"
	titleUserSecret   = "User secret"
	titleOrgSecret    = "Organization secret"
	titleConnector    = "Connector"
	titleClientID     = "OAuth client ID"
	titleClientSecret = "OAuth client secret" //nolint:gosec // a field title
	titleCallbackURL  = "Callback URL"
	titleName         = "Instance name"
	titleTags         = "Tags"
	titleExtra        = "Extra configuration"
)

// credentialField describes one field of the credentials step.
type credentialField struct {
	title    string
	secret   bool
	value    func(m *Model) *string
	validate func(string) error
}

var credentialFields = []credentialField{
	{titleBaseURL, false, func(m *Model) *string { return &m.baseURL }, validHTTPURL},
	{titleUserSecret, true, func(m *Model) *string { return &m.userSecret }, required},
	{titleOrgSecret, true, func(m *Model) *string { return &m.orgSecret }, required},
	{titleConnector, false, func(m *Model) *string { return &m.connector }, validConnector},
	{titleClientID, false, func(m *Model) *string { return &m.clientID }, required},
	{titleClientSecret, true, func(m *Model) *string { return &m.clientSecret }, required},
	{titleCallbackURL, false, func(m *Model) *string { return &m.callbackURL }, validHTTPURL},
}

func trim(s string) string { return strings.TrimSpace(s) }

func orDefault(s, def string) string {
	if trim(s) == "" {
		return def
	}
	return s
}

func required(s string) error {
	if trim(s) == "" {
		return errors.New("required")
	}
	return nil
}

func validHTTPURL(s string) error {
	if err := required(s); err != nil {
		return err
	}
	u, err := url.Parse(trim(s))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("must be an http(s) URL, e.g. https://host/path")
	}
	return nil
}

func validConnector(s string) error {
	if err := required(s); err != nil {
		return err
	}
	if strings.ContainsAny(trim(s), " /?#") {
		return errors.New("a connector key has no spaces or slashes, e.g. onedrivebusiness")
	}
	return nil
}

// callbackNote says what the callback URL means for the next step.
func callbackNote(raw string) string {
	if validHTTPURL(raw) != nil {
		return "Where the provider sends the browser back; must match your app's registration."
	}
	if flow.LoopbackCallback(trim(raw)) {
		return "On this machine: connectwiz receives the callback itself."
	}
	return "Not on this machine: you will paste the URL the browser is sent to."
}

func (m *Model) input(f credentialField) *huh.Input {
	in := huh.NewInput().Title(f.title).Value(f.value(m)).Validate(f.validate)
	if f.secret {
		in = in.EchoMode(huh.EchoModePassword)
	}
	if msg, ok := m.credFields[f.title]; ok {
		in = in.Description("✗ " + msg)
	} else if f.title == titleCallbackURL {
		in = in.DescriptionFunc(func() string { return callbackNote(m.callbackURL) }, &m.callbackURL)
	}
	return in
}

func (m *Model) newForm(groups ...*huh.Group) *huh.Form {
	return huh.NewForm(groups...).
		WithTheme(m.st.formTheme).
		WithShowHelp(false).
		WithWidth(m.contentWidth())
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

func (m *Model) detailsForm() *huh.Form {
	return m.newForm(huh.NewGroup(
		huh.NewInput().Title(titleName).Value(&m.name).Validate(required).
			Description("Unique on this machine for this platform."),
		huh.NewText().Title(titleTags).Value(&m.tagsText).Lines(2).
			Description("Comma-separated or one per line (optional)."),
		huh.NewText().Title(titleExtra).Value(&m.extraText).Lines(2).Validate(validExtra).
			Description("KEY=VALUE, one per line (optional)."),
	).Title("Instance"))
}

func (m *Model) missingForm() *huh.Form {
	var fields []huh.Field
	for _, k := range m.missingOrder {
		in := huh.NewInput().Title(k).Value(m.missing[k]).Validate(required)
		if flow.IsSecretKey(k) {
			in = in.EchoMode(huh.EchoModePassword)
		}
		fields = append(fields, in)
	}
	return m.newForm(huh.NewGroup(fields...).
		Title("Missing configuration").
		Description("The platform needs these entries for this connector."))
}

func (m *Model) pasteForm() *huh.Form {
	m.pasteInput = ""
	state := flow.Secret("")
	if m.auth != nil {
		state = m.auth.State
	}
	return m.newForm(huh.NewGroup(
		huh.NewInput().Title("Redirect URL or code").Value(&m.pasteInput).
			EchoMode(huh.EchoModePassword). // it carries the code: never on screen
			Description("Paste the whole URL the browser was sent to after approving (or just the code).").
			Validate(func(s string) error {
				_, err := flow.ParsePasted(s, state)
				var denied *flow.AuthError
				if errors.As(err, &denied) {
					return nil // shown on its own screen
				}
				return err
			}),
	))
}

func validExtra(s string) error {
	for _, line := range strings.Split(s, "\n") {
		line = trim(line)
		if line == "" {
			continue
		}
		if k, _, ok := strings.Cut(line, "="); !ok || trim(k) == "" {
			return fmt.Errorf("%q is not KEY=VALUE", line)
		}
	}
	return nil
}

func parseExtra(s string) map[string]string {
	out := map[string]string{}
	for _, line := range strings.Split(s, "\n") {
		if k, v, ok := strings.Cut(trim(line), "="); ok && trim(k) != "" {
			out[trim(k)] = trim(v)
		}
	}
	return out
}

func extraLines(m map[string]string) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	lines := make([]string, len(keys))
	for i, k := range keys {
		lines[i] = k + "=" + m[k]
	}
	return strings.Join(lines, "\n")
}
