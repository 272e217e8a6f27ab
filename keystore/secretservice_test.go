package keystore_test

import (
	"errors"
	"os/exec"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// realKeychain returns the OS keychain of the throwaway Secret Service
// .ci/run starts, after checking that it takes, returns and deletes an
// item; elsewhere the test is skipped (it would write to the developer's
// own keyring, or autolaunch one).
func realKeychain(t *testing.T) *keystore.Keychain {
	t.Helper()
	testkit.RequireSecretService(t)
	k := keystore.NewKeychain(5 * time.Second)
	probe := "probe/" + t.Name()
	if err := k.Set(probe, "x"); err != nil {
		t.Fatalf("%s=1 but no working Secret Service: %v (.ci/run starts gnome-keyring under dbus-run-session)", testkit.SecretServiceEnv, err)
	}
	if err := k.Delete(probe); err != nil {
		t.Fatalf("deleting the probe item: %v", err)
	}
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

// NoSessionBus is the one rule that keeps connectwiz from autolaunching a
// session bus.
func TestNoSessionBus(t *testing.T) {
	for _, c := range []struct {
		goos, bus string
		off       bool
	}{
		{"linux", "", true},
		{"freebsd", "", true},
		{"linux", "unix:path=/run/user/1000/bus", false},
		{"darwin", "", false},
		{"windows", "", false},
	} {
		err := keystore.NoSessionBus(c.goos, c.bus)
		if off := errors.Is(err, keystore.ErrNoSession); off != c.off || (err != nil && !off) {
			t.Errorf("NoSessionBus(%q, %q) = %v, want off %v", c.goos, c.bus, err, c.off)
		}
	}
}

// Without a session bus address, the OS keychain fails at once with
// ErrNoSession however the Keychain around it was built: go-keyring is
// never asked, so nothing is autolaunched.
func TestOSKeychainWithoutSessionBus(t *testing.T) {
	if !keystore.NeedsSessionBus(runtime.GOOS) {
		t.Skip("the keychain of " + runtime.GOOS + " needs no D-Bus session")
	}
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	for name, k := range map[string]*keystore.Keychain{
		"NewKeychain": keystore.NewKeychain(time.Second),
		"literal":     {Backend: keystore.OSBackend{}},
	} {
		if err := k.Set("probe/"+name, "x"); !errors.Is(err, keystore.ErrNoSession) || !errors.Is(err, keystore.ErrUnavailable) ||
			keystore.Classify(err) != keystore.ProblemNoSession {
			t.Errorf("%s: Set = %v, want ErrUnavailable and ErrNoSession", name, err)
		}
		if _, err := k.Get("probe/" + name); !errors.Is(err, keystore.ErrNoSession) {
			t.Errorf("%s: Get = %v, want ErrNoSession", name, err)
		}
		if err := k.Delete("probe/" + name); !errors.Is(err, keystore.ErrNoSession) {
			t.Errorf("%s: Delete = %v, want ErrNoSession", name, err)
		}
	}
	s := &keystore.Store{Dir: t.TempDir(), Keychain: keystore.NewKeychain(time.Second)}
	saved, err := s.Save(entry("off", "5"), "tok", false)
	if err != nil || saved.Entry.Storage != keystore.InFile || saved.Problem != keystore.ProblemNoSession {
		t.Fatalf("Save without a session bus: %+v, %v", saved, err)
	}
}
