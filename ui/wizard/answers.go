package wizard

import (
	"cmp"
	"fmt"
	"sort"
	"strings"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// Answers are what the user has answered so far, as typed: the
// credentials, the instance's details, the configuration the platform
// asked for, and the code the authorization got. The wizard's forms edit
// them in place; the line prompts set them one answer at a time.
type Answers struct {
	BaseURL, UserSecret, OrgSecret, Connector, ClientID, ClientSecret, CallbackURL string
	// Remember: remember the secrets in the keychain.
	Remember bool

	Name, Tags, Extra string // Tags comma-separated, Extra KEY=VALUE lines
	// Missing are the entries the platform said the connector needs,
	// asked in MissingOrder; an answer is kept if it asks again.
	Missing      map[string]*string
	MissingOrder []string

	// Code is the authorization code, and Callback the callback URL it
	// came back to.
	Code     secret.Secret
	Callback string

	// The secrets filled from the keychain, and the platform URL they are
	// remembered for: they are never sent to another platform.
	filled    flow.Credentials
	filledFor string
}

// Format prints the answers with every secret masked, whatever the verb:
// they hold the secrets as typed, in plain strings the forms edit, and
// the extra configuration and missing entries may hold secrets too.
func (a Answers) Format(f fmt.State, _ rune) {
	fmt.Fprintf(f, "{Creds:%v Remember:%v Name:%q Tags:%q Extra:%d entries Missing:%q Code:%v Callback:%q}",
		a.Creds(), a.Remember, a.Name, a.Tags, len(ParseExtra(a.Extra)), a.MissingOrder, a.Code, a.Callback)
}

// NewAnswers are the answers the options prefill, the platform's defaults
// where they are silent.
func NewAnswers(opts Options) Answers {
	c := opts.Creds
	return Answers{
		BaseURL:      orDefault(c.BaseURL, platform.DefaultBaseURL),
		UserSecret:   c.UserSecret.Reveal(),
		OrgSecret:    c.OrgSecret.Reveal(),
		Connector:    orDefault(c.Connector, platform.DefaultConnector),
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret.Reveal(),
		CallbackURL:  orDefault(c.CallbackURL, platform.DefaultCallbackURL),
		Remember:     opts.Remember,
		Name:         strings.TrimSpace(opts.Name),
		Tags:         strings.Join(opts.Tags, ", "),
		Extra:        ExtraLines(opts.Extra),
	}
}

// Creds are the credentials the answers give.
func (a *Answers) Creds() flow.Credentials {
	return flow.Credentials{
		BaseURL:      PlatformURL(a.BaseURL),
		UserSecret:   secret.Secret(trim(a.UserSecret)),
		OrgSecret:    secret.Secret(trim(a.OrgSecret)),
		Connector:    trim(a.Connector),
		ClientID:     trim(a.ClientID),
		ClientSecret: secret.Secret(trim(a.ClientSecret)),
		CallbackURL:  trim(a.CallbackURL),
	}
}

// Complete reports whether every credential passes its check.
func (a *Answers) Complete() bool {
	for _, f := range Fields {
		if f.Validate(*f.Value(a)) != nil {
			return false
		}
	}
	return true
}

// Request is the instance request the answers make.
func (a *Answers) Request() platform.InstanceRequest {
	extra := ParseExtra(a.Extra)
	for k, v := range a.Missing {
		extra[k] = trim(*v)
	}
	return flow.NewInstanceRequest(a.Creds(), a.Code, a.Callback, trim(a.Name), flow.ParseTags(a.Tags), extra)
}

// CreateRequest is the create the answers make: the request, with how
// the token is kept and whether a taken local name is replaced.
func (a *Answers) CreateRequest(insecure, replace bool) flow.CreateRequest {
	return flow.CreateRequest{Creds: a.Creds(), Instance: a.Request(), Insecure: insecure, Remember: a.Remember, Replace: replace}
}

// FillRemembered fills the secrets the keychain remembers for baseURL
// where none is given, when the answers are still for that platform; it
// reports whether it filled any, and then asks to remember them again.
func (a *Answers) FillRemembered(c flow.Credentials, baseURL string) bool {
	if PlatformURL(baseURL) != PlatformURL(a.BaseURL) {
		return false
	}
	before := flow.Credentials{UserSecret: secret.Secret(a.UserSecret), OrgSecret: secret.Secret(a.OrgSecret), ClientSecret: secret.Secret(a.ClientSecret)}
	cur := before
	if !cur.FillSecrets(c) {
		return false
	}
	a.filled, a.filledFor = flow.Credentials{}, PlatformURL(a.BaseURL)
	if before.UserSecret.IsZero() {
		a.filled.UserSecret = cur.UserSecret
	}
	if before.OrgSecret.IsZero() {
		a.filled.OrgSecret = cur.OrgSecret
	}
	if before.ClientSecret.IsZero() {
		a.filled.ClientSecret = cur.ClientSecret
	}
	a.UserSecret, a.OrgSecret, a.ClientSecret = cur.UserSecret.Reveal(), cur.OrgSecret.Reveal(), cur.ClientSecret.Reveal()
	a.Remember = true
	return true
}

// SayFilled says the secrets were filled from the keychain.
const SayFilled = "Secrets prefilled from the keychain."

// DropForeignSecrets clears the secrets filled from the keychain when the
// answers now name another platform than they are remembered for; it
// returns what to tell the user when it cleared any ("" when none). A
// secret the user typed over is kept.
func (a *Answers) DropForeignSecrets() string {
	was, now := a.filledFor, PlatformURL(a.BaseURL)
	if was == "" || was == now {
		return ""
	}
	dropped := false
	for _, p := range []struct {
		value  *string
		filled secret.Secret
	}{{&a.UserSecret, a.filled.UserSecret}, {&a.OrgSecret, a.filled.OrgSecret}, {&a.ClientSecret, a.filled.ClientSecret}} {
		if !p.filled.IsZero() && *p.value == p.filled.Reveal() {
			*p.value, dropped = "", true
		}
	}
	a.filled, a.filledFor = flow.Credentials{}, ""
	if !dropped {
		return ""
	}
	from, to := flow.Credentials{BaseURL: was}.Host(), flow.Credentials{BaseURL: now}.Host()
	if from == to { // the same host, another path
		from, to = was, now
	}
	return "The secrets remembered for " + from + " are not used for " + to + ": enter this platform's secrets."
}

// AskMissing sets the configuration entries the platform asked for, in
// order, keeping what was answered for them before.
func (a *Answers) AskMissing(keys []string) {
	if a.Missing == nil {
		a.Missing = map[string]*string{}
	}
	a.MissingOrder = nil
	for _, k := range keys {
		if _, ok := a.Missing[k]; !ok {
			v := ""
			a.Missing[k] = &v
		}
		a.MissingOrder = append(a.MissingOrder, k)
	}
	sort.Strings(a.MissingOrder)
}

// ParseExtra is the extra configuration's entries, read with flow's one
// KEY=VALUE parser (the one --config uses); nothing when it does not
// parse (the answer's check refuses it).
func ParseExtra(s string) map[string]string {
	out, err := flow.ParseConfig(s)
	if err != nil {
		return map[string]string{}
	}
	return out
}

// ExtraLines are entries as KEY=VALUE lines, sorted.
func ExtraLines(m map[string]string) string {
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

func trim(s string) string { return strings.TrimSpace(s) }

// orDefault is s, or def when s is blank (cmp.Or, blank counting as
// empty).
func orDefault(s, def string) string { return cmp.Or(trim(s), def) }

// PlatformURL is the platform URL as flow normalises it (as typed while
// it does not pass the check).
func PlatformURL(s string) string {
	if u, err := platform.NormalizeBaseURL(s); err == nil {
		return u
	}
	return trim(s)
}
