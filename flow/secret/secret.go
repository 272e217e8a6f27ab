package secret

import (
	"fmt"
	"net/url"
	"strings"
	"unicode"
)

// Mask is what a secret prints as wherever it is formatted.
const Mask = "••••••"

// Secret holds a value that must never be shown: a platform secret, an
// OAuth client secret, an authorization code or an instance token. Every
// way of formatting it prints Mask; only Reveal gives the value. Reveal is
// called where the value must leave as it is: the platform client (the
// wire body, the Authorization header, the authorize URL's query), the
// callback listener (the constant-time state check), the Session (handing
// a token and remembered secrets to the keystore) and the wizard (its
// masked input fields edit the value).
type Secret string

// Reveal returns the secret's value.
func (s Secret) Reveal() string { return string(s) }

// IsZero reports whether the secret is empty.
func (s Secret) IsZero() bool { return s == "" }

// String implements fmt.Stringer with a mask.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Mask
}

// GoString implements fmt.GoStringer with a mask.
func (s Secret) GoString() string { return fmt.Sprintf("Secret(%q)", s.String()) }

// Format implements fmt.Formatter so that every verb prints the mask.
func (s Secret) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		_, _ = f.Write([]byte(s.GoString()))
		return
	}
	_, _ = f.Write([]byte(s.String()))
}

// MarshalText implements encoding.TextMarshaler with a mask.
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler: decoding keeps the value.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
}

// secretWords are the words that make a key secret.
var secretWords = []string{"token", "secret", "password", "passwd", "pwd"}

// IsSecretKey is the one rule for which configuration keys, query
// parameters and variable names hold a secret value, which connectwiz never
// shows or keeps: a key one of whose words (split at punctuation and at
// camelCase) is, or ends in, token, secret, password, passwd or pwd —
// apiSecret, oauth.user.refresh_token, CONNECTWIZ_CLIENT_SECRET — unless its
// last word says it is an address (url, uri, endpoint, host), as in the
// public oauth.token.url. tokenizer.mode is not secret.
func IsSecretKey(key string) bool {
	words := keyWords(key)
	if len(words) == 0 {
		return false
	}
	switch words[len(words)-1] {
	case "url", "uri", "endpoint", "host":
		return false
	}
	for _, w := range words {
		w = strings.TrimRight(w, "0123456789") // token2
		for _, sw := range secretWords {
			if strings.HasSuffix(w, sw) {
				return true
			}
		}
	}
	return false
}

// IsSecretParam is IsSecretKey for a URL's query parameters, which also
// carry OAuth's one-time values: the state and the authorization code.
func IsSecretParam(name string) bool {
	switch strings.ToLower(name) {
	case "state", "code":
		return true
	}
	return IsSecretKey(name)
}

// keyWords splits a key into lower-case words at anything but a letter or
// digit, and where a lower-case letter or digit meets an upper-case one.
func keyWords(key string) []string {
	var words []string
	var cur []rune
	var prev rune
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range key {
		switch {
		case !unicode.IsLetter(r) && !unicode.IsDigit(r):
			flush()
		case unicode.IsUpper(r) && (unicode.IsLower(prev) || unicode.IsDigit(prev)):
			flush()
			cur = append(cur, r)
		default:
			cur = append(cur, r)
		}
		prev = r
	}
	flush()
	return words
}

// MaskIn returns text with every known secret value in it — as it is and
// percent-encoded, as a platform echoing a query or a form would write it
// — replaced by Mask: whatever a platform echoes (an error quoting
// "apiSecret=…"), a secret is never shown. Values shorter than 4 bytes are
// left alone (they would mask ordinary words).
func MaskIn(text string, secrets ...Secret) string {
	for _, s := range secrets {
		v := s.Reveal()
		if len(v) < 4 {
			continue
		}
		for _, form := range []string{v, url.QueryEscape(v), url.PathEscape(v)} {
			text = strings.ReplaceAll(text, form, Mask)
		}
	}
	return text
}
