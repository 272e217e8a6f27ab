package platform

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// The platform's wire spellings for its connector resource. They live here
// and nowhere else; everywhere else the code says "connector".
const (
	WireConnector  = "your_mom"
	WireConnectors = "your_moms"
)

// Configuration keys the platform requires for an OAuth connector.
const (
	ConfigClientID     = "oauth.api.key"
	ConfigClientSecret = "oauth.api.secret" //nolint:gosec // a configuration key, not a credential
	ConfigCallbackURL  = "oauth.callback.url"
)

// Defaults from the platform's documentation.
const (
	DefaultBaseURL     = "https://api.cloud-" + WireConnectors + ".com/" + WireConnectors + "/api-v2"
	DefaultConnector   = "onedrivebusiness"
	DefaultCallbackURL = "http://127.0.0.1:8750/callback"
)

// InstanceRequest is the instance about to be created.
type InstanceRequest struct {
	Connector    string
	Code         secret.Secret
	ClientID     string
	ClientSecret secret.Secret
	CallbackURL  string
	// Extra holds additional configuration entries (key → value).
	Extra map[string]string
	Tags  []string
	Name  string
}

// ConfigKeys lists the configuration keys the request sends, sorted.
func (r InstanceRequest) ConfigKeys() []string {
	keys := []string{ConfigClientID, ConfigClientSecret, ConfigCallbackURL}
	for k := range r.Extra {
		if k != ConfigClientID && k != ConfigClientSecret && k != ConfigCallbackURL {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}

// wireBody is the JSON body of POST /instances, exactly the seed's shape.
func (r InstanceRequest) wireBody() ([]byte, error) {
	conf := map[string]string{}
	for k, v := range r.Extra {
		conf[k] = v
	}
	conf[ConfigClientID] = r.ClientID
	conf[ConfigClientSecret] = r.ClientSecret.Reveal()
	conf[ConfigCallbackURL] = r.CallbackURL
	tags := r.Tags
	if tags == nil {
		tags = []string{}
	}
	return json.Marshal(map[string]any{
		WireConnector:   map[string]string{"key": r.Connector},
		"providerData":  map[string]string{"code": r.Code.Reveal()},
		"configuration": conf,
		"tags":          tags,
		"name":          r.Name,
	})
}

// ID is an instance or connector id; the platform sends numbers, but a
// string is accepted too.
type ID string

// UnmarshalJSON accepts a JSON number or string.
func (id *ID) UnmarshalJSON(b []byte) error {
	s := strings.TrimSpace(string(b))
	if s == "null" {
		*id = ""
		return nil
	}
	if strings.HasPrefix(s, `"`) {
		var v string
		if err := json.Unmarshal(b, &v); err != nil {
			return err
		}
		*id = ID(v)
		return nil
	}
	if _, err := strconv.ParseFloat(s, 64); err != nil {
		return fmt.Errorf("id %.20q is neither a number nor a string", s)
	}
	*id = ID(s)
	return nil
}

// Connector describes the connector an instance belongs to.
type Connector struct {
	ID   ID     `json:"id"`
	Key  string `json:"key"`
	Name string `json:"name"`
	// Configuration holds the connector's configuration as the platform
	// echoed it, with every secret value (a key mentioning token, secret or
	// password) replaced by Mask: connectwiz keeps none of them.
	Configuration map[string]string `json:"configuration,omitempty"`
}

// Instance is a created connector instance.
type Instance struct {
	ID        ID            `json:"id"`
	Name      string        `json:"name"`
	Token     secret.Secret `json:"-"`
	Connector Connector     `json:"connector"`
	Tags      []string      `json:"tags,omitempty"`
	Created   time.Time     `json:"created,omitzero"`
	// Valid and Disabled are the platform's word on the instance (its
	// provider authorization still works; it is switched off); nil when
	// the answer did not say.
	Valid    *bool `json:"valid,omitempty"`
	Disabled *bool `json:"disabled,omitempty"`
}

// wireInstance is an instance as the platform sends it, decoded for what
// connectwiz needs (id, name, token, connector key and name, tags, creation
// time) and tolerant of the rest: a configuration value may be any JSON
// type, an unknown field is ignored, a tag that is not a string is
// skipped, a creation time in any of the usual spellings is read.
type wireInstance struct {
	ID        ID
	Name      string
	Token     string
	Tags      []string
	Created   time.Time
	Connector wireConnector
	Valid     *bool
	Disabled  *bool
}

type wireConnector struct {
	ID            ID                         `json:"id"`
	Key           string                     `json:"key"`
	Name          string                     `json:"name"`
	Configuration map[string]json.RawMessage `json:"configuration"`
	Valid         json.RawMessage            `json:"valid"`
	Disabled      json.RawMessage            `json:"disabled"`
}

// createdFields are the spellings of an instance's creation time that are
// read, in order (the seed's answer has none; the sandbox sends
// createdDate).
var createdFields = []string{"createdDate", "created_date", "createdAt", "created_at", "creationDate", "creationTime", "createDate", "created"}

// UnmarshalJSON decodes an instance; a field of the wrong type among those
// connectwiz needs is an error naming that field (never its value).
func (w *wireInstance) UnmarshalJSON(b []byte) error {
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*w = wireInstance{}
	for _, f := range []struct {
		name string
		dst  any
	}{{"id", &w.ID}, {"name", &w.Name}, {"token", &w.Token}, {WireConnector, &w.Connector}} {
		if v, ok := raw[f.name]; ok && !isNull(v) {
			if err := json.Unmarshal(v, f.dst); err != nil {
				return &FieldError{Field: f.name}
			}
		}
	}
	var tags []json.RawMessage
	if v, ok := raw["tags"]; ok && json.Unmarshal(v, &tags) == nil {
		for _, t := range tags {
			var s string
			if json.Unmarshal(t, &s) == nil {
				w.Tags = append(w.Tags, s)
			}
		}
	}
	for _, k := range createdFields {
		if t, ok := parseTime(raw[k]); ok {
			w.Created = t
			break
		}
	}
	// The instance's own valid and disabled, else (as the platform's
	// documented answer has them) its connector object's.
	w.Valid = cmp.Or(parseFlag(raw["valid"]), parseFlag(w.Connector.Valid))
	w.Disabled = cmp.Or(parseFlag(raw["disabled"]), parseFlag(w.Connector.Disabled))
	return nil
}

// parseFlag reads a JSON boolean, or a string "true" or "false"; nil for
// anything else (absent, null, another type): unknown, never an error.
func parseFlag(v json.RawMessage) *bool {
	var b bool
	if json.Unmarshal(v, &b) == nil && !isNull(v) {
		return &b
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if b, err := strconv.ParseBool(strings.TrimSpace(s)); err == nil {
			return &b
		}
	}
	return nil
}

// FieldError is an answer whose field connectwiz needs has the wrong type.
// It names the field only: the answer may hold a token.
type FieldError struct{ Field string }

func (e *FieldError) Error() string { return fmt.Sprintf("field %q has the wrong type", e.Field) }

func isNull(v json.RawMessage) bool {
	return len(bytes.TrimSpace(v)) == 0 || string(bytes.TrimSpace(v)) == "null"
}

// parseTime reads a creation time: an RFC 3339 string (with or without
// fraction or zone), a date-time with a space, or milliseconds (or seconds)
// since the epoch as a number or a string of digits.
func parseTime(v json.RawMessage) (time.Time, bool) {
	if isNull(v) {
		return time.Time{}, false
	}
	var s string
	if json.Unmarshal(v, &s) != nil {
		s = string(bytes.TrimSpace(v))
	}
	s = strings.TrimSpace(s)
	if n, err := strconv.ParseInt(s, 10, 64); err == nil && n > 0 {
		if n > 1e11 { // milliseconds
			return time.UnixMilli(n).UTC(), true
		}
		return time.Unix(n, 0).UTC(), true
	}
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999999Z0700", "2006-01-02T15:04:05.999999999", "2006-01-02 15:04:05.999999999Z07:00", "2006-01-02 15:04:05.999999999"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC(), true
		}
	}
	return time.Time{}, false
}

// configValue renders a configuration value of any JSON type as text: a
// string as itself, null as "", anything else as its JSON.
func configValue(v json.RawMessage) string {
	if isNull(v) {
		return ""
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return s
	}
	return string(bytes.TrimSpace(v))
}

// instance converts the platform's answer. This is the boundary where
// every string the platform sends about an instance is made safe (one
// function, Sanitize): no escape sequence, control, C1 or bidi character
// gets past it, so nothing after it — the screens, headless output, the
// debug log, the index on disk and every later 'list' — can be made to
// retitle the terminal, write the clipboard or reorder text. The token is
// the one value kept exactly as sent: it is a secret, never displayed.
func (w wireInstance) instance() Instance {
	inst := Instance{
		ID:       ID(termsafe.Sanitize(string(w.ID), maxIDLen)),
		Name:     termsafe.Sanitize(w.Name, maxNameLen),
		Token:    secret.Secret(w.Token),
		Tags:     sanitizeAll(w.Tags),
		Created:  w.Created,
		Valid:    w.Valid,
		Disabled: w.Disabled,
		Connector: Connector{
			ID:   ID(termsafe.Sanitize(string(w.Connector.ID), maxIDLen)),
			Key:  termsafe.Sanitize(w.Connector.Key, maxNameLen),
			Name: termsafe.Sanitize(w.Connector.Name, maxNameLen),
		},
	}
	if len(w.Connector.Configuration) > 0 {
		inst.Connector.Configuration = make(map[string]string, len(w.Connector.Configuration))
		for k, v := range w.Connector.Configuration {
			k = termsafe.Sanitize(k, maxNameLen)
			if secret.IsSecretKey(k) {
				inst.Connector.Configuration[k] = secret.Mask
				continue
			}
			inst.Connector.Configuration[k] = termsafe.Sanitize(configValue(v), maxValueLen)
		}
	}
	return inst
}

// Limits of the platform's strings once made safe.
const (
	maxIDLen    = 200
	maxNameLen  = 200
	maxValueLen = 2000
)

func sanitizeAll(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, 0, len(in))
	for _, s := range in {
		out = append(out, termsafe.Sanitize(s, maxNameLen))
	}
	return out
}

// authURLResponse is the answer to GET /{connectors}/{key}/oauth/url.
type authURLResponse struct {
	OAuthURL  string `json:"oauthUrl"`
	Connector string `json:"your_mom"`
}

// apiErrorBody is the platform's error body.
type apiErrorBody struct {
	RequestID       string `json:"requestId"`
	Message         string `json:"message"`
	ProviderMessage string `json:"providerMessage"`
}

func jsonIndent(dst *bytes.Buffer, src []byte) error { return json.Indent(dst, src, "", "  ") }

// jsonEscape is s as it appears inside a JSON string, shell-escaped as Curl
// escapes the body.
func jsonEscape(s string) string {
	b, _ := json.Marshal(s)
	out := string(b[1 : len(b)-1])
	return strings.NewReplacer(`\`, `\\`, "$", `\$`, "`", "\\`").Replace(out)
}
