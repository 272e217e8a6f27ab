package flow_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// rawArgs is the fake browser's argv as recorded, forwarding files not
// followed: what a neighbour reads in /proc/PID/cmdline.
func rawArgs(t *testing.T, dir string) []string {
	t.Helper()
	record(t, dir)
	b, err := os.ReadFile(filepath.Join(dir, "record"))
	if err != nil {
		t.Fatal(err)
	}
	var args []string
	for _, line := range strings.Split(string(b), "\n") {
		if a, ok := strings.CutPrefix(line, "ARG:"); ok {
			args = append(args, a)
		}
	}
	return args
}

// A neighbour reading the browser's argv finds a path, not the one-time
// link or the state; the browser, reading the private file, reaches the
// link; the whole authorization still goes through.
func TestNeighbourCannotReadOneTimeLinkFromArgv(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	dir := filepath.Join(t.TempDir(), "b")
	bin := fakeBrowser(t, dir, "fake")
	files := &browser.Forwards{Base: t.TempDir()}
	s.Browser = browser.Browser{Env: bin, Files: files}
	ctx := context.Background()
	a, err := s.Authorize(ctx, creds)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	link := a.BrowserURL()
	if err := s.OpenBrowser(link); err != nil {
		t.Fatal(err)
	}
	args := rawArgs(t, dir)
	all := strings.Join(args, " ")
	if len(args) != 1 || strings.Contains(all, "http") || strings.Contains(all, "/start/") || strings.Contains(all, a.State.Reveal()) {
		t.Fatalf("the browser's argv carries the link or the state: %q", args)
	}
	target, err := browser.ForwardTarget(args[0])
	if err != nil || target != link {
		t.Fatalf("the forwarding file leads to %q (%v), want the one-time link", target, err)
	}
	p := strings.TrimPrefix(args[0], "file://")
	if runtime.GOOS != "windows" {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("forwarding file mode %v (%v)", st.Mode(), err)
		}
		if d, err := os.Stat(filepath.Dir(p)); err != nil || d.Mode().Perm() != 0o700 {
			t.Fatalf("forwarding directory mode %v (%v)", d.Mode(), err)
		}
	}
	go func() { _ = sandbox.Consent(ctx, args[0], true) }() // the browser follows the file
	select {
	case res := <-a.Done:
		if res.Err != nil || res.Code == "" {
			t.Fatalf("callback: %+v", res)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("no callback through the forwarding file")
	}
	if err := files.Remove(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("the forwarding file outlived the run: %v", err)
	}
}

// In paste mode the browser is handed the platform's authorize URL, which
// carries the state: it goes through a forwarding file too, and a browser
// that cannot read the file gets nothing (the user opens the URL shown).
func TestNeighbourCannotReadStateFromArgvInPasteMode(t *testing.T) {
	const authURL = "https://provider.example/authorize?client_id=cid&state=s3cr3t-state-value"
	dir := filepath.Join(t.TempDir(), "b")
	bin := fakeBrowser(t, dir, "fake")
	s, _ := newSession(t, false)
	s.Browser = browser.Browser{Env: bin, Files: &browser.Forwards{Base: t.TempDir()}}
	if err := s.OpenBrowser(authURL); err != nil {
		t.Fatal(err)
	}
	if all := strings.Join(rawArgs(t, dir), " "); strings.Contains(all, "state") || strings.Contains(all, "provider.example") {
		t.Fatalf("argv %q", all)
	}

	dir2 := filepath.Join(t.TempDir(), "b")
	bin2 := fakeBrowser(t, dir2, "fake")
	var log bytes.Buffer
	s.Log = slog.New(slog.NewTextHandler(&log, nil))
	s.Browser = browser.Browser{Env: bin2, Files: &browser.Forwards{Base: t.TempDir()}, Confined: func(string) bool { return true }}
	if err := s.OpenBrowser(authURL); !errors.Is(err, browser.ErrConfined) {
		t.Fatalf("a confined browser was handed the authorize URL: %v", err)
	}
	time.Sleep(100 * time.Millisecond)
	noRecord(t, dir2)
	if strings.Contains(log.String(), "s3cr3t") || !strings.Contains(log.String(), "never put in an argv") {
		t.Fatalf("log: %s", log.String())
	}
}

// A browser that cannot read the private file (a snap) gets the bare
// one-time link — never anything else — and --debug says so.
func TestConfinedBrowserGetsOnlyTheBareOneTimeLink(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "b")
	bin := fakeBrowser(t, dir, "fake")
	var log bytes.Buffer
	s, _ := newSession(t, false)
	s.Log = slog.New(slog.NewTextHandler(&log, nil))
	s.Browser = browser.Browser{Env: bin, Files: &browser.Forwards{Base: t.TempDir()}, Confined: func(string) bool { return true }}
	if err := s.OpenBrowser(openURL); err != nil {
		t.Fatal(err)
	}
	if args := rawArgs(t, dir); len(args) != 1 || args[0] != openURL {
		t.Fatalf("argv %q", args)
	}
	if !strings.Contains(log.String(), "bare one-time link") {
		t.Fatalf("--debug does not say the link was opened bare: %s", log.String())
	}
	// Something shaped almost like a link, with a query, is not one.
	for _, u := range []string{openURL + "?state=x", "http://127.0.0.1:8750/start/0011", "http://evil.example:8750/start/00112233445566778899aabbccddeeff"} {
		if err := s.OpenBrowser(u); !errors.Is(err, browser.ErrConfined) {
			t.Errorf("%s: %v", u, err)
		}
	}
}

// A platform-chosen URL with a command substitution never reaches a
// $BROWSER that goes through a shell: the argv gets a path connectwiz made.
func TestPlatformURLNeverRunsThroughShellBrowser(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("sh")
	}
	tmp := t.TempDir()
	marker := filepath.Join(tmp, "pwned")
	evil := "https://evil.example/$(touch${IFS}" + marker + ")"
	if err := browser.CheckBrowserURL(evil); err != nil {
		t.Skipf("the URL check refuses it already: %v", err)
	}
	out := filepath.Join(tmp, "argv")
	b := browser.Browser{Env: `sh -c 'echo %s > ` + out + `'`, Files: &browser.Forwards{Base: t.TempDir()}}
	if err := b.Open(evil); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		if got, err := os.ReadFile(out); err == nil && len(got) > 0 {
			if strings.Contains(string(got), "evil") {
				t.Fatalf("the shell saw the URL: %s", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the browser command never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := os.Stat(marker); err == nil {
		t.Fatal("the platform's URL ran a command")
	}
}

// The forwarding page escapes what it forwards to; reading it back gives
// the URL unchanged.
func TestForwardingPageEscapesTarget(t *testing.T) {
	f := &browser.Forwards{Base: t.TempDir()}
	target := `https://a.example/x?q="><script>alert(1)</script>&r='</script>`
	p, err := f.Write(target)
	if err != nil {
		t.Fatal(err)
	}
	page, _ := os.ReadFile(p)
	if strings.Contains(string(page), "<script>alert") || strings.Count(string(page), "</script>") != 1 {
		t.Fatalf("page not escaped: %s", page)
	}
	if got, err := browser.ForwardTarget(browser.FileURL(p)); err != nil || got != target {
		t.Fatalf("%q, %v", got, err)
	}
	if _, err := f.Write("javascript:alert(1)"); err == nil {
		t.Fatal("forwarded to a non-http URL")
	}
}

// A snap browser — a $BROWSER wrapper that runs one from /snap/bin, or a
// desktop whose default HTML handler is a snap — is recognised before
// anything starts: Open says ErrConfined.
func TestSnapBrowserIsRecognised(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("shell scripts")
	}
	dir := t.TempDir()
	wrapper := filepath.Join(dir, "firefox")
	if err := os.WriteFile(wrapper, []byte("#!/bin/sh\nexec /snap/bin/firefox \"$@\"\n"), 0o700); err != nil { //nolint:gosec // an executable script on purpose
		t.Fatal(err)
	}
	if err := (browser.Browser{Env: wrapper, Files: &browser.Forwards{Base: t.TempDir()}}).Open(openURL); !errors.Is(err, browser.ErrConfined) {
		t.Fatalf("wrapper: %v", err)
	}

	bin := filepath.Join(t.TempDir(), "bin")
	fakeBrowser(t, bin, "xdg-open")
	cfg := t.TempDir()
	if err := os.WriteFile(filepath.Join(cfg, "mimeapps.list"), []byte("[Added Associations]\ntext/html=x.desktop\n[Default Applications]\ntext/html=firefox_firefox.desktop;\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	b := systemBrowser(bin, map[string]string{"DISPLAY": ":0", "XDG_CONFIG_HOME": cfg}, "")
	b.ReadFile = func(p string) ([]byte, error) {
		if strings.HasPrefix(p, "/proc/") {
			return nil, os.ErrNotExist
		}
		return os.ReadFile(p) //nolint:gosec // test files
	}
	b.Files = &browser.Forwards{Base: t.TempDir()}
	if err := b.Open(openURL); !errors.Is(err, browser.ErrConfined) {
		t.Fatalf("snap default: %v", err)
	}
	noRecord(t, bin)
	if err := os.WriteFile(filepath.Join(cfg, "mimeapps.list"), []byte("[Default Applications]\ntext/html=firefox.desktop\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := b.Open(openURL); err != nil {
		t.Fatalf("a deb browser: %v", err)
	}
}
