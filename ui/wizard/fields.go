package wizard

import (
	"errors"
	"strings"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// The answers' titles, as every presenter asks them; tests and the
// benchmark look for them.
const (
	TitleBaseURL      = "Platform URL"
	TitleUserSecret   = "User secret"
	TitleOrgSecret    = "Organization secret"
	TitleConnector    = "Connector"
	TitleClientID     = "OAuth client ID"
	TitleClientSecret = "OAuth client secret" //nolint:gosec // a field title
	TitleCallbackURL  = "Callback URL"
	TitleName         = "Instance name"
	TitleTags         = "Tags"
	TitleExtra        = "Extra configuration"
	TitleRemember     = "Remember the secrets in the keychain?"
)

// Field is one credential: its title, whether it is a secret, where its
// answer is, and its check.
type Field struct {
	Title    string
	Secret   bool
	Value    func(a *Answers) *string
	Validate func(string) error
}

// Fields are the credentials, in the order they are asked.
var Fields = []Field{
	{TitleBaseURL, false, func(a *Answers) *string { return &a.BaseURL }, ValidPlatformURL},
	{TitleUserSecret, true, func(a *Answers) *string { return &a.UserSecret }, Required},
	{TitleOrgSecret, true, func(a *Answers) *string { return &a.OrgSecret }, Required},
	{TitleConnector, false, func(a *Answers) *string { return &a.Connector }, ValidConnector},
	{TitleClientID, false, func(a *Answers) *string { return &a.ClientID }, Required},
	{TitleClientSecret, true, func(a *Answers) *string { return &a.ClientSecret }, Required},
	{TitleCallbackURL, false, func(a *Answers) *string { return &a.CallbackURL }, ValidCallbackURL},
}

// Required refuses a blank answer.
func Required(s string) error {
	if trim(s) == "" {
		return errors.New("required")
	}
	return nil
}

// ValidPlatformURL is the platform URL's check: flow's one normalisation
// (http(s), a host, no user:password@).
func ValidPlatformURL(s string) error {
	if err := Required(s); err != nil {
		return err
	}
	_, err := platform.NormalizeBaseURL(s)
	return err
}

// ValidConnector is the connector key's check.
func ValidConnector(s string) error {
	if err := Required(s); err != nil {
		return err
	}
	return platform.CheckConnectorKey(trim(s))
}

// ValidCallbackURL is the callback URL's check: flow's one rule (http(s),
// a host, a real port).
func ValidCallbackURL(s string) error {
	if err := Required(s); err != nil {
		return err
	}
	return flow.CheckCallbackURL(s)
}

// ValidName is flow's one rule for a name, on the name as typed (white
// space around it is trimmed when it is used).
func ValidName(s string) error {
	if err := Required(s); err != nil {
		return err
	}
	return flow.ValidName(trim(s))
}

// ValidTags checks the tags (comma- or line-separated) with flow's one
// rule.
func ValidTags(s string) error { return flow.ValidTags(s) }

// ValidExtra checks the extra configuration with flow's one KEY=VALUE
// parser.
func ValidExtra(s string) error {
	_, err := flow.ParseConfig(s)
	return err
}

// PasteCheck is the check of a pasted redirect URL (or bare code) against
// the authorization's state: a provider's refusal in it passes, for the
// presenter to show on its own; any other problem is the answer's error.
func PasteCheck(state secret.Secret) func(string) error {
	return func(s string) error {
		_, err := callback.ParsePasted(s, state)
		if errors.As(err, new(*callback.AuthError)) {
			return nil
		}
		return err
	}
}

// ErrorFields maps an authorize error to the credentials it concerns
// (their titles), each with a short reason.
func ErrorFields(err error) map[string]string {
	short := "see the message above"
	if e, ok := platform.AsAPIError(err); ok {
		said := strings.ToLower(e.Message + " " + e.ProviderMessage)
		app := map[string]string{TitleClientID: "refused by the provider", TitleClientSecret: "refused by the provider"}
		switch {
		case e.Unauthorized():
			return map[string]string{TitleUserSecret: "refused by the platform", TitleOrgSecret: "refused by the platform"}
		case e.Status == 404: // not found: the connector key, or the base URL's path
			return map[string]string{TitleConnector: "not found on this platform", TitleBaseURL: "check the path too"}
		case e.ClientRefused():
			return app
		case strings.Contains(said, "callback") || strings.Contains(said, "redirect"):
			return map[string]string{TitleCallbackURL: "refused by the platform"}
		case e.Status >= 400 && e.Status < 500:
			// The call carries the OAuth app's settings, not the URL's.
			app[TitleCallbackURL] = short
			return app
		}
		return map[string]string{TitleBaseURL: short}
	}
	if errors.Is(err, callback.ErrListen) {
		return map[string]string{TitleCallbackURL: "cannot listen here"}
	}
	return map[string]string{TitleBaseURL: "cannot reach the platform"}
}

// CallbackNote says what the callback URL means for the next step.
func CallbackNote(raw string) string {
	if ValidCallbackURL(raw) != nil {
		return "Where the provider sends the browser back; must match your app's registration."
	}
	if callback.IsLoopback(trim(raw)) {
		return "On this machine: connectwiz receives the callback itself."
	}
	return "Not on this machine: you will paste the URL the browser is sent to."
}

// CurlSecretsNote says which environment variables the request's curl
// command reads the secrets and the code from.
func CurlSecretsNote(req platform.InstanceRequest) string {
	env := []string{platform.EnvUserSecret, platform.EnvOrgSecret, platform.EnvClientSecret, platform.EnvCode}
	for _, k := range req.ConfigKeys() {
		if _, extra := req.Extra[k]; extra && secret.IsSecretKey(k) {
			env = append(env, platform.ConfigEnv(k))
		}
	}
	return "It reads the secrets and the code from the environment: set " + strings.Join(env, ", ") + " first. " +
		platform.EnvCode + " is the code= value of the URL the browser was sent back to; a code works once, so either the curl command or connectwiz uses it."
}
