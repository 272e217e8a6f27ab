package cli

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/cli/iostreams"
	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// testFactory is a factory with fake streams, the given environment and a
// store in a temporary dir without a keychain.
func testFactory(t *testing.T, env map[string]string) (*Factory, *lockedBuffer, *lockedBuffer) {
	t.Helper()
	out, errOut := &lockedBuffer{}, &lockedBuffer{}
	f := &Factory{
		IO:  iostreams.Test(strings.NewReader(""), out, errOut),
		Env: ReadEnv(func(k string) string { return env[k] }),
	}
	f.store = &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	return f, out, errOut
}

func run(t *testing.T, ctx context.Context, f *Factory, args ...string) int {
	t.Helper()
	return Run(ctx, args, f)
}

func TestCreateParsesFlagsIntoOptions(t *testing.T) {
	f, _, _ := testFactory(t, nil)
	var got *CreateOptions
	cmd := newCmdCreate(f, func(o *CreateOptions) error { got = o; return nil })
	cmd.SetArgs([]string{
		"--base-url", "https://p.example/api", "--key", "box", "--client-id", "cid",
		"--name", "n1", "--tag", "a,b", "--tag", "c", "--config", "k=v", "--timeout", "7s", "--no-input", "--replace",
	})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	if got.Flags.BaseURL != "https://p.example/api" || got.Flags.Connector != "box" || got.Flags.ClientID != "cid" ||
		got.Name != "n1" || strings.Join(got.Tags, "|") != "a,b|c" || got.Config[0] != "k=v" ||
		got.Timeout != 7*time.Second || !got.NoInput || !got.Replace {
		t.Fatalf("options %+v", got)
	}
}

func TestExitCodes(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	c := sb.Credentials("http://127.0.0.1:0/callback")
	full := map[string]string{
		"CONNECTWIZ_BASE_URL": c.BaseURL, "CONNECTWIZ_CLIENT_ID": c.ClientID, "CONNECTWIZ_CALLBACK_URL": c.CallbackURL,
		platform.EnvUserSecret: c.UserSecret.Reveal(), platform.EnvOrgSecret: c.OrgSecret.Reveal(), platform.EnvClientSecret: c.ClientSecret.Reveal(),
	}
	t.Run("missing input", func(t *testing.T) {
		f, _, errOut := testFactory(t, nil)
		if code := run(t, context.Background(), f, "create", "--no-input", "--base-url", c.BaseURL); code != exitUsage {
			t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
		}
		for _, want := range []string{"missing input", "CONNECTWIZ_USER_SECRET", "--client-id"} {
			if !strings.Contains(errOut.String(), want) {
				t.Errorf("stderr lacks %q:\n%s", want, errOut)
			}
		}
	})
	t.Run("bad --config", func(t *testing.T) {
		f, _, errOut := testFactory(t, full)
		if code := run(t, context.Background(), f, "create", "--no-input", "--config", "novalue"); code != exitUsage {
			t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
		}
		if !strings.Contains(errOut.String(), `"novalue" is not KEY=VALUE`) {
			t.Errorf("stderr: %s", errOut)
		}
	})
	t.Run("control character in --tag", func(t *testing.T) {
		f, _, errOut := testFactory(t, full)
		if code := run(t, context.Background(), f, "create", "--no-input", "--tag", "ok,x\x01y"); code != exitUsage {
			t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
		}
		if !strings.Contains(errOut.String(), `--tag: the tag "x\x01y" has control`) {
			t.Errorf("stderr: %s", errOut)
		}
	})
	t.Run("user info in the platform URL", func(t *testing.T) {
		f, _, errOut := testFactory(t, full)
		if code := run(t, context.Background(), f, "create", "--no-input", "--base-url", "https://me:pw@p.example/api"); code != exitUsage {
			t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
		}
		if strings.Contains(errOut.String(), "pw@") || !strings.Contains(errOut.String(), "user name or password") {
			t.Errorf("stderr: %s", errOut)
		}
	})
	t.Run("ctrl+c while waiting", func(t *testing.T) {
		f, _, errOut := testFactory(t, full)
		ctx, cancel := context.WithCancel(context.Background())
		done := make(chan int, 1)
		go func() { done <- run(t, ctx, f, "create", "--no-input", "--no-browser", "--name", "n") }()
		deadline := time.Now().Add(10 * time.Second)
		for !strings.Contains(errOut.String(), "Waiting for the browser") {
			if time.Now().After(deadline) {
				t.Fatal("never waited for the browser")
			}
			time.Sleep(5 * time.Millisecond)
		}
		cancel()
		if code := <-done; code != exitInterrupted {
			t.Fatalf("exit %d, want 130", code)
		}
		if len(sb.Instances()) != 0 {
			t.Fatal("an interrupted wait created an instance")
		}
	})
	t.Run("--code - with nothing on stdin", func(t *testing.T) {
		f, _, errOut := testFactory(t, full)
		if code := run(t, context.Background(), f, "create", "--no-input", "--code", "-"); code != exitUsage {
			t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
		}
		if !strings.Contains(errOut.String(), "no code on stdin") {
			t.Errorf("stderr: %s", errOut)
		}
	})
	t.Run("--timeout 0", func(t *testing.T) {
		f, _, errOut := testFactory(t, full)
		if code := run(t, context.Background(), f, "create", "--no-input", "--timeout", "0s"); code != exitUsage {
			t.Fatalf("exit %d, want 2; stderr %s", code, errOut)
		}
	})
	t.Run("unknown command", func(t *testing.T) {
		f, _, _ := testFactory(t, nil)
		if code := run(t, context.Background(), f, "nope"); code != exitUsage {
			t.Fatalf("exit %d, want 2", code)
		}
	})
}

// lockedBuffer is a buffer one goroutine writes while another reads.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// The wizard's outcome decides the report: a recovered create is a
// success (it used to say "interrupted; nothing was created", exit 130).
func TestWizardOutcomeReport(t *testing.T) {
	recovered := flow.Recovered{
		Pending: keystore.Pending{Name: "drive"},
		Found:   true,
		Saved:   keystore.Saved{Entry: keystore.Entry{Name: "drive", ID: "4711", Storage: keystore.InKeychain}},
	}
	created := &flow.Created{
		Instance: platform.Instance{ID: "7", Name: "d2"},
		Saved:    keystore.Saved{Entry: keystore.Entry{Name: "d2", ID: "7", Connector: "onedrivebusiness", Storage: keystore.InKeychain}},
	}
	lost := errors.New("the platform's answer to the create was lost")
	for name, tc := range map[string]struct {
		out      wizard.Outcome
		code     int
		stdout   string
		stderrIn string
	}{
		"recovered": {wizard.Outcome{Kind: wizard.Recovered, Recovered: []flow.Recovered{recovered}}, exitOK, `recovered "drive" (id 4711)`, ""},
		"created":   {wizard.Outcome{Kind: wizard.Created, Created: created}, exitOK, "connectwiz token d2", ""},
		"aborted":   {wizard.Outcome{Kind: wizard.Aborted}, exitInterrupted, "", "interrupted; nothing was created"},
		"failed":    {wizard.Outcome{Kind: wizard.Aborted, Err: lost}, exitError, "", "answer to the create was lost"},
	} {
		t.Run(name, func(t *testing.T) {
			f, out, errOut := testFactory(t, nil)
			o := &CreateOptions{IO: f.IO, Ctx: context.Background()}
			err := reportOutcome(f, o, tc.out)
			if code := exitCode(context.Background(), f, err); code != tc.code {
				t.Fatalf("exit %d, want %d (stderr %s)", code, tc.code, errOut)
			}
			if !strings.Contains(out.String(), tc.stdout) || !strings.Contains(errOut.String(), tc.stderrIn) {
				t.Fatalf("stdout %q stderr %q", out, errOut)
			}
		})
	}
}

func TestReadCode(t *testing.T) {
	for name, tc := range map[string]struct {
		flag, stdin, want string
		usage             bool
	}{
		"flag":              {"abc123", "", "abc123", false},
		"stdin":             {"-", " abc123\n", "abc123", false},
		"redirect on stdin": {"-", "http://127.0.0.1:8750/callback?code=xyz&state=s\n", "xyz", false},
		"empty stdin":       {"-", " \n", "", true},
		"denied redirect":   {"-", "http://127.0.0.1/callback?error=access_denied&state=s", "", true},
	} {
		t.Run(name, func(t *testing.T) {
			got, err := readCode(tc.flag, strings.NewReader(tc.stdin))
			var ue usageError
			if tc.usage != errors.As(err, &ue) || got.Reveal() != tc.want {
				t.Fatalf("got %q, %v", got.Reveal(), err)
			}
		})
	}
}

// consentBrowser plays the user approving at the sandbox, as a browser
// that follows the link it is given.
type consentBrowser struct{}

// Open approves before it returns, so that the callback is there when the
// wait starts: the answers typed ahead on stdin are the prompts', not
// pastes for the wait.
func (consentBrowser) Open(url string) error {
	_ = sandbox.Consent(context.Background(), url, true)
	return nil
}

// Two headless creates without --name never share a name; a taken --name
// is a usage error; --replace removes the old token only after the new
// one is stored, and names the old instance left on the platform.
func TestDefaultNamesAndReplace(t *testing.T) {
	sb, env := sandboxEnv(t, sandbox.Options{})
	f, _, errOut := testFactory(t, env)
	f.Browser = consentBrowser{}
	create := func(args ...string) int {
		f.IO.Out.(*lockedBuffer).buf.Reset()
		return run(t, context.Background(), f, append([]string{"create", "--no-input", "--insecure-storage"}, args...)...)
	}
	for i := 0; i < 2; i++ {
		if code := create(); code != exitOK {
			t.Fatalf("create %d: exit %d: %s", i, code, errOut)
		}
	}
	entries, _ := f.store.Entries()
	if len(entries) != 2 || entries[0].Name == entries[1].Name || entries[1].Name != entries[0].Name+"-2" {
		t.Fatalf("default names: %+v", entries)
	}
	taken := entries[0].Name
	if code := create("--name", taken); code != exitUsage || !strings.Contains(errOut.String(), "--replace") {
		t.Fatalf("a taken --name: exit %d: %s", code, errOut)
	}
	if code := create("--name", taken, "--replace"); code != exitOK {
		t.Fatalf("--replace: exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut.String(), "instance "+entries[0].ID+", which still exists") {
		t.Fatalf("the replace message does not name the old instance:\n%s", errOut)
	}
	tok, e, err := f.store.Token(taken, "")
	if err != nil || e.ID == entries[0].ID {
		t.Fatalf("after --replace: %+v %v", e, err)
	}
	for _, in := range sb.Instances() {
		if fmt.Sprint(in.ID) == e.ID && in.Token != tok {
			t.Fatal("the stored token is not the new instance's")
		}
	}
	if len(sb.Instances()) != 3 {
		t.Fatalf("the sandbox holds %d instances, want 3", len(sb.Instances()))
	}
}

// Sandbox runs stay in the sandbox: never the real index or keychain,
// --remember included; the sandbox's store is read with --sandbox.
func TestSandboxRunsStayInTheSandbox(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	f.Browser = consentBrowser{}
	if code := run(t, context.Background(), f, "create", "--sandbox", "--no-input", "--remember", "--name", "sb", "--callback-url", "http://127.0.0.1:0/callback"); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(out.String(), "connectwiz token --sandbox sb") {
		t.Fatalf("the hint does not reach the sandbox's store:\n%s", out)
	}
	if entries, _ := f.store.Entries(); len(entries) != 0 {
		t.Fatalf("the real index got sandbox entries: %+v", entries)
	}
	if _, err := f.store.Remembered("http://127.0.0.1:1/your_moms/api-v2"); err == nil {
		t.Fatal("remembered secrets")
	}
	out.buf.Reset()
	if code := run(t, context.Background(), f, "token", "--sandbox", "sb"); code != exitOK || len(strings.TrimSpace(out.String())) < 10 {
		t.Fatalf("token --sandbox: exit %d %q %s", code, out, errOut)
	}
	if code := run(t, context.Background(), f, "token", "sb"); code != exitError {
		t.Fatalf("the real store knows the sandbox's instance (exit %d)", code)
	}
}

func TestListFormats(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	if code := run(t, context.Background(), f, "list", "--json"); code != exitOK || strings.TrimSpace(out.String()) != "[]" {
		t.Fatalf("empty list --json: %d %q", code, out)
	}
	base := "https://p.example/api"
	for _, e := range []keystore.Entry{
		{Name: "drive", ID: "1", Connector: "onedrivebusiness", BaseURL: base},
		{Name: "ドライブ🚀", ID: "2", Connector: "onedrivebusiness", BaseURL: base},
		{Name: strings.Repeat("very-long-name-", 8), ID: strings.Repeat("7", 40), Connector: "onedrivebusiness", BaseURL: base},
	} {
		if _, err := f.store.Save(e, "tok-"+e.ID, true); err != nil {
			t.Fatal(err)
		}
	}
	out.buf.Reset()
	if code := run(t, context.Background(), f, "list"); code != exitOK {
		t.Fatalf("list: %d %s", code, errOut)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 3 || strings.Contains(out.String(), "NAME") || strings.Count(lines[0], "\t") != 5 {
		t.Fatalf("piped list is not TSV without a header:\n%s", out)
	}
	f.IO.SetTTY(true, true)
	out.buf.Reset()
	if code := run(t, context.Background(), f, "list"); code != exitOK {
		t.Fatalf("list: %d %s", code, errOut)
	}
	lines = strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[0], "NAME") {
		t.Fatalf("table:\n%s", out)
	}
	col := -1
	for _, l := range lines {
		if w := ansi.StringWidth(l); w > 80 {
			t.Errorf("line %q is %d columns wide", l, w)
		}
		// The ID column starts at the same display column on every line.
		name := strings.Fields(l)[0]
		at := ansi.StringWidth(l[:strings.Index(l, name)+len(name)])
		rest := l[strings.Index(l, name)+len(name):]
		start := at + len(rest) - len(strings.TrimLeft(rest, " "))
		if col >= 0 && start != col {
			t.Errorf("misaligned ID column at %d, want %d:\n%s", start, col, out)
		}
		col = start
	}
	// A wide terminal shows whole names and platforms, which 80 columns cut.
	f.IO.SetWidth(300)
	out.buf.Reset()
	if code := run(t, context.Background(), f, "list"); code != exitOK {
		t.Fatalf("list: %d %s", code, errOut)
	}
	if !strings.Contains(out.String(), strings.Repeat("very-long-name-", 8)) || !strings.Contains(out.String(), "p.example ") || strings.Contains(out.String(), "…") {
		t.Fatalf("list at 300 columns still cuts:\n%s", out)
	}
}

func TestForgetRemoteNeedsConfirmation(t *testing.T) {
	f, _, errOut := testFactory(t, map[string]string{platform.EnvUserSecret: "u", platform.EnvOrgSecret: "o"})
	if _, err := f.store.Save(keystore.Entry{Name: "d", ID: "1", BaseURL: "http://127.0.0.1:1/api"}, "tok", true); err != nil {
		t.Fatal(err)
	}
	if code := run(t, context.Background(), f, "forget", "d", "--remote"); code != exitUsage || !strings.Contains(errOut.String(), "--yes") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if _, _, err := f.store.Token("d", ""); err != nil {
		t.Fatalf("the entry was removed without confirmation: %v", err)
	}
}

// A run that falls back to headless because a stream is not a terminal
// says so in one line.
func TestHeadlessFallbackSaysWhy(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	f.IO.SetTTY(false, true)
	_ = run(t, context.Background(), f, "create")
	if first, _, _ := strings.Cut(errOut.String(), "\n"); !strings.Contains(first, "Not a terminal (stdin): running headless") {
		t.Fatalf("stderr: %s", errOut)
	}
	f, _, errOut = testFactory(t, nil)
	_ = run(t, context.Background(), f, "create", "--no-input")
	if strings.Contains(errOut.String(), "Not a terminal") {
		t.Fatalf("--no-input is not a fallback: %s", errOut)
	}
}

// Library errors say what happened; the command line adds what to do,
// naming its own flags and commands.
func TestAdviceNamesTheCommandLine(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	if code := run(t, context.Background(), f, "token", "nope"); code != exitError || !strings.Contains(errOut.String(), "no such instance") || !strings.Contains(errOut.String(), "see 'connectwiz list'") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, _, errOut = testFactory(t, nil)
	if code := run(t, context.Background(), f, "sandbox", "--addr", "0.0.0.0:0"); code != exitError || !strings.Contains(errOut.String(), "--allow-remote") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	taken, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = taken.Close() }()
	f, _, errOut = testFactory(t, nil)
	if code := run(t, context.Background(), f, "sandbox", "--addr", taken.Addr().String()); code != exitError || !strings.Contains(errOut.String(), "another sandbox (or program) serves on "+taken.Addr().String()) || !strings.Contains(errOut.String(), "--addr 127.0.0.1:0") {
		t.Fatalf("a taken port, exit %d: %s", code, errOut)
	}
	untrusted := fmt.Errorf("could not list: %w", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}})
	if a := advice(untrusted); platform.CertEnvRead() && !strings.Contains(a, "connectwiz doctor") {
		t.Fatalf("a certificate error's advice: %q", a)
	}
}

// Configuration entries connectwiz sets itself cannot be given twice.
func TestConfigReservedKeys(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	if code := run(t, context.Background(), f, "create", "--no-input", "--config", "oauth.api.secret=zzz"); code != exitUsage || !strings.Contains(errOut.String(), "client secret") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	f, _, errOut = testFactory(t, nil)
	if code := run(t, context.Background(), f, "create", "--no-input", "--callback-url", "http://127.0.0.1:99999/callback"); code != exitUsage || !strings.Contains(errOut.String(), "not a port") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// The last run's answers prefill the interactive runs only: a script gets
// what its flags and environment say.
func TestSavedAnswersNotUsedHeadless(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	if err := f.store.SaveAnswers(keystore.Answers{ClientID: "saved-client-id", CallbackURL: "https://example.com/cb"}); err != nil {
		t.Fatal(err)
	}
	if code := run(t, context.Background(), f, "create", "--no-input"); code != exitUsage || !strings.Contains(errOut.String(), "the OAuth client id") {
		t.Fatalf("the saved client id was used headless: exit %d: %s", code, errOut)
	}
}

// Accessible prompts that the input ends before are missing input: exit 2.
func TestAccessibleInputEndedIsUsage(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	f.IO.SetTTY(true, true)
	if code := run(t, context.Background(), f, "create", "--accessible"); code != exitUsage || !strings.Contains(errOut.String(), "input ended") {
		t.Fatalf("exit %d: %s", code, errOut)
	}
}

// TERM=dumb (Emacs' shell) gets the line prompts, never the full-screen
// wizard's cursor movement.
func TestDumbTerminalGetsLinePrompts(t *testing.T) {
	f, _, errOut := testFactory(t, map[string]string{"TERM": "dumb"})
	f.IO.SetTTY(true, true)
	if code := run(t, context.Background(), f, "create"); code != exitUsage || !strings.Contains(errOut.String(), "input ended") || strings.Contains(errOut.String(), "\x1b[") {
		t.Fatalf("exit %d: %q", code, errOut)
	}
	for term, want := range map[string]bool{"dumb": true, "xterm-256color": false, "": false, "no-such-terminal": false} {
		if got := iostreams.NoCursorAddressing(term); got != want {
			t.Errorf("iostreams.NoCursorAddressing(%q) = %v, want %v", term, got, want)
		}
	}
}

// A lost answer's recovery that finds no instance is no success.
func TestWizardRecoveredNothingFound(t *testing.T) {
	f, _, errOut := testFactory(t, nil)
	o := &CreateOptions{IO: f.IO, Ctx: context.Background()}
	nothing := flow.Recovered{Pending: keystore.Pending{Name: "drive", BaseURL: "https://p.example/api"}}
	err := reportOutcome(f, o, wizard.Outcome{Kind: wizard.Recovered, Recovered: []flow.Recovered{nothing}})
	if code := exitCode(context.Background(), f, err); code != exitError {
		t.Fatalf("exit %d (stderr %s)", code, errOut)
	}
}
