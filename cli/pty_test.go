//go:build linux || darwin

// The pseudo-terminal tests need a Unix pty and termios: Linux and macOS
// (the request that reads the modes is in pty_termios_*_test.go).

package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
	"golang.org/x/sys/unix"

	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// terminal runs connectwiz in a real pseudo-terminal and answers the
// queries a real terminal answers (background colour, cursor position).
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	tty  *os.File
	// before are the terminal's modes before connectwiz started.
	before *unix.Termios
	mu     sync.Mutex
	out    bytes.Buffer
	seen   int // how much of the stripped output expect has consumed
	asked  int // how much of the output was searched for queries
}

// queries are what a terminal is asked, and its answers. A query is
// answered in the order it was asked: termenv reads the background
// colour's answer first, then the cursor position's.
var queries = []struct{ ask, answer string }{
	{"\x1b]11;?", "\x1b]11;rgb:0000/0000/0000\x1b\\"},
	{"\x1b[6n", "\x1b[1;1R"},
}

func startTerminal(t *testing.T, env []string, args ...string) *terminal {
	t.Helper()
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Fatal(err)
	}
	if err := pty.Setsize(ptmx, &pty.Winsize{Rows: 24, Cols: 80}); err != nil {
		t.Fatal(err)
	}
	// The modes to restore are read before connectwiz starts: read after,
	// they may already be the wizard's raw mode (a loaded machine can run
	// the child up to raw mode before this goroutine runs again).
	before, err := unix.IoctlGetTermios(int(tty.Fd()), getTermios)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(connectwizBinary(t), args...)
	cmd.Env = append(env, "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, cmd: cmd, ptmx: ptmx, tty: tty, before: before}
	done := make(chan struct{})
	go term.read(done)
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			_ = cmd.Process.Kill()
			_ = cmd.Wait()
		}
		_ = ptmx.Close()
		_ = tty.Close()
		<-done
	})
	return term
}

// read collects the output and answers each query once it is complete,
// wherever the reads split it.
func (term *terminal) read(done chan<- struct{}) {
	defer close(done)
	buf := make([]byte, 32<<10)
	for {
		n, err := term.ptmx.Read(buf)
		if n > 0 {
			term.mu.Lock()
			term.out.Write(buf[:n])
			answers := term.queriesAsked()
			term.mu.Unlock()
			for _, a := range answers {
				_, _ = term.ptmx.WriteString(a)
			}
		}
		if err != nil {
			return
		}
	}
}

// queriesAsked returns the answers to the complete queries in the output
// not searched yet, in the order they were asked. term.mu is held.
func (term *terminal) queriesAsked() []string {
	var answers []string
	for {
		rest := term.out.Bytes()[term.asked:]
		next, at := -1, len(rest)
		for i, q := range queries {
			if j := bytes.Index(rest, []byte(q.ask)); j >= 0 && j < at {
				next, at = i, j
			}
		}
		if next < 0 {
			return answers
		}
		answers = append(answers, queries[next].answer)
		term.asked += at + len(queries[next].ask)
	}
}

// expect waits until text shows in the output after what was consumed.
func (term *terminal) expect(text string) {
	term.t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		term.mu.Lock()
		s := ansi.Strip(term.out.String())
		if i := strings.Index(s[min(term.seen, len(s)):], text); i >= 0 {
			term.seen += i + len(text)
			term.mu.Unlock()
			return
		}
		term.mu.Unlock()
		time.Sleep(10 * time.Millisecond)
	}
	term.mu.Lock()
	defer term.mu.Unlock()
	term.t.Fatalf("%q never showed; the screen ended with:\n%s", text, lastLines(ansi.Strip(term.out.String()), 30))
}

func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

func (term *terminal) send(s string) {
	if _, err := term.ptmx.WriteString(s); err != nil {
		term.t.Fatal(err)
	}
}

// wait waits (bounded) for connectwiz to exit and returns its exit code.
func (term *terminal) wait() int {
	term.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- term.cmd.Wait() }()
	select {
	case err := <-errc:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			term.t.Fatal(err)
		}
		return 0
	case <-time.After(15 * time.Second):
		_ = term.cmd.Process.Kill()
		<-errc
		term.t.Fatalf("the wizard did not exit; the screen ended with:\n%s", lastLines(ansi.Strip(term.output()), 30))
		return -1
	}
}

// play runs a script that alternates text to wait for and keys to send.
func (term *terminal) play(script ...string) {
	term.t.Helper()
	for i, s := range script {
		if i%2 == 0 {
			term.expect(s)
		} else {
			term.send(s)
		}
	}
}

// output is everything the terminal received so far.
func (term *terminal) output() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.String()
}

// assertModesRestored checks the terminal's modes are those from before
// connectwiz started: raw mode (and any query's no-echo) undone.
func (term *terminal) assertModesRestored() {
	term.t.Helper()
	after, err := unix.IoctlGetTermios(int(term.tty.Fd()), getTermios)
	if err != nil {
		term.t.Fatal(err)
	}
	b := term.before
	if b.Iflag != after.Iflag || b.Oflag != after.Oflag || b.Cflag != after.Cflag || b.Lflag != after.Lflag {
		term.t.Errorf("terminal modes not restored: iflag %#x → %#x, oflag %#x → %#x, cflag %#x → %#x, lflag %#x → %#x",
			b.Iflag, after.Iflag, b.Oflag, after.Oflag, b.Cflag, after.Cflag, b.Lflag, after.Lflag)
	}
}

// detailsAndCreate is the script from the details screen to the created
// instance, with these tags.
func detailsAndCreate(tags string) []string {
	return []string{"Instance name", "\r", "┃ Tags", tags + "\r", "┃ Extra configuration", "\r", "request about to be sent", "\r", "Instance created", "\r"}
}

func TestWizardInRealTerminal(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	env := binaryEnv(t, sb, t.TempDir(), "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback")
	term := startTerminal(t, env, "--name", "pty-drive")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	term.expect("Ready with these credentials")
	term.play(
		"User secret", "\r", "Open this URL",
		"\x1b", "Platform URL", "\x1b", // back, then forward again, to exercise navigation
		"Ready with these credentials", "\r", "Open this URL",
		"p", "Redirect URL or code", "\x1b", "Open this URL",
	)
	screen := ansi.Strip(term.output())
	authURL := lastAuthorizeURL(screen)
	if authURL == "" {
		t.Fatalf("no authorize URL on screen:\n%s", lastLines(screen, 30))
	}
	// Play the browser: follow the consent page of the URL on screen.
	if err := sandbox.Consent(ctx, authURL, true); err != nil {
		t.Fatalf("consent: %v", err)
	}
	term.play(detailsAndCreate("pty, e2e")...) // the name is prefilled by --name
	if code := term.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	term.assertModesRestored()
	in := instanceNamed(t, sb, "pty-drive")
	if n := len(sb.Instances()); n != 1 || strings.Join(in.Tags, ",") != "pty,e2e" {
		t.Fatalf("the sandbox holds %d instances, tags %v", n, in.Tags)
	}
	if tok := runBinary(t, env, "token", "pty-drive"); tok.code != 0 || tok.stdout != in.Token+"\n" {
		t.Fatalf("token after the wizard: exit %d, %d bytes (want the sandbox's token)\n%s", tok.code, len(tok.stdout), tok.stderr)
	}
	all := term.output()
	o := sb.Options()
	for _, secret := range []string{o.UserSecret, o.OrgSecret, o.ClientSecret, in.Token} {
		if strings.Contains(all, secret) {
			t.Fatalf("the terminal showed a secret (%d bytes)", len(secret))
		}
	}
}

// lastAuthorizeURL rebuilds the last authorize URL the screen showed; the
// wizard wraps it over several lines.
func lastAuthorizeURL(screen string) string {
	i := strings.LastIndex(screen, "/oauth/authorize?")
	if i < 0 {
		return ""
	}
	start := strings.LastIndex(screen[:i], "http://")
	var b strings.Builder
	for _, line := range strings.Split(screen[start:], "\n") {
		line = strings.TrimSpace(strings.TrimRight(line, "\r"))
		if line == "" {
			break
		}
		b.WriteString(line)
	}
	return b.String()
}

func TestWizardCtrlCRestoresTerminal(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	// Each script alternates: text to wait for, keys to send.
	steps := map[string][]string{
		"credentials": {"Ready with these credentials"},
		"form":        {"Ready with these credentials", "e", "Platform URL"},
		"authorize":   {"Ready with these credentials", "\r", "Open this URL"},
		"paste":       {"Ready with these credentials", "\r", "Open this URL", "p", "Redirect URL or code"},
		"details":     {"Ready with these credentials", "\r", "Open this URL", "\r", "Instance name"},
		"review": {
			"Ready with these credentials", "\r", "Open this URL", "\r", "Instance name", "\r", "┃ Tags", "\r",
			"┃ Extra configuration", "\r", "request about to be sent",
		},
	}
	for name, script := range steps {
		t.Run(name, func(t *testing.T) {
			term := startTerminal(t, binaryEnv(t, sb, t.TempDir(), "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback"), "--sandbox")
			term.play(script...)
			term.send("\x03")
			if code := term.wait(); code != 130 {
				t.Fatalf("ctrl+c exited %d, want 130; the screen ended with:\n%s", code, lastLines(ansi.Strip(term.output()), 30))
			}
			term.assertModesRestored()
			term.expect("interrupted")
		})
	}
}

func TestAccessibleModeInRealTerminal(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	env := binaryEnv(t, sb, t.TempDir(), "ACCESSIBLE=1", "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback", browserEnv(t))
	term := startTerminal(t, env)
	term.play(
		"Continue with these?", "\r", "Remember the secrets", "n\r", "Instance name [", "\r", "Tags", "a11y\r",
		"Extra configuration", "\r", "Create it?", "\r", "Instance created",
	)
	if code := term.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	term.assertModesRestored()
	list := sb.Instances()
	if len(list) != 1 || strings.Join(list[0].Tags, ",") != "a11y" {
		t.Fatalf("the sandbox holds %d instances (%+v)", len(list), list)
	}
}

// In the sandbox, a user who answers no to approving its consent here is
// not approved behind their back when no browser opens: the prompts say
// so and wait for the browser or a pasted redirect.
func TestAccessibleSandboxDeclinedApproval(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	env := binaryEnv(t, sb, t.TempDir(), "ACCESSIBLE=1") // no BROWSER, no DISPLAY: no browser opens
	term := startTerminal(t, env, "--sandbox")
	term.play("Continue with these?", "\r", "Approve the sandbox's consent here?", "n\r", "Could not open a browser", "", "or paste the URL the browser was sent to", "\x03")
	if code := term.wait(); code != 130 {
		t.Fatalf("exit %d, want 130 (interrupted)", code)
	}
	term.assertModesRestored()
	if out := term.output(); strings.Contains(out, "approved here") {
		t.Fatalf("approved although the user said no:\n%s", lastLines(out, 20))
	}
}
