package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
	"github.com/mattn/go-shellwords"
)

// CheckBrowserURL refuses anything but an absolute http(s) URL made of
// plain visible characters: a URL that came from the network is never
// handed to the OS opener unchecked. It refuses invalid UTF-8, white space,
// control characters (C0, DEL, C1) and Unicode format characters (category
// Cf: bidi overrides and isolates, zero-width characters), both as written
// and in the percent-decoded host, and a user name or password before the
// host; the reason is in the error.
func CheckBrowserURL(raw string) error {
	if raw == "" {
		return errors.New("it is empty")
	}
	if why := urlCharProblem(raw); why != "" {
		return errors.New(why)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may carry the state
		}
		return fmt.Errorf("it is not a URL (%s)", termsafe.Sanitize(err.Error(), 100))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("its scheme %q is not http or https", termsafe.Sanitize(u.Scheme, 20))
	}
	if u.Host == "" {
		return errors.New("it has no host")
	}
	if u.User != nil {
		return errors.New("it carries a user name or password before the host, which can disguise where it leads")
	}
	// url.Parse decodes the host; decode the authority as written too, in
	// case the two disagree.
	hosts := []string{u.Host}
	if auth, ok := rawAuthority(raw); ok {
		if dec, err := url.PathUnescape(auth); err == nil {
			hosts = append(hosts, dec)
		}
	}
	for _, h := range hosts {
		if why := urlCharProblem(h); why != "" {
			return errors.New("its host, percent-decoded: " + why)
		}
	}
	return nil
}

// rawAuthority returns the authority part of raw as written.
func rawAuthority(raw string) (string, bool) {
	_, rest, ok := strings.Cut(raw, "//")
	if !ok {
		return "", false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}

// urlCharProblem says what is wrong with the characters of s, or "".
func urlCharProblem(s string) string {
	if !utf8.ValidString(s) {
		return "it is not valid UTF-8"
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			return "it contains white space or control characters"
		case unicode.IsControl(r):
			return fmt.Sprintf("it contains the control character %U", r)
		case unicode.Is(unicode.Cf, r):
			return fmt.Sprintf("it contains the invisible format character %U (such as a bidi override or a zero-width character), which can disguise where it leads", r)
		case unicode.IsSpace(r):
			return fmt.Sprintf("it contains the white space character %U", r)
		}
	}
	return ""
}

// Browser opens URLs in the user's browser. The zero value uses the
// system opener; the function fields exist for tests and default to the
// real environment.
type Browser struct {
	// Env is the value of $BROWSER; empty means the system opener. Like
	// xdg-utils' sensible-browser, it is a list of commands separated by
	// ':' (';' on Windows), tried in order until one starts. Each command
	// is split like a shell would (quotes, backslashes, $VAR; no
	// substitutions, pipes or redirections); "%s" in it stands for the URL
	// ("%%" for a literal "%"), and without "%s" the URL is the last
	// argument.
	Env string
	// Getenv reads DISPLAY, WAYLAND_DISPLAY and WSL_DISTRO_NAME, and the
	// variables a $BROWSER command names; nil means os.Getenv.
	Getenv func(string) string
	// Environ is the environment the browser starts from, before the
	// CONNECTWIZ_* secrets are removed; nil means os.Environ.
	Environ func() []string
	// LookPath finds the system opener; nil means exec.LookPath.
	LookPath func(string) (string, error)
	// ReadFile reads /proc/sys/kernel/osrelease (to recognise WSL); nil
	// means os.ReadFile.
	ReadFile func(string) ([]byte, error)
	// GOOS is the operating system to open for; empty means runtime.GOOS.
	GOOS string
}

// ErrNoDisplay is returned by Open when there is no graphical display to
// open a browser on.
var ErrNoDisplay = errors.New("no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset); open the URL on a machine with a browser, or set $BROWSER")

// Open opens an http(s) URL without waiting for the browser to exit. The
// browser's environment holds no CONNECTWIZ_* secret (BrowserEnv).
func (b Browser) Open(raw string) error {
	if err := CheckBrowserURL(raw); err != nil {
		return fmt.Errorf("not opening the authorize URL: %w", err)
	}
	if strings.TrimSpace(b.Env) != "" {
		return b.openEnv(raw)
	}
	cmd, err := b.systemCommand(raw)
	if err != nil {
		return err
	}
	if err := b.start(cmd); err != nil {
		return fmt.Errorf("could not start the browser (%s): %w; set $BROWSER to a browser command", cmd.Path, err)
	}
	return b.settle(cmd)
}

// Resolve says which program Open would start, without starting anything:
// the first $BROWSER command that is installed, else the system opener.
// Its error is the one Open would fail with (ErrNoDisplay among them).
func (b Browser) Resolve() (string, error) {
	const probe = "https://example.invalid/"
	if strings.TrimSpace(b.Env) == "" {
		cmd, err := b.systemCommand(probe)
		if err != nil {
			return "", err
		}
		return cmd.Path, nil
	}
	var found string
	err := b.eachEnvCommand(probe, func(args []string) error {
		p, err := b.lookPath(args[0])
		if err != nil {
			return errors.New("is not installed")
		}
		found = p
		return nil
	})
	return found, err
}

// openEnv tries the $BROWSER commands in order until one starts.
func (b Browser) openEnv(raw string) error {
	var cmd *exec.Cmd
	err := b.eachEnvCommand(raw, func(args []string) error {
		cmd = exec.CommandContext(context.Background(), args[0], args[1:]...) //nolint:gosec // the user's own $BROWSER; the URL was checked
		return b.start(cmd)
	})
	if err != nil {
		return err
	}
	return b.settle(cmd)
}

// eachEnvCommand calls try with each $BROWSER command for the URL raw, in
// order, until one succeeds; it fails when none does, naming why each
// failed.
func (b Browser) eachEnvCommand(raw string, try func(args []string) error) error {
	var failures []string
	for _, entry := range splitBrowserList(b.Env, b.goos()) {
		args, err := b.browserArgs(entry, raw)
		if err != nil {
			failures = append(failures, err.Error())
			continue
		}
		if err := try(args); err != nil {
			failures = append(failures, fmt.Sprintf("%s: %s", termsafe.Sanitize(args[0], 100), termsafe.Sanitize(unwrapExec(err).Error(), 200)))
			continue
		}
		return nil
	}
	if len(failures) == 0 {
		return errors.New("$BROWSER names no command; fix it or unset it")
	}
	return fmt.Errorf("could not start any browser $BROWSER names (%s); fix $BROWSER or unset it", strings.Join(failures, "; "))
}

func unwrapExec(err error) error {
	var ee *exec.Error
	if errors.As(err, &ee) {
		return ee.Err
	}
	return err
}

// start starts cmd with no standard streams and a scrubbed environment.
func (b Browser) start(cmd *exec.Cmd) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	environ := os.Environ
	if b.Environ != nil {
		environ = b.Environ
	}
	cmd.Env = BrowserEnv(environ())
	return cmd.Start()
}

// settle reports an opener that fails at once (no browser behind it) and
// leaves one still running to run.
func (b Browser) settle(cmd *exec.Cmd) error {
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	t := time.NewTimer(browserGrace)
	defer t.Stop()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("the browser command %s failed (%v); open the URL by hand", filepath.Base(cmd.Path), err)
		}
	case <-t.C:
	}
	return nil
}

// browserGrace is how long Open waits for an opener that fails at once.
const browserGrace = 400 * time.Millisecond

// BrowserEnv returns environ without the variables that carry connectwiz's
// secrets: every CONNECTWIZ_* variable whose name speaks of a secret,
// token or password (CONNECTWIZ_USER_SECRET, CONNECTWIZ_ORG_SECRET,
// CONNECTWIZ_CLIENT_SECRET, ...) and CONNECTWIZ_CODE. A browser has no use
// for them, and every program it starts would inherit them.
func BrowserEnv(environ []string) []string {
	out := make([]string, 0, len(environ))
	for _, kv := range environ {
		name, _, _ := strings.Cut(kv, "=")
		if secretEnvName(name) {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func secretEnvName(name string) bool {
	n := strings.ToUpper(name)
	if !strings.HasPrefix(n, "CONNECTWIZ_") {
		return false
	}
	return secret.IsSecretParam(strings.TrimPrefix(n, "CONNECTWIZ_"))
}

// splitBrowserList splits $BROWSER at its list separator, outside quotes.
func splitBrowserList(env, goos string) []string {
	sep := ':'
	if goos == "windows" {
		sep = ';'
	}
	var out []string
	var cur strings.Builder
	var single, double, escaped bool
	for _, r := range env {
		switch {
		case escaped:
			escaped = false
		case r == '\\' && !single && goos != "windows":
			escaped = true
		case r == '\'' && !double:
			single = !single
		case r == '"' && !single:
			double = !double
		case r == sep && !single && !double:
			out = appendEntry(out, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteRune(r)
	}
	return appendEntry(out, cur.String())
}

func appendEntry(list []string, e string) []string {
	if strings.TrimSpace(e) == "" {
		return list
	}
	return append(list, e)
}

// browserArgs splits one $BROWSER command and puts the URL in it.
func (b Browser) browserArgs(entry, raw string) ([]string, error) {
	p := shellwords.NewParser()
	p.ParseEnv = true
	p.ParseBacktick = false
	p.Getenv = func(name string) string {
		if secretEnvName(name) {
			return "" // a secret never reaches a browser's argv
		}
		return b.getenv(name)
	}
	args, err := p.Parse(entry)
	if err != nil {
		return nil, fmt.Errorf("%q: cannot be split into words (%v)", termsafe.Sanitize(entry, 100), err)
	}
	if p.Position >= 0 {
		return nil, fmt.Errorf("%q: uses shell syntax (; & | < > or a substitution) that connectwiz does not run; put the command in a script", termsafe.Sanitize(entry, 100))
	}
	if len(args) == 0 {
		return nil, fmt.Errorf("%q: names no command", termsafe.Sanitize(entry, 100))
	}
	placed := false
	for i, a := range args {
		args[i] = expandPercent(a, raw, &placed)
	}
	if !placed {
		args = append(args, raw)
	}
	return args, nil
}

// expandPercent replaces %s by the URL and %% by %; any other % stays.
func expandPercent(arg, raw string, placed *bool) string {
	if !strings.Contains(arg, "%") {
		return arg
	}
	var out strings.Builder
	for i := 0; i < len(arg); i++ {
		if arg[i] == '%' && i+1 < len(arg) {
			switch arg[i+1] {
			case 's':
				out.WriteString(raw)
				*placed = true
				i++
				continue
			case '%':
				out.WriteByte('%')
				i++
				continue
			}
		}
		out.WriteByte(arg[i])
	}
	return out.String()
}

func (b Browser) getenv(name string) string {
	if b.Getenv != nil {
		return b.Getenv(name)
	}
	return os.Getenv(name)
}

func (b Browser) goos() string {
	if b.GOOS != "" {
		return b.GOOS
	}
	return runtime.GOOS
}

func (b Browser) lookPath(name string) (string, error) {
	if b.LookPath != nil {
		return b.LookPath(name)
	}
	return exec.LookPath(name)
}

// wsl reports whether this is Linux under the Windows Subsystem for Linux.
func (b Browser) wsl() bool {
	if b.getenv("WSL_DISTRO_NAME") != "" {
		return true
	}
	read := os.ReadFile
	if b.ReadFile != nil {
		read = b.ReadFile
	}
	rel, err := read("/proc/sys/kernel/osrelease")
	return err == nil && strings.Contains(strings.ToLower(string(rel)), "microsoft")
}

// systemCommand returns the system opener's command for raw.
func (b Browser) systemCommand(raw string) (*exec.Cmd, error) {
	ctx := context.Background()
	switch b.goos() {
	case "darwin":
		return exec.CommandContext(ctx, "open", raw), nil
	case "windows":
		return exec.CommandContext(ctx, "rundll32", "url.dll,FileProtocolHandler", raw), nil
	}
	openers := []string{"xdg-open", "sensible-browser"}
	if b.wsl() {
		openers = []string{"wslview", "xdg-open", "sensible-browser"} // wslview opens the Windows browser, display or not
	} else if b.getenv("DISPLAY") == "" && b.getenv("WAYLAND_DISPLAY") == "" {
		return nil, ErrNoDisplay
	}
	for _, name := range openers {
		if p, err := b.lookPath(name); err == nil {
			return exec.CommandContext(ctx, p, raw), nil
		}
	}
	return nil, fmt.Errorf("no browser found (no $BROWSER, %s); install one of them or set $BROWSER", strings.Join(openers, ", "))
}
