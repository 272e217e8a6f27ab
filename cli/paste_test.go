package cli_test

import (
	"context"
	"io"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// startHeadless starts a headless create of name, with no browser, its
// stdin a pipe and its output in out.
func startHeadless(t *testing.T, env []string, name, callbackURL string) (*exec.Cmd, io.Writer, *syncBuffer) {
	t.Helper()
	cmd := exec.Command(connectwizBinary(t), "create", "--no-input", "--no-browser", "--name", name, "--callback-url", callbackURL)
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
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
	})
	return cmd, stdin, out
}

// TestHeadlessPasteWhenCallbackIsRemote is the SSH case: the callback URL
// is not on this machine, so the redirect the browser ends on is pasted
// into the running create. It stays in Go: the paste answers the URL the
// create prints, on the same run's stdin.
func TestHeadlessPasteWhenCallbackIsRemote(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	env := binaryEnv(t, sb, t.TempDir())
	cmd, stdin, out := startHeadless(t, env, "pasted", "https://app.example.com/oauth/callback")
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
	in := instanceNamed(t, sb, "pasted")
	if n := len(sb.Instances()); n != 1 {
		t.Fatalf("the sandbox holds %d instances", n)
	}
	code := regexp.MustCompile(`code=([^&]+)`).FindStringSubmatch(redirect)[1]
	if strings.Contains(out.String(), code) {
		t.Fatal("the code was echoed")
	}
	if strings.Contains(out.String(), in.Token) {
		t.Fatal("the token was printed")
	}
	if tok := runBinary(t, env, "token", "pasted"); tok.code != 0 || tok.stdout != in.Token+"\n" {
		t.Fatalf("token: exit %d, %d bytes (want the sandbox's token)\n%s", tok.code, len(tok.stdout), tok.stderr)
	}
}

// TestHeadlessPasteWhileWaiting is the SSH case without port forwarding:
// the loopback listener waits for a browser that never comes back to it,
// and the redirect pasted on stdin wins. A paste of another session's
// redirect is said, and the wait goes on.
func TestHeadlessPasteWhileWaiting(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	cmd, stdin, out := startHeadless(t, binaryEnv(t, sb, t.TempDir()), "pasted-early", "http://127.0.0.1:0/callback")
	waitOutput(t, out, "or paste the URL the browser was sent to (or the code) and press Enter")
	if !regexp.MustCompile(`Waiting for the browser to come back to http://127\.0\.0\.1:\d+/callback`).MatchString(out.String()) {
		t.Fatalf("no wait for the listener:\n%s", out)
	}
	authURL := regexp.MustCompile(`http://\S+/oauth/authorize\S+`).FindString(out.String())
	redirect, err := sandbox.ConsentRedirect(context.Background(), authURL, true)
	if err != nil || !strings.HasPrefix(redirect, "http://127.0.0.1:") {
		t.Fatalf("redirect %q: %v", redirect, err)
	}
	forged := regexp.MustCompile(`state=[^&]+`).ReplaceAllString(redirect, "state=forged")
	_, _ = io.WriteString(stdin, forged+"\n")
	waitOutput(t, out, "not the redirect of this authorization")
	_, _ = io.WriteString(stdin, redirect+"\n")
	if code := exitCode(t, cmd); code != 0 {
		t.Fatalf("exit %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "Instance created") {
		t.Fatalf("no report:\n%s", out)
	}
	in := instanceNamed(t, sb, "pasted-early")
	code := regexp.MustCompile(`code=([^&]+)`).FindStringSubmatch(redirect)[1]
	if strings.Contains(out.String(), code) || strings.Contains(out.String(), in.Token) {
		t.Fatal("the code or the token was printed")
	}
}
