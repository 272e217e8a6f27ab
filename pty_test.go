package main

import (
	"bytes"
	"context"
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
)

// terminal runs the binary in a real pseudo-terminal and answers the
// queries a real terminal answers (background colour, cursor position).
type terminal struct {
	t    *testing.T
	cmd  *exec.Cmd
	ptmx *os.File
	tty  *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	seen int // how much of the stripped output expect has consumed
	done chan struct{}
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
	cmd := exec.Command(binary, args...)
	cmd.Env = append(env, "TERM=xterm-256color")
	cmd.Stdin, cmd.Stdout, cmd.Stderr = tty, tty, tty
	cmd.SysProcAttr = &unix.SysProcAttr{Setsid: true, Setctty: true}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	term := &terminal{t: t, cmd: cmd, ptmx: ptmx, tty: tty, done: make(chan struct{})}
	go term.read()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = ptmx.Close()
		_ = tty.Close()
	})
	return term
}

func (term *terminal) read() {
	defer close(term.done)
	buf := make([]byte, 32<<10)
	for {
		n, err := term.ptmx.Read(buf)
		if n > 0 {
			chunk := buf[:n]
			if bytes.Contains(chunk, []byte("\x1b]11;?")) {
				_, _ = term.ptmx.WriteString("\x1b]11;rgb:0000/0000/0000\x1b\\")
			}
			if bytes.Contains(chunk, []byte("\x1b[6n")) {
				_, _ = term.ptmx.WriteString("\x1b[1;1R")
			}
			term.mu.Lock()
			term.out.Write(chunk)
			term.mu.Unlock()
		}
		if err != nil {
			return
		}
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

// wait waits for the process to exit and returns its exit code.
func (term *terminal) wait() int {
	term.t.Helper()
	errc := make(chan error, 1)
	go func() { errc <- term.cmd.Wait() }()
	select {
	case err := <-errc:
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode()
		}
		if err != nil {
			term.t.Fatal(err)
		}
		return 0
	case <-time.After(15 * time.Second):
		term.t.Fatal("the wizard did not exit")
		return -1
	}
}

// termios reads the terminal's current modes.
func (term *terminal) termios() *unix.Termios {
	term.t.Helper()
	tio, err := unix.IoctlGetTermios(int(term.tty.Fd()), unix.TCGETS)
	if err != nil {
		term.t.Fatal(err)
	}
	return tio
}

func TestWizardInRealTerminal(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback")
	term := startTerminal(t, env, "--name", "pty-drive")
	before := term.termios()
	term.expect("Ready with these credentials")
	term.expect("User secret")
	term.send("\r")
	term.expect("Open this URL")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	term.send("\x1b") // back, then forward again, to exercise navigation
	term.expect("Platform URL")
	term.send("\x1b")
	term.expect("Ready with these credentials")
	term.send("\r")
	term.expect("Open this URL")
	term.send("p")
	term.expect("Redirect URL or code")
	term.send("\x1b")
	term.expect("Open this URL")
	term.mu.Lock()
	screen := ansi.Strip(term.out.String())
	term.mu.Unlock()
	authURL := lastAuthorizeURL(screen)
	if authURL == "" {
		t.Fatalf("no authorize URL on screen:\n%s", lastLines(screen, 30))
	}
	// Play the browser: follow the consent page of the URL on screen.
	if err := sandbox.Consent(ctx, authURL, true); err != nil {
		t.Fatalf("consent: %v", err)
	}
	term.expect("Instance name")
	term.send("\r") // name (prefilled by --name)
	term.expect("┃ Tags")
	term.send("pty, e2e\r")
	term.expect("┃ Extra configuration")
	term.send("\r")
	term.expect("request about to be sent")
	term.send("\r")
	term.expect("Instance created")
	term.send("\r")
	if code := term.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	after := term.termios()
	if before.Lflag&(unix.ECHO|unix.ICANON) != after.Lflag&(unix.ECHO|unix.ICANON) {
		t.Errorf("terminal modes not restored: lflag %#x → %#x", before.Lflag, after.Lflag)
	}
	list, err := sb.client().Instances(ctx)
	if err != nil || len(list) != 1 || list[0].Name != "pty-drive" || strings.Join(list[0].Tags, ",") != "pty,e2e" {
		t.Fatalf("sandbox holds %+v (%v)", list, err)
	}
	tok := runCW(t, env, "token", "pty-drive")
	if strings.TrimSpace(tok.stdout) != list[0].Token.Reveal() {
		t.Fatalf("token after the wizard: %d %s", tok.code, tok.stderr)
	}
	term.mu.Lock()
	all := term.out.String()
	term.mu.Unlock()
	for _, secret := range []string{sandbox.DefaultUserSecret, sandbox.DefaultOrgSecret, sandbox.DefaultClientSecret, list[0].Token.Reveal()} {
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
	sb := startSandboxProc(t)
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
			term := startTerminal(t, cwEnv(sb, t.TempDir(), "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback"), "--sandbox")
			before := term.termios()
			for i, s := range script {
				if i%2 == 0 {
					term.expect(s)
				} else {
					term.send(s)
				}
			}
			term.send("\x03")
			if code := term.wait(); code != 130 {
				t.Fatalf("ctrl+c exited %d, want 130", code)
			}
			after := term.termios()
			if before.Lflag&(unix.ECHO|unix.ICANON) != after.Lflag&(unix.ECHO|unix.ICANON) {
				t.Errorf("terminal modes not restored: lflag %#x → %#x", before.Lflag, after.Lflag)
			}
			term.expect("interrupted")
		})
	}
}

func TestAccessibleModeInRealTerminal(t *testing.T) {
	sb := startSandboxProc(t)
	cfg := t.TempDir()
	env := cwEnv(sb, cfg, "ACCESSIBLE=1", "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback", browserEnv(""))
	term := startTerminal(t, env)
	for _, prompt := range []string{"Platform URL [", "Connector [", "OAuth client ID [", "Callback URL [", "Remember the secrets", "Instance name ["} {
		term.expect(prompt)
		if prompt == "Remember the secrets" {
			term.send("n\r")
			continue
		}
		term.send("\r")
	}
	term.expect("Tags")
	term.send("a11y\r")
	term.expect("Instance created")
	if code := term.wait(); code != 0 {
		t.Fatalf("exit %d", code)
	}
	list, _ := sb.client().Instances(context.Background())
	if len(list) != 1 || strings.Join(list[0].Tags, ",") != "a11y" {
		t.Fatalf("sandbox holds %+v", list)
	}
}
