package keystore

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"time"
)

// Secrets are the secrets a user may ask to have remembered: the
// platform's User and Organization secrets and the OAuth client secret.
// They are kept only in the keychain, never in a file.
type Secrets struct {
	UserSecret   string `json:"userSecret"`
	OrgSecret    string `json:"orgSecret"`
	ClientSecret string `json:"clientSecret"`
}

// secretsAccount is the keychain account of a platform's remembered
// secrets: "secrets:<scheme>://<host>:<port>/<path>", so that secrets
// remembered for https://host are never sent to http://host, another port
// or another path.
func secretsAccount(baseURL string) string { return "secrets:" + PlatformKey(baseURL) }

// Remember stores the credentials for a platform in the keychain.
func (s *Store) Remember(baseURL string, c Secrets) error {
	if s.Keychain == nil {
		return errors.New("no keychain: secrets are never remembered in a file")
	}
	b, err := json.Marshal(c) //nolint:gosec // stored in the keychain only, never a file
	if err != nil {
		return err
	}
	if err := s.Keychain.Set(secretsAccount(baseURL), string(b)); err != nil {
		return fmt.Errorf("could not remember the secrets (they are never written to a file): %w", err)
	}
	return nil
}

// Remembered returns the credentials remembered for a platform, or
// ErrNotFound.
func (s *Store) Remembered(baseURL string) (Secrets, error) {
	var c Secrets
	if s.Keychain == nil {
		return c, ErrNotFound
	}
	start := time.Now()
	v, err := s.Keychain.probe(secretsAccount(baseURL))
	s.log().Debug("remembered secrets probe", "platform", Host(baseURL), "found", err == nil, "duration", time.Since(start).Round(time.Millisecond).String(), "err", err)
	if errors.Is(err, ErrNotFound) {
		v, err = s.migrateLegacy(baseURL)
	}
	if err != nil {
		return c, err
	}
	if err := json.Unmarshal([]byte(v), &c); err != nil {
		return Secrets{}, fmt.Errorf("the remembered secrets for %s are damaged; they will be asked again", Host(baseURL))
	}
	return c, nil
}

// legacyAccount is where versions before the secrets: namespace kept a
// host's remembered secrets, whatever its scheme, port or path.
func legacyAccount(baseURL string) string { return Host(baseURL) + "/credentials" }

// migrateLegacy moves secrets remembered by an earlier version (keyed by
// host only) to baseURL's own account — for an https platform only, so
// that they are never handed to plain http — and returns them.
func (s *Store) migrateLegacy(baseURL string) (string, error) {
	if u, err := url.Parse(baseURL); err != nil || u.Scheme != "https" {
		return "", ErrNotFound
	}
	if !s.legacySecrets(baseURL) {
		return "", ErrNotFound
	}
	v, _ := s.Keychain.probe(legacyAccount(baseURL))
	if err := s.Keychain.Set(secretsAccount(baseURL), v); err == nil {
		s.log().Info("remembered secrets copied to their platform's own account; the old account is kept", "platform", Host(baseURL))
	}
	return v, nil
}

// ForgetCredentials removes the remembered credentials for a platform —
// and those an earlier version remembered for its host.
func (s *Store) ForgetCredentials(baseURL string) error {
	if s.Keychain == nil {
		return nil
	}
	accounts := []string{secretsAccount(baseURL)}
	if s.legacySecrets(baseURL) {
		accounts = append(accounts, legacyAccount(baseURL))
	}
	for _, account := range accounts {
		if err := s.Keychain.Delete(account); err != nil && !errors.Is(err, ErrNotFound) {
			return err
		}
	}
	return nil
}

// legacySecrets reports whether the legacy account of baseURL holds
// remembered secrets — and not the token of an instance with id
// "credentials", which an earlier version kept under the very same name:
// an account an index entry uses, or a value that is not the secrets'
// JSON, is never read as secrets, moved or deleted.
func (s *Store) legacySecrets(baseURL string) bool {
	account := legacyAccount(baseURL)
	if s.accountInUse(account) {
		return false
	}
	v, err := s.Keychain.probe(account)
	if err != nil {
		return false
	}
	var c Secrets
	return json.Unmarshal([]byte(v), &c) == nil && (c.UserSecret != "" || c.OrgSecret != "" || c.ClientSecret != "")
}
