package flow_test

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/browser"
)

func TestCheckBrowserURL(t *testing.T) {
	tests := []struct {
		name, url string
		says      string // "" means accepted
	}{
		{"https", "https://login.example.com/authorize?client_id=x&state=abc", ""},
		{"http loopback", "http://127.0.0.1:8750/start/0123", ""},
		{"IDN host", "https://bücher.example/a", ""},
		{"encoded path", "https://a.example/x%20y?q=%E2%80%AE", ""},
		{"empty", "", "empty"},
		{"javascript", "javascript:alert(1)", "scheme"},
		{"file", "file:///etc/passwd", "scheme"},
		{"no host", "https:///path", "no host"},
		{"space", "https://a.example/x y", "white space"},
		{"newline", "https://a.example/x\ny", "white space"},
		{"NUL", "https://a.example/\x00", "control"},
		{"ESC", "https://a.example/\x1b[2J", "control"},
		{"DEL", "https://a.example/\x7f", "control"},
		{"C1 NEL", "https://a.example/\u0085", "control"},
		{"C1 CSI", "https://a.example/\u009b", "control"},
		{"invalid UTF-8", "https://a.example/\xff", "UTF-8"},
		{"RLO", "https://a.example/\u202egpj.exe", "format character"},
		{"LRE", "https://\u202aa.example/", "format character"},
		{"PDF", "https://a.example/\u202c", "format character"},
		{"LRI", "https://a.example/\u2066x\u2069", "format character"},
		{"FSI", "https://a.example/\u2068", "format character"},
		{"ZWSP", "https://pay\u200bpal.example/", "format character"},
		{"ZWJ", "https://a.example/\u200d", "format character"},
		{"BOM", "\ufeffhttps://a.example/", "format character"},
		{"NBSP", "https://a.example/\u00a0", "white space"},
		{"encoded RLO in host", "https://a%E2%80%AE.example/", "host"},
		{"encoded ZWSP in host", "https://pay%E2%80%8Bpal.example/", "host"},
		{"encoded ESC in host", "https://a%1b.example/", "not a URL"},
		{"encoded C1 in host", "https://a%C2%9B.example/", "host"},
		{"encoded invalid UTF-8 in host", "https://a%ff.example/", "host"},
		{"user info", "https://login.example.com@evil.example/", "user name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := browser.CheckBrowserURL(tt.url)
			if tt.says == "" {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("accepted %q", tt.url)
			}
			if !strings.Contains(err.Error(), tt.says) {
				t.Errorf("reason %q does not say %q", err, tt.says)
			}
			for _, r := range err.Error() {
				if r < 0x20 || r >= 0x7f && r <= 0x9f || r >= 0x200b && r <= 0x200f || r >= 0x202a && r <= 0x202e || r >= 0x2066 && r <= 0x2069 {
					t.Errorf("the reason carries %U", r)
				}
			}
		})
	}
}

// fakeBrowser writes a shell script named name into dir that records its
// name, argv and environment into dir/record, atomically.
func fakeBrowser(t *testing.T, dir, name string) string {
	t.Helper()
	if runtime.GOOS == "windows" {
		t.Skip("the fake browser is a shell script")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(dir, name)
	script := `#!/bin/sh
rec="$(dirname "$0")/record"
{
  printf 'NAME:%s\n' "$(basename "$0")"
  for a in "$@"; do printf 'ARG:%s\n' "$a"; done
  env
} > "$rec.tmp"
mv "$rec.tmp" "$rec"
`
	if err := os.WriteFile(p, []byte(script), 0o755); err != nil { //nolint:gosec // an executable script on purpose
		t.Fatal(err)
	}
	return p
}

// record waits (bounded) for the fake browser's record in dir.
func record(t *testing.T, dir string) (name string, args []string, env string) {
	t.Helper()
	p := filepath.Join(dir, "record")
	deadline := time.Now().Add(10 * time.Second)
	for {
		b, err := os.ReadFile(p)
		if err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				switch {
				case strings.HasPrefix(line, "NAME:"):
					name = strings.TrimPrefix(line, "NAME:")
				case strings.HasPrefix(line, "ARG:"):
					args = append(args, followForward(t, strings.TrimPrefix(line, "ARG:")))
				}
			}
			return name, args, string(b)
		}
		if time.Now().After(deadline) {
			t.Fatal("the fake browser never ran")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

var forwardArgRe = regexp.MustCompile(`file://\S+\.html`)

// followForward replaces a private forwarding file's URL in a browser's
// argument by the URL the file leads to, as the browser would follow it,
// after checking that the argument itself carries no http URL.
func followForward(t *testing.T, arg string) string {
	t.Helper()
	return forwardArgRe.ReplaceAllStringFunc(arg, func(f string) string {
		if strings.Contains(f, "http") {
			t.Errorf("the forwarding file's URL %q carries a URL", f)
		}
		target, err := browser.ForwardTarget(f)
		if err != nil {
			t.Errorf("argument %q: %v", arg, err)
		}
		return target
	})
}

func noRecord(t *testing.T, dir string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(dir, "record")); err == nil {
		t.Fatal("a browser was started")
	}
}

const openURL = "http://127.0.0.1:8750/start/00112233445566778899aabbccddeeff"

func TestOpenBROWSERParsing(t *testing.T) {
	base := t.TempDir()
	tests := []struct {
		name string
		env  func(bin string) string
		want []string
	}{
		{"URL appended", func(bin string) string { return `'` + bin + `' --new-window` }, []string{"--new-window", openURL}},
		{"%s placed", func(bin string) string { return `"` + bin + `" --url=%s --x` }, []string{"--url=" + openURL, "--x"}},
		{"%% literal", func(bin string) string { return `"` + bin + `" --zoom=100%% %s` }, []string{"--zoom=100%", openURL}},
		{"quoted argument with spaces and a colon", func(bin string) string { return `"` + bin + `" "a b:c" %s` }, []string{"a b:c", openURL}},
		{"escaped space", func(bin string) string { return strings.ReplaceAll(bin, " ", `\ `) + ` -x` }, []string{"-x", openURL}},
		{"list: first missing", func(bin string) string { return "/nonexistent/browser --flag:" + `"` + bin + `" %s` }, []string{openURL}},
		{"list: first is shell syntax", func(bin string) string { return "rm -rf x; evil:" + `"` + bin + `"` }, []string{openURL}},
		{"list: empty entries", func(bin string) string { return "::" + `"` + bin + `":` }, []string{openURL}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(base, "case "+string(rune('a'+i)), "my browser")
			bin := fakeBrowser(t, dir, "fake browser")
			if err := (browser.Browser{Env: tt.env(bin)}).Open(openURL); err != nil {
				t.Fatal(err)
			}
			_, args, _ := record(t, dir)
			if strings.Join(args, "\x00") != strings.Join(tt.want, "\x00") {
				t.Fatalf("argv %q, want %q", args, tt.want)
			}
		})
	}
}

func TestOpenBROWSERNothingStarts(t *testing.T) {
	err := (browser.Browser{Env: "/nonexistent/a:/nonexistent/b %s"}).Open(openURL)
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/a") || !strings.Contains(err.Error(), "/nonexistent/b") || !strings.Contains(err.Error(), "$BROWSER") {
		t.Fatalf("%v", err)
	}
	if err := (browser.Browser{Env: "firefox %s && curl evil"}).Open(openURL); err == nil || !strings.Contains(err.Error(), "shell syntax") {
		t.Fatalf("%v", err)
	}
}

func TestOpenChecksURLFirst(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "b")
	bin := fakeBrowser(t, dir, "fake")
	for _, bad := range []string{"file:///etc/passwd", "https://a.example/\u202e", "https://a.example/\x1b]52;c;x\x07"} {
		if err := (browser.Browser{Env: bin}).Open(bad); err == nil || !strings.Contains(err.Error(), "not opening") {
			t.Fatalf("%q: %v", bad, err)
		}
	}
	noRecord(t, dir)
}

func TestOpenBrowserGetsNoSecrets(t *testing.T) {
	secrets := map[string]string{
		"CONNECTWIZ_USER_SECRET":   "user-s3cret-value",
		"CONNECTWIZ_ORG_SECRET":    "org-s3cret-value",
		"CONNECTWIZ_CLIENT_SECRET": "client-s3cret-value",
		"CONNECTWIZ_CODE":          "c0de-value",
		"connectwiz_other_secret":  "lower-s3cret-value",
	}
	for k, v := range secrets {
		t.Setenv(k, v)
	}
	t.Setenv("CONNECTWIZ_BASE_URL", "http://kept.example")
	t.Setenv("CONNECTWIZ_TEST_ARG", "arg-value")
	dir := filepath.Join(t.TempDir(), "b")
	bin := fakeBrowser(t, dir, "fake")
	// $VAR in $BROWSER is expanded, but never to a secret.
	env := `"` + bin + `" --a=$CONNECTWIZ_TEST_ARG --b=$CONNECTWIZ_USER_SECRET %s`
	if err := (browser.Browser{Env: env}).Open(openURL); err != nil {
		t.Fatal(err)
	}
	_, args, all := record(t, dir)
	for k, v := range secrets {
		if strings.Contains(all, v) || strings.Contains(all, k+"=") {
			t.Errorf("the browser saw %s", k)
		}
	}
	if !strings.Contains(all, "CONNECTWIZ_BASE_URL=http://kept.example") {
		t.Error("a non-secret variable was dropped")
	}
	if want := []string{"--a=arg-value", "--b=", openURL}; strings.Join(args, " ") != strings.Join(want, " ") {
		t.Errorf("argv %q, want %q", args, want)
	}
}

func TestBrowserEnv(t *testing.T) {
	in := []string{"PATH=/bin", "CONNECTWIZ_USER_SECRET=a", "CONNECTWIZ_ORG_SECRET=b", "CONNECTWIZ_CLIENT_SECRET=c", "CONNECTWIZ_CODE=d", "CONNECTWIZ_X_TOKEN=e", "CONNECTWIZ_BASE_URL=f", "CONNECTWIZ_CLIENT_ID=g", "OTHER_SECRET=h"}
	got := strings.Join(browser.Env(in), " ")
	if got != "PATH=/bin CONNECTWIZ_BASE_URL=f CONNECTWIZ_CLIENT_ID=g OTHER_SECRET=h" {
		t.Fatalf("%s", got)
	}
}

// systemBrowser is a Linux system opener with a faked environment and the
// given fake openers in dir.
func systemBrowser(dir string, env map[string]string, osrelease string) browser.Browser {
	return browser.Browser{
		GOOS:   "linux",
		Getenv: func(k string) string { return env[k] },
		LookPath: func(name string) (string, error) {
			p := filepath.Join(dir, name)
			if _, err := os.Stat(p); err != nil {
				return "", exec.ErrNotFound
			}
			return p, nil
		},
		ReadFile: func(string) ([]byte, error) {
			if osrelease == "" {
				return nil, os.ErrNotExist
			}
			return []byte(osrelease), nil
		},
	}
}

func TestOpenNoDisplay(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "bin")
	fakeBrowser(t, dir, "xdg-open")
	start := time.Now()
	err := systemBrowser(dir, nil, "6.8.0-generic").Open(openURL)
	if !errors.Is(err, browser.ErrNoDisplay) || !strings.Contains(err.Error(), "DISPLAY and WAYLAND_DISPLAY are unset") {
		t.Fatalf("%v", err)
	}
	if time.Since(start) > 5*time.Second {
		t.Error("Open did not return at once")
	}
	noRecord(t, dir)
}

func TestOpenWithDisplay(t *testing.T) {
	for _, env := range []map[string]string{{"DISPLAY": ":0"}, {"WAYLAND_DISPLAY": "wayland-0"}} {
		dir := filepath.Join(t.TempDir(), "bin")
		fakeBrowser(t, dir, "xdg-open")
		fakeBrowser(t, dir, "sensible-browser")
		if err := systemBrowser(dir, env, "6.8.0-generic").Open(openURL); err != nil {
			t.Fatal(err)
		}
		if name, args, _ := record(t, dir); name != "xdg-open" || len(args) != 1 || args[0] != openURL {
			t.Fatalf("%v: ran %s %q", env, name, args)
		}
	}
}

func TestOpenWSLPrefersWslview(t *testing.T) {
	cases := []struct {
		name      string
		env       map[string]string
		osrelease string
	}{
		{"osrelease", nil, "5.15.167.4-microsoft-standard-WSL2"},
		{"WSL_DISTRO_NAME", map[string]string{"WSL_DISTRO_NAME": "Ubuntu", "DISPLAY": ":0"}, ""},
	}
	for _, tt := range cases {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "bin")
			fakeBrowser(t, dir, "xdg-open")
			fakeBrowser(t, dir, "wslview")
			// A Windows browser cannot read the private file: Open
			// starts nothing; only the one-time link is opened bare.
			if err := systemBrowser(dir, tt.env, tt.osrelease).Open(openURL); !errors.Is(err, browser.ErrConfined) {
				t.Fatalf("Open under WSL: %v", err)
			}
			noRecord(t, dir)
			if err := systemBrowser(dir, tt.env, tt.osrelease).OpenBare(openURL); err != nil {
				t.Fatal(err)
			}
			if name, _, _ := record(t, dir); name != "wslview" {
				t.Fatalf("ran %s", name)
			}
		})
	}
}

func TestOpenNoOpener(t *testing.T) {
	err := systemBrowser(t.TempDir(), map[string]string{"DISPLAY": ":0"}, "").Open(openURL)
	if err == nil || !strings.Contains(err.Error(), "no browser found") || !strings.Contains(err.Error(), "$BROWSER") {
		t.Fatalf("%v", err)
	}
}
