package secret

import (
	"fmt"
	"strings"
)

// Mask is what a secret prints as wherever it is formatted.
const Mask = "••••••"

// Secret holds a value that must never be shown: a platform secret, an
// OAuth client secret, an authorization code or an instance token. Every
// way of formatting it prints Mask; only Reveal gives the value, and only
// the wire encoding and the keystore call it.
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

// IsSecretKey is the one rule for which configuration keys (and variable
// names) hold a secret value, which connectwiz never shows or keeps: a key
// with a word token, secret, password, passwd or pwd — unless its last word
// says it is an address (url, uri, endpoint), as in the public
// oauth.token.url.
func IsSecretKey(key string) bool {
	words := strings.FieldsFunc(strings.ToLower(key), func(r rune) bool {
		return (r < 'a' || r > 'z') && (r < '0' || r > '9')
	})
	if len(words) == 0 {
		return false
	}
	switch words[len(words)-1] {
	case "url", "uri", "endpoint", "host":
		return false
	}
	for _, w := range words {
		for _, secret := range []string{"token", "secret", "password", "passwd", "pwd"} {
			if strings.Contains(w, secret) {
				return true
			}
		}
	}
	return false
}
