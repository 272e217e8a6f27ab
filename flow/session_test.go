package flow_test

import (
	"context"
	"errors"
	"net"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

func newSession(t *testing.T, sandboxed bool) (*flow.Session, *testkit.Keychain) {
	t.Helper()
	mem := testkit.NewKeychain()
	// As the command line pairs them: a sandbox session has the sandbox's store.
	st := &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg"), Keychain: &keystore.Keychain{Backend: mem}, Sandbox: sandboxed}
	s := &flow.Session{Store: st, Sandbox: sandboxed, Version: "test"}
	t.Cleanup(func() { _ = s.End() })
	if sandboxed {
		s.ApproveConsent = func(ctx context.Context, url string) error { return sandbox.Consent(ctx, url, true) }
	}
	return s, mem
}

// createThroughSession authorizes through the session, approves the
// sandbox's consent and creates with r's options.
func createThroughSession(t *testing.T, s *flow.Session, creds flow.Credentials, name string, remember bool) flow.Created {
	t.Helper()
	created, err := s.Create(context.Background(), flow.CreateRequest{
		Creds:    creds,
		Instance: authorizeSession(t, s, creds, name),
		Remember: remember,
	})
	if err != nil {
		t.Fatal(err)
	}
	return created
}

// The sandbox's public secrets never reach the keychain, whichever
// front-end asks to remember them (the wizard's path used to).
func TestSessionSandboxNeverRemembers(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, mem := newSession(t, true)
	created := createThroughSession(t, s, creds, "sb-drive", true)
	if created.Remembered || !errors.Is(created.RememberErr, flow.ErrSandboxSecrets) {
		t.Fatalf("remembered=%v err=%v, want the sandbox refusal", created.Remembered, created.RememberErr)
	}
	for k, v := range mem.Items() {
		if v == creds.UserSecret.Reveal() || filepath.Base(k) == "credentials" {
			t.Fatalf("the keychain got the sandbox's secrets under %s", k)
		}
	}
	if _, ok := s.Remembered(creds.BaseURL); ok {
		t.Fatal("secrets are remembered for the sandbox")
	}
	if got := s.SavedAnswers(); got != (flow.Credentials{}) {
		t.Fatalf("the sandbox's answers were saved: %+v", got)
	}
	// The sandbox is a new platform every run: its names are unique across
	// runs, so 'token --sandbox NAME' always finds one.
	if got := s.AvailableName("sb-drive", "http://127.0.0.1:1/another-run"); got != "sb-drive-2" {
		t.Fatalf("AvailableName in the sandbox = %q", got)
	}
}

// Outside the sandbox, Create remembers the secrets when asked, and the
// saved answers prefill the next run.
func TestSessionRemembersWhenAsked(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	s.ApproveConsent = func(ctx context.Context, url string) error { return sandbox.Consent(ctx, url, true) }
	created := createThroughSession(t, s, creds, "real-drive", true)
	if !created.Remembered || created.RememberErr != nil {
		t.Fatalf("remembered=%v err=%v", created.Remembered, created.RememberErr)
	}
	got, ok := s.Remembered(creds.BaseURL)
	if !ok || got.UserSecret != creds.UserSecret || got.OrgSecret != creds.OrgSecret || got.ClientSecret != creds.ClientSecret {
		t.Fatal("the remembered secrets differ from the ones used")
	}
	if a := s.SavedAnswers(); a.BaseURL != creds.BaseURL || a.ClientID != creds.ClientID || a.Connector != creds.Connector {
		t.Fatalf("saved answers %+v", a)
	}
	fill := flow.Credentials{BaseURL: creds.BaseURL}
	s.FillRemembered(&fill)
	if fill.LacksSecret() {
		t.Fatal("FillRemembered left a secret empty")
	}
	if s.AvailableName("real-drive", creds.BaseURL) != "real-drive-2" || s.AvailableName("other", creds.BaseURL) != "other" ||
		s.AvailableName("real-drive", "https://another.example/api") != "real-drive" {
		t.Fatal("AvailableName is wrong")
	}
}

func TestSessionRecoverNothingPending(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	s, _ := newSession(t, false)
	if _, err := s.Recover(context.Background(), sb.Credentials("")); !errors.Is(err, flow.ErrNothingPending) {
		t.Fatalf("err = %v", err)
	}
}

func TestNormalizeBaseURL(t *testing.T) {
	for in, want := range map[string]string{
		" https://h.example/api-v2/ ": "https://h.example/api-v2",
		"http://127.0.0.1:9/x//":      "http://127.0.0.1:9/x",
		"https://user:pw@h.example/":  "error: user",
		"ftp://h.example/":            "error: http(s)",
		"":                            "error: empty",
		"https://h.example/?q=1":      "error: query",
	} {
		got, err := platform.NormalizeBaseURL(in)
		if err != nil {
			got = "error: " + err.Error()
		}
		if strings.HasPrefix(want, "error: ") {
			if err == nil || !strings.Contains(got, want[7:]) {
				t.Errorf("%q: got %q, want an error about %q", in, got, want[7:])
			}
			continue
		}
		if got != want {
			t.Errorf("%q: got %q, want %q", in, got, want)
		}
	}
}

func TestParseConfig(t *testing.T) {
	got, err := flow.ParseConfig(" a.b = 1 ", "c=2\n\n d = x=y ")
	if err != nil || len(got) != 3 || got["a.b"] != "1" || got["c"] != "2" || got["d"] != "x=y" {
		t.Fatalf("%v %v", got, err)
	}
	for _, bad := range []string{"novalue", "=v", " = v"} {
		if _, err := flow.ParseConfig(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// A create that never reached the platform (nothing listens) is not a
// lost answer: no pending record stays, and the error says to check the
// network, not to recover.
func TestCreateNeverSentIsNotLost(t *testing.T) {
	s, _ := newSession(t, false)
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + l.Addr().String() + "/api"
	_ = l.Close() // now refused
	creds := flow.Credentials{BaseURL: base, UserSecret: "u", OrgSecret: "o", Connector: "c", ClientID: "c", ClientSecret: "s"}
	_, err = s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: platform.InstanceRequest{Connector: "c", Code: "x", Name: "n"}})
	if err == nil || errors.Is(err, platform.ErrAnswerLost) || !strings.Contains(err.Error(), "cannot reach the platform") {
		t.Fatalf("err = %v", err)
	}
	if p, _ := s.Store.PendingCreates(); len(p) != 0 {
		t.Fatalf("a create that never left kept %d pending records", len(p))
	}
}

// TestOneOffFlagsAreNotSavedAsAnswers: a --callback-url given for one run
// does not become the next run's default; typed answers still are saved.
func TestOneOffFlagsAreNotSavedAsAnswers(t *testing.T) {
	s, _ := newSession(t, false)
	sb := testkit.Sandbox(t, sandbox.Options{})
	if err := s.Store.SaveAnswers(keystore.Answers{CallbackURL: "http://127.0.0.1:8750/callback"}); err != nil {
		t.Fatal(err)
	}
	creds := sb.Credentials("http://127.0.0.1:0/one-off")
	s.OneOff = flow.Credentials{CallbackURL: creds.CallbackURL}
	a, err := s.Authorize(context.Background(), creds)
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	got, err := s.Store.LoadAnswers()
	if err != nil {
		t.Fatal(err)
	}
	if got.CallbackURL != "http://127.0.0.1:8750/callback" {
		t.Fatalf("saved callback URL %q: the one-off flag became the default", got.CallbackURL)
	}
	if got.ClientID != creds.ClientID || got.BaseURL != creds.BaseURL {
		t.Fatalf("the answers not given by flags were not saved: %+v", got)
	}
}
