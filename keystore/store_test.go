package keystore_test

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

func entry(name, id string) keystore.Entry {
	return keystore.Entry{Name: name, ID: id, Connector: "onedrivebusiness", BaseURL: "http://127.0.0.1:8751/x/api-v2", Tags: []string{"a"}, CreatedAt: time.Unix(1700000000, 0).UTC()}
}

func newStore(t *testing.T, b keystore.Backend) *keystore.Store {
	t.Helper()
	s := &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	if b != nil {
		s.Keychain = &keystore.Keychain{Backend: b, Timeout: 200 * time.Millisecond}
	}
	return s
}

func TestSaveToKeychain(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	saved, err := s.Save(entry("one", "7"), "tok-1", false)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Entry.Storage != keystore.InKeychain || saved.Warning != "" {
		t.Fatalf("%+v", saved)
	}
	if !fb.Has("tok-1") {
		t.Fatal("token not in the keychain")
	}
	if _, err := os.Stat(filepath.Join(s.Dir, keystore.TokensFile)); !os.IsNotExist(err) {
		t.Fatal("a token file was written although the keychain took the token")
	}
	tok, e, err := s.Token("one", "")
	if err != nil || tok != "tok-1" || e.ID != "7" {
		t.Fatalf("Token = %q %+v %v", tok, e, err)
	}
	idx, _ := os.ReadFile(filepath.Join(s.Dir, keystore.IndexFile))
	if strings.Contains(string(idx), "tok-1") {
		t.Fatal("the index holds the token")
	}
}

func TestSaveFallsBack(t *testing.T) {
	tests := map[string]func(*testkit.Keychain){
		"unavailable": func(f *testkit.Keychain) { f.Fail = errors.New("org.freedesktop.DBus.Error.ServiceUnknown") },
		"hangs":       func(f *testkit.Keychain) { f.Block = make(chan struct{}) },
		"too big":     func(f *testkit.Keychain) { f.MaxLen = 3 },
		"locked": func(f *testkit.Keychain) {
			f.Fail = errors.New("org.freedesktop.Secret.Error.IsLocked: the collection is locked")
		},
		"truncates": func(f *testkit.Keychain) { f.Truncate = 3 },
	}
	for name, bend := range tests {
		t.Run(name, func(t *testing.T) {
			fb := testkit.NewKeychain()
			bend(fb)
			if fb.Block != nil {
				defer close(fb.Block)
			}
			s := newStore(t, fb)
			start := time.Now()
			saved, err := s.Save(entry("one", "7"), "a-long-token", false)
			if err != nil {
				t.Fatal(err)
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("fallback took %s", time.Since(start))
			}
			if saved.Entry.Storage != keystore.InFile || !strings.Contains(saved.Warning, "UNENCRYPTED") || !strings.Contains(saved.Warning, s.Dir) {
				t.Fatalf("%+v", saved)
			}
			if fb.Block == nil && fb.Has("a-lo") && name == "truncates" {
				t.Fatal("a truncated token was left in the keychain")
			}
			tok, _, err := s.Token("one", "")
			if err != nil || tok != "a-long-token" {
				t.Fatalf("Token = %q, %v", tok, err)
			}
			assertMode(t, filepath.Join(s.Dir, keystore.TokensFile), 0o600)
			assertMode(t, s.Dir, 0o700)
		})
	}
}

// TestNoDBusFallsBack uses the real OS keychain with no D-Bus session. The
// session bus connection is a process-wide singleton, so it runs in a child
// process of its own.
func TestNoDBusFallsBack(t *testing.T) {
	if os.Getenv("CONNECTWIZ_NODBUS_CHILD") == "" {
		cmd := exec.Command(os.Args[0], "-test.run=^TestNoDBusFallsBack$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CONNECTWIZ_NODBUS_CHILD=1", "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"))
		out, err := cmd.CombinedOutput()
		if err != nil || !strings.Contains(string(out), "PASS") {
			t.Fatalf("child: %v\n%s", err, out)
		}
		return
	}
	s := &keystore.Store{Dir: t.TempDir(), Keychain: keystore.NewKeychain(2 * time.Second)}
	saved, err := s.Save(entry("one", "7"), "tok", false)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Entry.Storage != keystore.InFile || saved.Warning == "" {
		t.Fatalf("%+v", saved)
	}
}

func TestInsecureStorageChoosesFile(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	saved, err := s.Save(entry("one", "7"), "tok", true)
	if err != nil || saved.Entry.Storage != keystore.InFile || !strings.Contains(saved.Warning, "--insecure-storage") {
		t.Fatalf("%+v %v", saved, err)
	}
	if fb.Sets() != 0 {
		t.Fatal("the keychain was used despite --insecure-storage")
	}
}

func assertMode(t *testing.T, path string, want os.FileMode) {
	t.Helper()
	if runtime.GOOS == "windows" {
		return
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != want {
		t.Fatalf("%s has mode %v, want %v", path, st.Mode().Perm(), want)
	}
}

func TestLooseModesAreFixed(t *testing.T) {
	s := newStore(t, nil)
	if _, err := s.Save(entry("one", "7"), "tok", true); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(s.Dir, keystore.TokensFile)
	_ = os.Chmod(p, 0o644)
	_ = os.Chmod(s.Dir, 0o755)
	if _, err := s.Save(entry("two", "8"), "tok2", true); err != nil {
		t.Fatal(err)
	}
	assertMode(t, p, 0o600)
	assertMode(t, s.Dir, 0o700)
	if tok, _, err := s.Token("one", ""); err != nil || tok != "tok" {
		t.Fatalf("%q %v", tok, err)
	}
}

func TestAtomicWriteLeavesNoTemp(t *testing.T) {
	s := newStore(t, nil)
	for i := 0; i < 5; i++ {
		if _, err := s.SaveReplacing(entry("n", "1"), "tok", true); err != nil {
			t.Fatal(err)
		}
	}
	files, _ := os.ReadDir(s.Dir)
	for _, f := range files {
		if strings.HasPrefix(f.Name(), ".") && f.Name() != ".lock" { // the lock file stays; its kernel lock does not
			t.Fatalf("temp file left: %s", f.Name())
		}
	}
	entries, _ := s.Entries()
	if len(entries) != 1 {
		t.Fatalf("replacing by name kept %d entries", len(entries))
	}
}

func TestIndexAndRemove(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	a := entry("same", "1")
	b := entry("same", "2")
	b.BaseURL = "https://other.example/api"
	for _, e := range []keystore.Entry{a, b} {
		if _, err := s.Save(e, "tok-"+e.ID, false); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.Find("same", ""); !errors.Is(err, keystore.ErrAmbiguous) || !strings.Contains(err.Error(), "several platforms") {
		t.Fatalf("ambiguous name: %v", err)
	}
	tok, _, err := s.Token("same", b.BaseURL)
	if err != nil || tok != "tok-2" {
		t.Fatalf("%q %v", tok, err)
	}
	if _, _, err := s.Token("nope", ""); !errors.Is(err, keystore.ErrUnknown) {
		t.Fatalf("unknown: %v", err)
	}
	e, _ := s.Find("same", a.BaseURL)
	if err := s.Remove(e); err != nil {
		t.Fatal(err)
	}
	if fb.Has("tok-1") {
		t.Fatal("token left in the keychain")
	}
	if entries, _ := s.Entries(); len(entries) != 1 || entries[0].ID != "2" {
		t.Fatalf("%+v", entries)
	}
	// A token that vanished from the keychain is reported, not returned empty.
	fb.Clear()
	if _, _, err := s.Token("same", ""); err == nil || !strings.Contains(err.Error(), "missing from the keychain") {
		t.Fatalf("%v", err)
	}
}

func TestPendingRecords(t *testing.T) {
	s := newStore(t, nil)
	p1, err := s.Begin(keystore.Pending{Name: "a", Connector: "c", BaseURL: "u"})
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Millisecond)
	p2, _ := s.Begin(keystore.Pending{Name: "b", Connector: "c", BaseURL: "u"})
	got, err := s.PendingCreates()
	if err != nil || len(got) != 2 || got[0].Name != "a" || got[1].ID != p2.ID {
		t.Fatalf("%+v %v", got, err)
	}
	if err := s.Clear(p1); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.PendingCreates(); len(got) != 1 {
		t.Fatalf("%+v", got)
	}
}

func TestDamagedIndex(t *testing.T) {
	s := newStore(t, nil)
	_ = os.MkdirAll(s.Dir, 0o700)
	_ = os.WriteFile(filepath.Join(s.Dir, keystore.IndexFile), []byte("{not json"), 0o600)
	if _, err := s.Entries(); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Fatalf("%v", err)
	}
}

func TestRememberedCredentials(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	base := "https://platform.example/api"
	if _, err := s.Remembered(base); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("nothing remembered yet: %v", err)
	}
	want := keystore.Secrets{UserSecret: "u", OrgSecret: "o", ClientSecret: "c"}
	if err := s.Remember(base, want); err != nil {
		t.Fatal(err)
	}
	got, err := s.Remembered(base + "/")
	if err != nil || got != want {
		t.Fatalf("%+v %v", got, err)
	}
	if files, _ := os.ReadDir(s.Dir); len(files) != 0 {
		t.Fatalf("remembering wrote files: %v", files)
	}
	if err := s.ForgetCredentials(base); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remembered(base); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("after forget: %v", err)
	}
	// Without a keychain, secrets are never remembered.
	noKeychain := newStore(t, nil)
	if err := noKeychain.Remember(base, want); err == nil {
		t.Fatal("remembered without a keychain")
	}
}

// TestConcurrentSavesKeepEveryEntry saves from many goroutines at once, as
// several connectwiz processes would: no entry or token may be lost.
func TestConcurrentSavesKeepEveryEntry(t *testing.T) {
	s := newStore(t, nil)
	const n = 24
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := s.Save(entry(fmt.Sprint("n", i), fmt.Sprint(i)), fmt.Sprint("tok-", i), true)
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	entries, err := s.Entries()
	if err != nil || len(entries) != n {
		t.Fatalf("%d entries of %d (%v)", len(entries), n, err)
	}
	for i := 0; i < n; i++ {
		if tok, _, err := s.Token(fmt.Sprint("n", i), ""); err != nil || tok != fmt.Sprint("tok-", i) {
			t.Fatalf("token %d: %q %v", i, tok, err)
		}
	}
	// The lock is released: a fresh lock is taken at once.
	l := flock.New(filepath.Join(s.Dir, ".lock"))
	if ok, err := l.TryLock(); !ok || err != nil {
		t.Fatalf("the store's lock is still held after the saves (%v)", err)
	}
	_ = l.Unlock()
}

// A lock left by a killed process never delays the next command: the
// kernel releases it with the process.
func TestLockOfKilledProcessIsFree(t *testing.T) {
	s := newStore(t, testkit.NewKeychain())
	if _, err := s.Save(entry("first", "1"), "tok-1", false); err != nil {
		t.Fatal(err)
	}
	holder := exec.Command(os.Args[0], "-test.run=^$")
	holder.Env = append(os.Environ(), "CONNECTWIZ_TEST_HOLD_LOCK="+filepath.Join(s.Dir, ".lock"))
	out, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || line != "locked\n" {
		t.Fatalf("the lock holder did not start: %q %v", line, err)
	}
	// While it holds the lock, a save waits.
	blocked := make(chan error, 1)
	go func() { _, err := s.Save(entry("second", "2"), "tok-2", false); blocked <- err }()
	select {
	case err := <-blocked:
		t.Fatalf("the save did not wait for the lock holder (%v)", err)
	case <-time.After(200 * time.Millisecond):
	}
	_ = holder.Process.Kill()
	_ = holder.Wait()
	start := time.Now()
	if err := <-blocked; err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(entry("third", "3"), "tok-3", false); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > time.Second {
		t.Fatalf("the saves after the kill took %s", d)
	}
}

func TestReplaceDropsTheOldToken(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	if _, err := s.Save(entry("same", "1"), "old-token", false); err != nil {
		t.Fatal(err)
	}
	saved, err := s.SaveReplacing(entry("same", "2"), "new-token", false)
	if err != nil {
		t.Fatal(err)
	}
	if fb.Has("old-token") || !fb.Has("new-token") {
		t.Fatal("replacing an entry should drop its old token and keep the new one")
	}
	if saved.Replaced == nil || saved.Replaced.ID != "1" {
		t.Fatalf("Replaced = %+v", saved.Replaced)
	}
	if entries, _ := s.Entries(); len(entries) != 1 || entries[0].ID != "2" {
		t.Fatalf("%+v", entries)
	}
}

// Save never replaces an entry: a name taken by the time the index is
// written (a race, a recovered create) gets the next free name, and both
// tokens stay.
func TestSaveNeverReplaces(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	if _, err := s.Save(entry("same", "1"), "first-token", false); err != nil {
		t.Fatal(err)
	}
	saved, err := s.Save(entry("same", "2"), "second-token", false)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Entry.Name != "same-2" || saved.RenamedFrom != "same" || saved.Replaced != nil {
		t.Fatalf("saved %+v", saved)
	}
	for name, want := range map[string]string{"same": "first-token", "same-2": "second-token"} {
		if tok, _, err := s.Token(name, ""); err != nil || tok != want {
			t.Fatalf("token %s: %q %v", name, tok, err)
		}
	}
}
