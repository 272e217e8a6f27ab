package keystore_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/keystore"
)

// realKeychain returns the OS keychain, skipping when no Secret Service is
// reachable — except in CI, where that is a failure.
func realKeychain(t *testing.T) *keystore.Keychain {
	t.Helper()
	k := keystore.NewKeychain(5 * time.Second)
	probe := "probe/" + t.Name()
	err := k.Set(probe, "x")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("CI=true but no working Secret Service: %v (.ci/run starts gnome-keyring under dbus-run-session)", err)
		}
		t.Skipf("no Secret Service here: %v", err)
	}
	_ = k.Delete(probe)
	return k
}

func TestSecretServiceSetGetDelete(t *testing.T) {
	k := realKeychain(t)
	acct := "test.example:1/" + time.Now().Format("150405.000000")
	if err := k.Set(acct, "s3cr3t-value"); err != nil {
		t.Fatal(err)
	}
	got, err := k.Get(acct)
	if err != nil || got != "s3cr3t-value" {
		t.Fatalf("Get = %q, %v", got, err)
	}
	if _, err := exec.LookPath("secret-tool"); err == nil {
		out, err := exec.Command("secret-tool", "lookup", "service", keystore.Service, "username", acct).Output()
		if err == nil && string(out) != "s3cr3t-value" {
			t.Errorf("secret-tool sees %q", out)
		}
	}
	if err := k.Delete(acct); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(acct); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("after delete: %v", err)
	}
	if err := k.Delete(acct); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("delete twice: %v", err)
	}
}

func TestSecretServiceStoreRoundTrip(t *testing.T) {
	k := realKeychain(t)
	s := &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg"), Keychain: k}
	e := entry("real-"+time.Now().Format("150405.000000"), time.Now().Format("150405000000"))
	saved, err := s.Save(e, "real-token==", false)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Entry.Storage != keystore.InKeychain {
		t.Fatalf("went to %s: %s", saved.Entry.Storage, saved.Warning)
	}
	tok, _, err := s.Token(e.Name, "")
	if err != nil || tok != "real-token==" {
		t.Fatalf("%q %v", tok, err)
	}
	if err := s.Remove(saved.Entry); err != nil {
		t.Fatal(err)
	}
	if _, err := k.Get(e.Account()); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("token left behind: %v", err)
	}
}

func TestSecretServiceTooBigFallsBack(t *testing.T) {
	k := realKeychain(t)
	// Moving 4 MiB through D-Bus three times (set, read-back, get) takes
	// seconds under -race on a loaded 2-core machine: this test is about
	// the token not being lost, not about the per-call timeout.
	k.Timeout = time.Minute
	s := &keystore.Store{Dir: t.TempDir(), Keychain: k}
	big := make([]byte, 4<<20)
	for i := range big {
		big[i] = 'a' + byte(i%26)
	}
	saved, err := s.Save(entry("big", "9"), string(big), false)
	if err != nil {
		t.Fatal(err)
	}
	tok, _, err := s.Token("big", "")
	if err != nil || tok != string(big) {
		t.Fatalf("big token lost (%d bytes back): %v", len(tok), err)
	}
	t.Logf("a 4 MiB token went to the %s", saved.Entry.Storage)
	_ = s.Remove(saved.Entry)
}
