package flow

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
func (s Secret) GoString() string { return fmt.Sprintf("flow.Secret(%q)", s.String()) }

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

// IsSecretKey reports whether a configuration key names a secret value
// (a token, secret or password), which connectwiz never shows or keeps.
func IsSecretKey(key string) bool {
	k := strings.ToLower(key)
	for _, w := range []string{"token", "secret", "password", "passwd"} {
		if strings.Contains(k, w) {
			return true
		}
	}
	return false
}
