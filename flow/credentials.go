package flow

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
	"github.com/connectwiz/connectwiz/keystore"
)

// Credentials are what the platform and the OAuth provider need to know who
// is asking: the platform's User and Organization secrets and the OAuth
// client registered with the provider.
type Credentials struct {
	BaseURL      string
	UserSecret   secret.Secret
	OrgSecret    secret.Secret
	Connector    string
	ClientID     string
	ClientSecret secret.Secret
	CallbackURL  string
}

// FillSecrets sets the secrets c lacks from other and reports whether it
// set any.
func (c *Credentials) FillSecrets(other Credentials) bool {
	filled := false
	for _, p := range []struct{ dst, src *secret.Secret }{
		{&c.UserSecret, &other.UserSecret}, {&c.OrgSecret, &other.OrgSecret}, {&c.ClientSecret, &other.ClientSecret},
	} {
		if p.dst.IsZero() && !p.src.IsZero() {
			*p.dst, filled = *p.src, true
		}
	}
	return filled
}

// HasPlatformSecrets is the one rule for whether the platform's calls can
// be made: both the User and the Organization secret are known.
func (c Credentials) HasPlatformSecrets() bool {
	return !c.UserSecret.IsZero() && !c.OrgSecret.IsZero()
}

// LacksSecret reports whether one of the three secrets is missing.
func (c Credentials) LacksSecret() bool {
	return c.UserSecret.IsZero() || c.OrgSecret.IsZero() || c.ClientSecret.IsZero()
}

// Field names one credential; Missing lists the fields a create needs and
// c lacks, for the front-ends to ask or to name.
type Field int

// The credential fields.
const (
	FieldUserSecret Field = iota
	FieldOrgSecret
	FieldClientID
	FieldClientSecret
)

// Missing lists the fields a create needs that c lacks.
func (c Credentials) Missing() []Field {
	var out []Field
	for _, f := range []struct {
		field Field
		empty bool
	}{
		{FieldUserSecret, c.UserSecret.IsZero()},
		{FieldOrgSecret, c.OrgSecret.IsZero()},
		{FieldClientID, c.ClientID == ""},
		{FieldClientSecret, c.ClientSecret.IsZero()},
	} {
		if f.empty {
			out = append(out, f.field)
		}
	}
	return out
}

// Host is the platform's host (and port), for messages.
func (c Credentials) Host() string { return keystore.Host(c.BaseURL) }

// PlainHTTPWarning is a warning when the platform URL sends the secrets in
// clear text over the network (plain http to a host that is not loopback);
// empty otherwise.
func PlainHTTPWarning(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil || u.Scheme != "http" || callback.IsLoopbackHost(u.Host) {
		return ""
	}
	return "the platform URL " + termsafe.Sanitize(u.Scheme+"://"+u.Host, 200) + " is plain http: the platform's secrets, the client secret and the code travel unencrypted; use https"
}

// CheckCallbackURL is the callback URL's check: an absolute http(s) URL
// with a host and, if given, a port from 0 to 65535 (0 picks a free one on
// a loopback callback).
func CheckCallbackURL(raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return errors.New("the callback URL must be an http(s) URL, e.g. http://127.0.0.1:8750/callback")
	}
	if p := u.Port(); p != "" {
		if n, err := strconv.Atoi(p); err != nil || n < 0 || n > 65535 {
			return fmt.Errorf("the callback URL's port %s is not a port (0 to 65535)", termsafe.Sanitize(p, 10))
		}
	}
	return nil
}
