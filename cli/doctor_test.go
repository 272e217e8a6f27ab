package cli

import (
	"context"
	"encoding/json"
	"encoding/pem"
	"errors"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// desktopBrowser is a Linux desktop with xdg-open, whatever the machine
// running the tests has.
var desktopBrowser = browser.Browser{
	GOOS:     "linux",
	Getenv:   func(k string) string { return map[string]string{"DISPLAY": ":0"}[k] },
	LookPath: func(name string) (string, error) { return "/usr/bin/" + name, nil },
}

// freePort returns a loopback callback URL on a port free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	return "http://" + ln.Addr().String() + "/callback"
}

// doctorSetup is a factory whose store has an in-memory keychain, a
// desktop browser, and the sandbox's secrets in the environment.
func doctorSetup(t *testing.T) (*Factory, *lockedBuffer, *lockedBuffer, *testkit.Keychain, *sandbox.Running) {
	t.Helper()
	sb := testkit.Sandbox(t, sandbox.Options{})
	c := sb.Credentials("")
	f, out, errOut := testFactory(t, map[string]string{
		"CONNECTWIZ_BASE_URL": c.BaseURL, platform.EnvUserSecret: c.UserSecret.Reveal(), platform.EnvOrgSecret: c.OrgSecret.Reveal(),
	})
	mem := testkit.NewKeychain()
	f.store.Keychain = &keystore.Keychain{Backend: mem, Timeout: time.Second}
	f.Browser = desktopBrowser
	return f, out, errOut, mem, sb
}

func doctorJSON(t *testing.T, out string) map[string]checkResult {
	t.Helper()
	var rs []checkResult
	if err := json.Unmarshal([]byte(out), &rs); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	m := map[string]checkResult{}
	for _, r := range rs {
		m[r.Check] = r
	}
	return m
}

func TestDoctorAllOK(t *testing.T) {
	f, out, errOut, mem, _ := doctorSetup(t)
	if _, err := f.store.Save(keystore.Entry{Name: "d", ID: "1", Connector: "onedrivebusiness", BaseURL: f.Env.BaseURL}, "tok", false); err != nil {
		t.Fatal(err)
	}
	if code := run(t, context.Background(), f, "doctor", "--callback-url", freePort(t)); code != exitOK {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", code, out, errOut)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 9 || !strings.Contains(lines[8], "Everything checked is fine") {
		t.Fatalf("want 8 checks and a summary:\n%s", out)
	}
	for _, l := range lines[:8] {
		if !strings.HasPrefix(l, "✓ ok ") {
			t.Errorf("not ok: %s", l)
		}
	}
	for _, want := range []string{"keychain: available", "accepted the secrets from the environment", "xdg-open", "is 0700 and its files 0600", "pending creates: none"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if mem.Len() != 1 {
		t.Fatalf("the keychain holds %d entries, want only the instance's token (the probe is deleted)", mem.Len())
	}
}

func TestDoctorBusyCallbackPort(t *testing.T) {
	f, out, errOut, _, _ := doctorSetup(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	cb := "http://" + ln.Addr().String() + "/callback"
	if code := run(t, context.Background(), f, "doctor", "--callback-url", cb); code != exitError {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out.String(), "✗ problem  callback port: "+ln.Addr().String()+" is in use") ||
		!strings.Contains(out.String(), "fix: stop the program") || !strings.Contains(out.String(), "--callback-url") {
		t.Fatalf("the busy port is not reported with its fix:\n%s", out)
	}
	if !strings.Contains(errOut.String(), "1 problem to fix") {
		t.Fatalf("stderr: %s", errOut)
	}
}

// Without a D-Bus session the store's keychain is off (nothing is
// autolaunched), and the keychain line says so and what to do.
func TestDoctorNoDBusSession(t *testing.T) {
	if !keystore.NeedsSessionBus(runtime.GOOS) {
		t.Skip("the keychain needs no D-Bus session on " + runtime.GOOS)
	}
	f, out, _ := testFactory(t, map[string]string{"CONNECTWIZ_CONFIG_DIR": filepath.Join(t.TempDir(), "cfg")})
	f.store = nil // built by Factory.Store from the environment, which has no DBUS_SESSION_BUS_ADDRESS
	f.Browser = desktopBrowser
	if code := run(t, context.Background(), f, "doctor", "--callback-url", freePort(t)); code != exitError {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	first := strings.SplitN(out.String(), "\n", 3)
	if !strings.HasPrefix(first[0], "✗ problem  keychain: not working: there is no D-Bus session") ||
		!strings.Contains(first[1], "fix: ") || !strings.Contains(first[1], "DBUS_SESSION_BUS_ADDRESS") || !strings.Contains(first[1], "dbus-run-session") {
		t.Fatalf("keychain line:\n%s", out)
	}
	if !strings.Contains(out.String(), "- skipped  platform: not checked") || !strings.Contains(out.String(), "to check: set CONNECTWIZ_USER_SECRET") {
		t.Fatalf("the platform check without secrets:\n%s", out)
	}
}

func TestDoctorJSON(t *testing.T) {
	f, out, _, _, _ := doctorSetup(t)
	f.Env.OrgSecret = "wrong"
	if code := run(t, context.Background(), f, "doctor", "--json", "--callback-url", freePort(t)); code != exitError {
		t.Fatalf("exit %d, want 1 (secrets refused)\n%s", code, out)
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out.String()), &raw); err != nil {
		t.Fatalf("not a JSON array: %v\n%s", err, out)
	}
	want := []string{checkKeychain, checkFile, checkPort, checkPlatform, checkCerts, checkBrowser, checkDir, checkPending}
	if len(raw) != len(want) {
		t.Fatalf("%d checks, want %d", len(raw), len(want))
	}
	for i, r := range raw {
		if len(r) != 4 || r["check"] != want[i] {
			t.Errorf("element %d: %v", i, r)
		}
		for _, k := range []string{"check", "status", "detail", "fix"} {
			if _, ok := r[k].(string); !ok {
				t.Errorf("element %d: %q is not a string: %v", i, k, r)
			}
		}
		switch checkStatus(r["status"].(string)) {
		case statusOK, statusProblem, statusSkipped, statusWarning:
		default:
			t.Errorf("element %d: status %v", i, r["status"])
		}
	}
	p := doctorJSON(t, out.String())[checkPlatform]
	if p.Status != statusProblem || !strings.Contains(p.Detail, "refused the secrets") || p.Fix == "" || strings.Contains(out.String(), "wrong") {
		t.Fatalf("platform: %+v", p)
	}
}

func TestDoctorLooseConfigDir(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("no Unix modes")
	}
	f, out, _, _, _ := doctorSetup(t)
	if _, err := f.store.Save(keystore.Entry{Name: "d", ID: "1", BaseURL: f.Env.BaseURL}, "tok", true); err != nil {
		t.Fatal(err)
	}
	index := filepath.Join(f.store.Dir, keystore.IndexFile)
	if err := os.Chmod(f.store.Dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(index, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := f.store.Begin(keystore.Pending{Name: "lost", BaseURL: f.Env.BaseURL}); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(f.store.Dir, 0o755); err != nil { // Begin tightened it
		t.Fatal(err)
	}
	if code := run(t, context.Background(), f, "doctor", "--json", "--callback-url", freePort(t)); code != exitError {
		t.Fatalf("exit %d, want 1\n%s", code, out)
	}
	got := doctorJSON(t, out.String())
	d := got[checkDir]
	if d.Status != statusProblem || !strings.Contains(d.Detail, f.store.Dir+" is 0755") || !strings.Contains(d.Detail, index+" is 0644") ||
		d.Fix != "chmod -R go= "+platform.ShellQuote(f.store.Dir) {
		t.Fatalf("config dir: %+v", d)
	}
	if fl := got[checkFile]; fl.Status != statusWarning || !strings.Contains(fl.Detail, "1 token is kept unencrypted") {
		t.Fatalf("token file: %+v", fl)
	}
	if p := got[checkPending]; p.Status != statusProblem || !strings.Contains(p.Detail, `"lost"`) || !strings.Contains(p.Fix, "connectwiz recover") {
		t.Fatalf("pending: %+v", p)
	}
}

// The probe through the real Secret Service (CI's throwaway one, see
// testkit.RequireSecretService) leaves nothing behind.
func TestDoctorRealKeychain(t *testing.T) {
	testkit.RequireSecretService(t)
	kc := keystore.NewKeychain(5 * time.Second)
	got := doctorKeychain(&keystore.Store{Dir: t.TempDir(), Keychain: kc})
	if got.Status != statusOK {
		t.Fatalf("keychain: %+v", got)
	}
	var seen []string
	spy := &spyBackend{Backend: kc.Backend, accounts: &seen}
	got = doctorKeychain(&keystore.Store{Dir: t.TempDir(), Keychain: &keystore.Keychain{Backend: spy, Timeout: 5 * time.Second}})
	if got.Status != statusOK || len(seen) == 0 || !strings.HasPrefix(seen[0], "doctor:probe-") {
		t.Fatalf("keychain: %+v, accounts %v", got, seen)
	}
	if _, err := kc.Get(seen[0]); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("the probe entry %s was left in the keychain: %v", seen[0], err)
	}
}

// spyBackend records the accounts written.
type spyBackend struct {
	keystore.Backend
	accounts *[]string
}

func (s *spyBackend) Set(service, user, password string) error {
	*s.accounts = append(*s.accounts, user)
	return s.Backend.Set(service, user, password)
}

// A platform whose certificate is not trusted (a TLS-inspecting proxy's):
// the platform check names SSL_CERT_FILE and SSL_CERT_DIR as the cure.
// SSL_CERT_FILE and SSL_CERT_DIR, when set, must be readable and hold
// certificates.
func TestDoctorCertificates(t *testing.T) {
	tlsPlatform := httptest.NewUnstartedServer(http.NotFoundHandler())
	tlsPlatform.Config.ErrorLog = log.New(io.Discard, "", 0)
	tlsPlatform.StartTLS()
	defer tlsPlatform.Close()
	dir := t.TempDir()
	empty, pemDir := filepath.Join(dir, "empty.pem"), filepath.Join(dir, "certs")
	if err := os.WriteFile(empty, []byte("not a certificate\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Mkdir(pemDir, 0o700); err != nil {
		t.Fatal(err)
	}
	ca := pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: tlsPlatform.Certificate().Raw})
	if err := os.WriteFile(filepath.Join(pemDir, "proxy-ca.pem"), ca, 0o600); err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct {
		file, dir    string
		status, want string
	}{
		"unset":     {"", "", "ok", "not set"},
		"missing":   {filepath.Join(dir, "nope.pem"), "", "problem", "cannot be read"},
		"empty":     {empty, "", "problem", "holds no PEM certificate"},
		"directory": {"", pemDir, "ok", "holds 1 certificate"},
	} {
		t.Run(name, func(t *testing.T) {
			f, out, _, _, _ := doctorSetup(t)
			f.Env.BaseURL = tlsPlatform.URL + "/api"
			f.Env.SSLCertFile, f.Env.SSLCertDir = tc.file, tc.dir
			_ = run(t, context.Background(), f, "doctor", "--json", "--callback-url", freePort(t))
			m := doctorJSON(t, out.String())
			if !platform.CertEnvRead() {
				return
			}
			if c := m[checkCerts]; string(c.Status) != tc.status || !strings.Contains(c.Detail, tc.want) {
				t.Errorf("certificates: %+v", c)
			}
			p := m[checkPlatform]
			if p.Status != statusProblem || !strings.Contains(p.Detail, "not trusted") || !strings.Contains(p.Fix, "SSL_CERT_FILE") || !strings.Contains(p.Fix, "SSL_CERT_DIR") {
				t.Errorf("platform: %+v", p)
			}
		})
	}
}

// The token file check names each token kept in the file once, with its
// platform: the same default name on several platforms is not one name
// listed several times.
func TestDoctorTokenFileNamesEachOnce(t *testing.T) {
	st := &keystore.Store{Dir: t.TempDir()}
	for _, e := range []keystore.Entry{
		{Name: "drive", ID: "1", BaseURL: "https://a.example/api"},
		{Name: "drive", ID: "2", BaseURL: "https://b.example/api"},
	} {
		if _, err := st.Save(e, "tok-"+e.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	got := doctorTokenFile(st)
	if got.Status != statusWarning || !strings.Contains(got.Detail, `"drive" on a.example`) || !strings.Contains(got.Detail, `"drive" on b.example`) ||
		strings.Count(got.Detail, "drive") != 2 || !strings.Contains(got.Detail, "2 tokens are kept") {
		t.Fatalf("%+v", got)
	}
}
