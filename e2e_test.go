package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/sandbox"
)

// binary is the connectwiz binary built once for the end-to-end tests.
var binary string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "connectwiz-e2e")
	if err != nil {
		panic(err)
	}
	binary = filepath.Join(dir, "connectwiz")
	if out, err := exec.Command("go", "build", "-o", binary, ".").CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building connectwiz: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	_ = os.RemoveAll(dir)
	os.Exit(code)
}

// sandboxProc is a `connectwiz sandbox` process.
type sandboxProc struct {
	BaseURL string
	cmd     *exec.Cmd
}

func startSandboxProc(t *testing.T, args ...string) *sandboxProc {
	t.Helper()
	cmd := exec.Command(binary, append([]string{"sandbox", "--addr", "127.0.0.1:0"}, args...)...)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	})
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		if u, ok := strings.CutPrefix(sc.Text(), "Sandbox platform serving at "); ok {
			go func() { _, _ = bufio.NewReader(out).WriteTo(devNull{}) }()
			return &sandboxProc{BaseURL: u, cmd: cmd}
		}
	}
	t.Fatal("the sandbox did not print its URL")
	return nil
}

type devNull struct{}

func (devNull) Write(p []byte) (int, error) { return len(p), nil }

// client talks to the sandbox process with its default credentials.
func (s *sandboxProc) client() *flow.Client {
	return flow.NewClient(s.BaseURL, sandbox.DefaultUserSecret, sandbox.DefaultOrgSecret, "e2e")
}

// cwEnv is the environment of a connectwiz run against sb.
func cwEnv(sb *sandboxProc, cfg string, extra ...string) []string {
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + os.Getenv("HOME"),
		"CONNECTWIZ_CONFIG_DIR=" + cfg,
		"CONNECTWIZ_BASE_URL=" + sb.BaseURL,
		"CONNECTWIZ_USER_SECRET=" + sandbox.DefaultUserSecret,
		"CONNECTWIZ_ORG_SECRET=" + sandbox.DefaultOrgSecret,
		"CONNECTWIZ_CLIENT_ID=" + sandbox.DefaultClientID,
		"CONNECTWIZ_CLIENT_SECRET=" + sandbox.DefaultClientSecret,
		"CONNECTWIZ_KEYRING_TIMEOUT=3s",
	}
	if v := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); v != "" {
		env = append(env, "DBUS_SESSION_BUS_ADDRESS="+v)
	}
	return append(env, extra...)
}

type result struct {
	code           int
	stdout, stderr string
}

func runCW(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	if err != nil {
		ee, ok := err.(*exec.ExitError)
		if !ok {
			t.Fatalf("running connectwiz %v: %v", args, err)
		}
		r.code = ee.ExitCode()
	}
	return r
}

func browserEnv(args string) string { return "BROWSER=" + binary + " sandbox consent " + args }

func TestEndToEndHeadlessCreate(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, browserEnv(""))
	r := runCW(t, env, "create", "--no-input", "--name", "e2e-drive", "--tag", "ci", "--tag", "e2e,ci", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 0 {
		t.Fatalf("create exited %d\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if !strings.Contains(r.stdout, "Instance created") || !strings.Contains(r.stdout, "connectwiz token e2e-drive") {
		t.Fatalf("summary: %s", r.stdout)
	}
	insts, err := sb.client().Instances(context.Background())
	if err != nil || len(insts) != 1 {
		t.Fatalf("sandbox holds %+v, %v", insts, err)
	}
	want := insts[0].Token.Reveal()
	if strings.Contains(r.stdout+r.stderr, want) {
		t.Fatal("create printed the token")
	}
	if strings.Join(insts[0].Tags, ",") != "ci,e2e" {
		t.Errorf("tags sent: %v", insts[0].Tags)
	}
	tok := runCW(t, env, "token", "e2e-drive")
	if tok.code != 0 || strings.TrimSpace(tok.stdout) != want {
		t.Fatalf("token exited %d, printed %d bytes (want the sandbox's token)\n%s", tok.code, len(tok.stdout), tok.stderr)
	}

	// The same name again is refused before any browser opens.
	r = runCW(t, env, "create", "--no-input", "--name", "e2e-drive", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code == 0 || !strings.Contains(r.stderr, "already exists") || !strings.Contains(r.stderr, "--replace") {
		t.Fatalf("duplicate name: %d %s", r.code, r.stderr)
	}

	// --json prints the instance without its token.
	r = runCW(t, env, "create", "--no-input", "--name", "e2e-json", "--json", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 0 || !strings.Contains(r.stdout, `"name": "e2e-json"`) || strings.Contains(r.stdout, "sandbox-access-") {
		t.Fatalf("--json: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	insts, _ = sb.client().Instances(context.Background())
	for _, in := range insts {
		if strings.Contains(r.stdout, in.Token.Reveal()) {
			t.Fatal("--json printed a token")
		}
	}
}

func TestEndToEndDenied(t *testing.T) {
	sb := startSandboxProc(t)
	env := cwEnv(sb, t.TempDir(), browserEnv("--deny"))
	r := runCW(t, env, "create", "--no-input", "--name", "denied", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 1 || !strings.Contains(r.stderr, "access was denied") || !strings.Contains(r.stderr, "The user denied access") {
		t.Fatalf("deny: %d\n%s", r.code, r.stderr)
	}
	if insts, _ := sb.client().Instances(context.Background()); len(insts) != 0 {
		t.Fatal("an instance was created after a denial")
	}
}

func TestEndToEndMissingInputAndErrors(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	r := runCW(t, []string{"PATH=" + os.Getenv("PATH"), "CONNECTWIZ_CONFIG_DIR=" + cfg}, "create", "--no-input")
	if r.code != 2 {
		t.Fatalf("missing input exited %d", r.code)
	}
	for _, want := range []string{"CONNECTWIZ_USER_SECRET", "CONNECTWIZ_ORG_SECRET", "--client-id", "CONNECTWIZ_CLIENT_SECRET"} {
		if !strings.Contains(r.stderr, want) {
			t.Errorf("missing-input message lacks %s:\n%s", want, r.stderr)
		}
	}
	r = runCW(t, cwEnv(sb, cfg), "token", "nope")
	if r.code != 1 || !strings.Contains(r.stderr, `"nope"`) || !strings.Contains(r.stderr, "connectwiz list") {
		t.Fatalf("unknown token: %d %s", r.code, r.stderr)
	}
	r = runCW(t, cwEnv(sb, cfg, "CONNECTWIZ_USER_SECRET=wrong", browserEnv("")), "create", "--no-input", "--name", "x", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 1 || !strings.Contains(r.stderr, "User or Organization secret") || strings.Contains(r.stderr, "wrong") {
		t.Fatalf("bad secret: %d %s", r.code, r.stderr)
	}
	r = runCW(t, cwEnv(sb, cfg, browserEnv("")), "create", "--no-input", "--timeout", "300ms", "--no-browser", "--name", "x", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 1 || !strings.Contains(r.stderr, "timed out") {
		t.Fatalf("timeout: %d %s", r.code, r.stderr)
	}
}

func TestEndToEndMissingConfig(t *testing.T) {
	sb := startSandboxProc(t, "--require-config", "onedrivebusiness.site.address")
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, browserEnv(""))
	r := runCW(t, env, "create", "--no-input", "--name", "site", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 1 || !strings.Contains(r.stderr, "onedrivebusiness.site.address") || !strings.Contains(r.stderr, "--config") {
		t.Fatalf("missing config: %d %s", r.code, r.stderr)
	}
	r = runCW(t, env, "create", "--no-input", "--name", "site", "--config", "onedrivebusiness.site.address=me.sharepoint.com", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 0 {
		t.Fatalf("with config: %d %s", r.code, r.stderr)
	}
}

func TestEndToEndLostAnswerRecover(t *testing.T) {
	sb := startSandboxProc(t, "--drop-create")
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, browserEnv(""))
	r := runCW(t, env, "create", "--no-input", "--name", "lost", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 1 || !strings.Contains(r.stderr, "answer to the create was lost") || !strings.Contains(r.stderr, "connectwiz recover") {
		t.Fatalf("drop-create: %d\n%s", r.code, r.stderr)
	}
	r = runCW(t, env, "recover")
	if r.code != 0 || !strings.Contains(r.stderr, `recovered "lost"`) {
		t.Fatalf("recover: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	insts, err := sb.client().Instances(context.Background())
	if err != nil || len(insts) != 1 || insts[0].Name != "lost" {
		t.Fatalf("the sandbox should hold exactly one instance named lost: %+v %v", insts, err)
	}
	tok := runCW(t, env, "token", "lost")
	if tok.code != 0 || strings.TrimSpace(tok.stdout) != insts[0].Token.Reveal() {
		t.Fatalf("token after recover: %d %s", tok.code, tok.stderr)
	}
	r = runCW(t, env, "recover")
	if r.code != 0 || !strings.Contains(r.stdout, "Nothing to recover") {
		t.Fatalf("second recover: %d %s %s", r.code, r.stdout, r.stderr)
	}
}

func TestEndToEndKilledDuringCreate(t *testing.T) {
	sb := startSandboxProc(t, "--create-delay", "1s")
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, browserEnv(""))
	cmd := exec.Command(binary, "create", "--no-input", "--name", "killed", "--callback-url", "http://127.0.0.1:0/callback")
	cmd.Env = env
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Kill it once its create is in flight: the pending record is on disk.
	deadline := time.Now().Add(20 * time.Second)
	for {
		files, _ := filepath.Glob(filepath.Join(cfg, "pending", "*.json"))
		if len(files) > 0 {
			break
		}
		if time.Now().After(deadline) {
			_ = cmd.Process.Kill()
			t.Fatal("no pending record appeared")
		}
		time.Sleep(20 * time.Millisecond)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	// The sandbox finishes the create after its delay although nobody listens.
	for i := 0; i < 100; i++ {
		if insts, _ := sb.client().Instances(context.Background()); len(insts) == 1 {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	r := runCW(t, env, "recover")
	if r.code != 0 || !strings.Contains(r.stderr, `recovered "killed"`) {
		t.Fatalf("recover: %d\n%s\n%s", r.code, r.stdout, r.stderr)
	}
	insts, _ := sb.client().Instances(context.Background())
	tok := runCW(t, env, "token", "killed")
	if len(insts) != 1 || strings.TrimSpace(tok.stdout) != insts[0].Token.Reveal() {
		t.Fatalf("after kill -9 and recover: %d instances, token exit %d", len(insts), tok.code)
	}
}

func TestEndToEndRecoverNothingCreated(t *testing.T) {
	sb := startSandboxProc(t, "--fail-create", "1")
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, browserEnv(""))
	r := runCW(t, env, "create", "--no-input", "--name", "failed", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 1 || !strings.Contains(r.stderr, "502") {
		t.Fatalf("fail-create: %d %s", r.code, r.stderr)
	}
	// A definite refusal leaves no pending record: nothing to recover.
	if files, _ := filepath.Glob(filepath.Join(cfg, "pending", "*.json")); len(files) != 0 {
		t.Fatalf("pending records left: %v", files)
	}
}

func TestEndToEndListTokenForget(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, browserEnv(""))
	for _, n := range []string{"keep-me", "drop-me", "remote-me"} {
		if r := runCW(t, env, "create", "--no-input", "--name", n, "--callback-url", "http://127.0.0.1:0/callback"); r.code != 0 {
			t.Fatalf("create %s: %s", n, r.stderr)
		}
	}
	r := runCW(t, env, "list")
	for _, n := range []string{"NAME", "keep-me", "drop-me", "remote-me", "onedrivebusiness"} {
		if !strings.Contains(r.stdout, n) {
			t.Fatalf("list lacks %s:\n%s", n, r.stdout)
		}
	}
	r = runCW(t, env, "list", "--json")
	if r.code != 0 || !strings.Contains(r.stdout, `"name": "keep-me"`) {
		t.Fatalf("list --json: %s", r.stdout)
	}
	r = runCW(t, env, "forget", "drop-me")
	if r.code != 0 || !strings.Contains(r.stdout, `Forgot "drop-me"`) {
		t.Fatalf("forget: %d %s %s", r.code, r.stdout, r.stderr)
	}
	if r := runCW(t, env, "token", "drop-me"); r.code != 1 || !strings.Contains(r.stderr, "no such instance") {
		t.Fatalf("token after forget: %d %s", r.code, r.stderr)
	}
	if insts, _ := sb.client().Instances(context.Background()); len(insts) != 3 {
		t.Fatalf("forget without --remote touched the platform: %d instances", len(insts))
	}
	// --remote with the wrong secret keeps the local entry.
	r = runCW(t, cwEnv(sb, cfg, "CONNECTWIZ_ORG_SECRET=nope"), "forget", "remote-me", "--remote")
	if r.code != 1 || !strings.Contains(r.stderr, "local entry is kept") {
		t.Fatalf("forget --remote refused: %d %s", r.code, r.stderr)
	}
	if r := runCW(t, env, "token", "remote-me"); r.code != 0 {
		t.Fatalf("entry lost after a failed remote delete: %s", r.stderr)
	}
	r = runCW(t, env, "forget", "remote-me", "--remote")
	if r.code != 0 || !strings.Contains(r.stdout, "Deleted instance") {
		t.Fatalf("forget --remote: %d %s %s", r.code, r.stdout, r.stderr)
	}
	insts, _ := sb.client().Instances(context.Background())
	if len(insts) != 2 {
		t.Fatalf("after forget --remote the sandbox holds %d", len(insts))
	}
	if r := runCW(t, env, "forget", "nope"); r.code != 1 || !strings.Contains(r.stderr, "no such instance") {
		t.Fatalf("forget unknown: %d %s", r.code, r.stderr)
	}
	if r := runCW(t, env, "token"); r.code != 2 {
		t.Fatalf("token without a name exited %d", r.code)
	}
}

// TestDebugLogHasNoSecrets runs a full headless sandbox flow with --debug
// and checks the log says what happened without any secret in it, nor in
// stdout or stderr.
func TestDebugLogHasNoSecrets(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	logPath := filepath.Join(t.TempDir(), "debug.log")
	env := cwEnv(sb, cfg, browserEnv(""))
	r := runCW(t, env, "create", "--no-input", "--debug", logPath, "--name", "logged", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 0 {
		t.Fatalf("create: %d %s", r.code, r.stderr)
	}
	// A second run whose secret is refused logs the failure too.
	bad := runCW(t, cwEnv(sb, cfg, "CONNECTWIZ_ORG_SECRET=refused-org-secret"), "create", "--no-input", "--debug", logPath, "--name", "x", "--callback-url", "http://127.0.0.1:0/callback")
	if bad.code != 1 {
		t.Fatalf("refused create exited %d", bad.code)
	}
	data, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatal(err)
	}
	log := string(data)
	for _, want := range []string{"method=GET", "method=POST", "/instances", "status=200", "status=401", "callback listening", "callback accepted", "callback listener closed", "duration="} {
		if !strings.Contains(log, want) {
			t.Errorf("the debug log lacks %q:\n%s", want, log)
		}
	}
	if !strings.Contains(log, "keychain set") && !strings.Contains(log, "token stored in file") {
		t.Errorf("the debug log says nothing of where the token went:\n%s", log)
	}
	insts, _ := sb.client().Instances(context.Background())
	secrets := []string{sandbox.DefaultUserSecret, sandbox.DefaultOrgSecret, sandbox.DefaultClientSecret, "refused-org-secret"}
	for _, in := range insts {
		secrets = append(secrets, in.Token.Reveal())
	}
	// The state and code are random: take them from the log's own shape.
	for _, leak := range secrets {
		for where, text := range map[string]string{"log": log, "stdout": r.stdout + bad.stdout, "stderr": stripAuthorizeURL(r.stderr + bad.stderr)} {
			if strings.Contains(text, leak) {
				t.Errorf("the %s contains a secret (%d bytes)", where, len(leak))
			}
		}
	}
	if strings.Contains(log, "code=") && !strings.Contains(log, "code=REDACTED") {
		t.Errorf("the debug log shows a code:\n%s", log)
	}
	if m := regexp.MustCompile(`state=[A-Za-z0-9_-]{20,}`).FindString(log); m != "" {
		t.Errorf("the debug log shows a state: %s", m)
	}
	if st, err := os.Stat(logPath); err == nil && st.Mode().Perm() != 0o600 {
		t.Errorf("debug log mode %v", st.Mode().Perm())
	}
}

// stripAuthorizeURL drops the authorize URL headless mode prints for the
// user to open: it carries the state by design, and nothing else secret.
func stripAuthorizeURL(s string) string {
	return regexp.MustCompile(`http://\S*/oauth/authorize\S*`).ReplaceAllString(s, "<authorize URL>")
}

// startCW starts connectwiz without waiting, collecting its output.
func startCW(t *testing.T, env []string, args ...string) (*exec.Cmd, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(binary, args...)
	cmd.Env = env
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill(); _ = cmd.Wait() })
	return cmd, out
}

// syncBuffer is a bytes.Buffer safe for a process and a test to share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func waitOutput(t *testing.T, out *syncBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never printed:\n%s", text, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		return 0
	case <-time.After(20 * time.Second):
		t.Fatal("the process did not exit")
		return -1
	}
}

func TestSignalsWhileWaiting(t *testing.T) {
	sb := startSandboxProc(t)
	for _, sig := range []syscall.Signal{syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP} {
		t.Run(sig.String(), func(t *testing.T) {
			cmd, out := startCW(t, cwEnv(sb, t.TempDir()), "create", "--no-input", "--no-browser", "--name", "sig", "--callback-url", "http://127.0.0.1:0/callback")
			waitOutput(t, out, "Waiting for the browser to come back to ")
			addr := regexp.MustCompile(`come back to http://(127\.0\.0\.1:\d+)/callback`).FindStringSubmatch(out.String())[1]
			_ = cmd.Process.Signal(sig)
			if code := exitCode(t, cmd); code != 130 {
				t.Fatalf("exit %d:\n%s", code, out.String())
			}
			if !strings.Contains(out.String(), "interrupted") {
				t.Fatalf("no message:\n%s", out.String())
			}
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				_ = c.Close()
				t.Fatal("the callback listener is still open")
			}
		})
	}
}

func TestSignalWhileCreatingKeepsToken(t *testing.T) {
	sb := startSandboxProc(t, "--create-delay", "1500ms")
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, browserEnv(""))
	cmd, out := startCW(t, env, "create", "--no-input", "--name", "deferred", "--callback-url", "http://127.0.0.1:0/callback")
	deadline := time.Now().Add(15 * time.Second)
	for {
		if files, _ := filepath.Glob(filepath.Join(cfg, "pending", "*.json")); len(files) > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the create never started:\n%s", out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	_ = cmd.Process.Signal(syscall.SIGTERM)
	if code := exitCode(t, cmd); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "token stored first") {
		t.Fatalf("no message:\n%s", out.String())
	}
	insts, _ := sb.client().Instances(context.Background())
	tok := runCW(t, env, "token", "deferred")
	if len(insts) != 1 || strings.TrimSpace(tok.stdout) != insts[0].Token.Reveal() {
		t.Fatalf("token lost: %d instances, token exit %d", len(insts), tok.code)
	}
}

func TestVersionAndCompletions(t *testing.T) {
	bin := filepath.Join(t.TempDir(), "connectwiz")
	build := exec.Command("go", "build", "-ldflags", "-X github.com/connectwiz/connectwiz/cli.version=9.8.7 -X github.com/connectwiz/connectwiz/cli.commit=abc1234 -X github.com/connectwiz/connectwiz/cli.date=2026-11-28T00:00:00Z", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil || strings.TrimSpace(string(out)) != "connectwiz version 9.8.7 (commit abc1234, built 2026-11-28T00:00:00Z)" {
		t.Fatalf("--version: %q %v", out, err)
	}
	for _, sh := range []string{"bash", "zsh", "fish", "powershell"} {
		out, err := exec.Command(binary, "completion", sh).Output()
		if err != nil || !strings.Contains(string(out), "connectwiz") || len(out) < 500 {
			t.Errorf("completion %s: %d bytes, %v", sh, len(out), err)
		}
	}
}

// TestKeychainUnavailableFallsBackAndSays runs a headless create with no
// reachable Secret Service: the token goes to the 0600 file and the user is told.
func TestKeychainUnavailableFallsBackAndSays(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, browserEnv(""), "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(t.TempDir(), "no-bus"))
	r := runCW(t, env, "create", "--no-input", "--name", "no-keychain", "--callback-url", "http://127.0.0.1:0/callback")
	if r.code != 0 || !strings.Contains(r.stderr, "UNENCRYPTED") || !strings.Contains(r.stderr, filepath.Join(cfg, "tokens.json")) {
		t.Fatalf("%d\n%s", r.code, r.stderr)
	}
	st, err := os.Stat(filepath.Join(cfg, "tokens.json"))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", st, err)
	}
	insts, _ := sb.client().Instances(context.Background())
	if tok := runCW(t, env, "token", "no-keychain"); len(insts) != 1 || strings.TrimSpace(tok.stdout) != insts[0].Token.Reveal() {
		t.Fatalf("token from the file: %d %s", tok.code, tok.stderr)
	}
	if l := runCW(t, env, "list"); !strings.Contains(l.stdout, "file") {
		t.Fatalf("list: %s", l.stdout)
	}
}

// TestHeadlessPasteWhenCallbackIsRemote is the SSH case: the callback URL
// is not on this machine, so the redirect the browser ends on is pasted.
func TestHeadlessPasteWhenCallbackIsRemote(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	env := cwEnv(sb, cfg)
	cmd := exec.Command(binary, "create", "--no-input", "--no-browser", "--name", "pasted", "--callback-url", "https://app.example.com/oauth/callback")
	cmd.Env = env
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = cmd.Process.Kill() })
	waitOutput(t, out, "paste the URL the browser was sent to")
	authURL := regexp.MustCompile(`http://\S+/oauth/authorize\S+`).FindString(out.String())
	redirect, err := sandbox.ConsentRedirect(context.Background(), authURL, true)
	if err != nil || !strings.HasPrefix(redirect, "https://app.example.com/oauth/callback?") {
		t.Fatalf("redirect %q: %v", redirect, err)
	}
	_, _ = io.WriteString(stdin, "  "+redirect+"\n")
	if code := exitCode(t, cmd); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	insts, _ := sb.client().Instances(context.Background())
	if len(insts) != 1 || insts[0].Name != "pasted" {
		t.Fatalf("sandbox holds %+v", insts)
	}
	code := regexp.MustCompile(`code=([^&]+)`).FindStringSubmatch(redirect)[1]
	if strings.Contains(out.String(), code) {
		t.Fatal("the code was echoed")
	}
}

func TestHeadlessCodeFromStdin(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	env := cwEnv(sb, cfg)
	// Authorize by hand, as with the two curl calls: the platform's URL, the
	// consent, the code copied from the address bar.
	c := sb.client()
	a, err := c.AuthURL(context.Background(), flow.AuthURLRequest{
		Connector: flow.DefaultConnector, ClientID: sandbox.DefaultClientID,
		ClientSecret: sandbox.DefaultClientSecret, CallbackURL: "http://127.0.0.1:9/cb", State: flow.NewState(),
	})
	if err != nil {
		t.Fatal(err)
	}
	redirect, err := sandbox.ConsentRedirect(context.Background(), a, true)
	if err != nil {
		t.Fatal(err)
	}
	code := regexp.MustCompile(`code=([^&]+)`).FindStringSubmatch(redirect)[1]
	cmd := exec.Command(binary, "create", "--no-input", "--code", "-", "--name", "by-code", "--callback-url", "http://127.0.0.1:9/cb")
	cmd.Env = env
	cmd.Stdin = strings.NewReader(code + "\n")
	out, err := cmd.CombinedOutput()
	if err != nil || !strings.Contains(string(out), "Instance created") {
		t.Fatalf("%v\n%s", err, out)
	}
}
