package keystore_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// An instance id is the platform's opaque value: one equal to an internal
// account name must not read or overwrite the remembered secrets, and an
// empty, huge or control-character id still gets its token stored.
func TestInstanceIDsCannotCollide(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	base := entry("x", "").BaseURL
	secrets := keystore.Secrets{UserSecret: "u-secret", OrgSecret: "o-secret", ClientSecret: "c-secret"}
	if err := s.Remember(base, secrets); err != nil {
		t.Fatal(err)
	}
	for i, id := range []string{"credentials", "../credentials", "", strings.Repeat("9", 5000), "id\x1b]0;pwned\x07", "secrets:" + base} {
		name := "n" + string(rune('a'+i))
		tok := "token-" + name
		saved, err := s.Save(entry(name, id), tok, false)
		if err != nil {
			t.Fatalf("id %.20q: %v", id, err)
		}
		acct := saved.Entry.Account()
		if !strings.HasPrefix(acct, "instance:") || strings.ContainsAny(acct, "\x1b\x07") || len(acct) > 120 {
			t.Errorf("id %.20q stored under account %q", id, acct)
		}
		got, _, err := s.Token(name, "")
		if err != nil || got != tok {
			t.Fatalf("id %.20q: token %q %v", id, got, err)
		}
	}
	r, err := s.Remembered(base)
	if err != nil || r != secrets {
		t.Fatalf("the remembered secrets were touched: %+v %v", r, err)
	}
	e, err := s.Find("na", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(e); err != nil {
		t.Fatal(err)
	}
	if r, err := s.Remembered(base); err != nil || r != secrets {
		t.Fatalf("forgetting an instance with id %q removed the remembered secrets: %v", e.ID, err)
	}
}

// Secrets remembered for https://host are not offered to http://host,
// another port or another path.
func TestRememberedSecretsAreKeyedByFullPlatform(t *testing.T) {
	s := newStore(t, testkit.NewKeychain())
	if err := s.Remember("https://p.example/api-v2", keystore.Secrets{UserSecret: "u", OrgSecret: "o", ClientSecret: "c"}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remembered("https://p.example:443/api-v2/"); err != nil {
		t.Fatalf("the same platform spelled differently: %v", err)
	}
	for _, other := range []string{"http://p.example/api-v2", "https://p.example:8443/api-v2", "https://p.example/other"} {
		if _, err := s.Remembered(other); err == nil {
			t.Errorf("secrets remembered for https://p.example/api-v2 were offered to %s", other)
		}
	}
}

// Without a D-Bus session the keychain is off: nothing is asked (asking
// would autolaunch daemons), the token goes to the file at once, and the
// warning says why.
func TestNoSessionBusFallsBackAtOnce(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	s.Keychain.Off = keystore.ErrNoSession
	saved, err := s.Save(entry("n", "1"), "tok", false)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Entry.Storage != keystore.InFile || !strings.Contains(saved.Warning, "no D-Bus session") {
		t.Fatalf("%+v", saved)
	}
	if _, err := s.Remembered(entry("n", "1").BaseURL); err == nil {
		t.Fatal("remembered secrets without a keychain")
	}
	if fb.Sets() != 0 || fb.Len() != 0 {
		t.Fatal("the keychain backend was called although there is no session bus")
	}
}

// A pending record is settled by one process at a time, and once.
func TestClaimIsExclusive(t *testing.T) {
	s := newStore(t, nil)
	p, err := s.Begin(keystore.Pending{Name: "n", BaseURL: "http://127.0.0.1:1/api"})
	if err != nil {
		t.Fatal(err)
	}
	release, ok, err := s.Claim(p)
	if err != nil || !ok {
		t.Fatalf("first claim: %v %v", ok, err)
	}
	if _, ok2, err := s.Claim(p); ok2 || err != nil {
		t.Fatalf("a second claim while the first holds: %v %v", ok2, err)
	}
	if err := s.Clear(p); err != nil {
		t.Fatal(err)
	}
	release()
	if _, ok, err := s.Claim(p); ok || err != nil {
		t.Fatalf("a claim of a settled record: %v %v", ok, err)
	}
}

// A locked Secret Service is classified once, here: the fallback warning
// says so in words, never with the raw D-Bus error.
func TestLockedKeychainInWords(t *testing.T) {
	fb := testkit.NewKeychain()
	fb.Fail = errors.New("org.freedesktop.Secret.Error.IsLocked: Cannot create an item in a locked collection")
	s := newStore(t, fb)
	saved, err := s.Save(entry("n", "1"), "tok", false)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Problem != keystore.ProblemLocked || !strings.Contains(saved.Warning, "the keychain is locked") || strings.Contains(saved.Warning, "freedesktop") {
		t.Fatalf("problem %v, warning %q", saved.Problem, saved.Warning)
	}
	if keystore.Classify(keystore.ErrNoSession) != keystore.ProblemNoSession || keystore.Classify(errors.New("x")) != keystore.ProblemUnavailable {
		t.Fatal("Classify")
	}
}

// Secrets an earlier version remembered under <host>/credentials are
// copied to the https platform's own account on first use (never to plain
// http), and forgetting removes both.
func TestLegacySecretsMigrate(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	legacy := `{"userSecret":"u","orgSecret":"o","clientSecret":"c"}`
	if err := s.Keychain.Set("p.example/credentials", legacy); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remembered("http://p.example/api"); err == nil {
		t.Fatal("legacy secrets offered to plain http")
	}
	got, err := s.Remembered("https://p.example/api")
	if err != nil || got.UserSecret != "u" {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := s.Keychain.Get("secrets:https://p.example:443/api"); err != nil {
		t.Fatalf("the legacy secrets were not copied: %v", err)
	}
	if err := s.Keychain.Set("p.example/credentials", legacy); err != nil {
		t.Fatal(err)
	}
	if err := s.ForgetCredentials("https://p.example/api"); err != nil {
		t.Fatal(err)
	}
	for _, acct := range []string{"p.example/credentials", "secrets:https://p.example:443/api"} {
		if _, err := s.Keychain.Get(acct); err == nil {
			t.Errorf("%s is still remembered after forget", acct)
		}
	}
}
