package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow/termsafe"
)

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
	// Files are the run's private forwarding files; nil means RunFiles.
	Files *Forwards
	// Confined reports whether the browser program Open would start cannot
	// read the private file (a snap); nil means the real check.
	Confined func(program string) bool
}

// RunFiles are the forwarding files of a Browser without Files; the
// command that runs connectwiz removes them (RunFiles.Remove) when the run
// ends.
var RunFiles = &Forwards{}

// ErrConfined is returned by Open, before anything is started, when the
// browser cannot read the private forwarding file (a snap-confined
// browser, or a Windows browser under WSL): only OpenBare can open it,
// with the URL in its argv.
var ErrConfined = errors.New("the browser cannot read a private file of connectwiz's (it is confined, e.g. a snap)")

// ErrNoDisplay is returned by Open when there is no graphical display to
// open a browser on.
var ErrNoDisplay = errors.New("no display to open a browser on (DISPLAY and WAYLAND_DISPLAY are unset); open the URL on a machine with a browser, or set $BROWSER")

// Open opens an http(s) URL without waiting for the browser to exit. The
// browser is started on a private file (Forwards) that forwards to the URL,
// so that its argv carries a path connectwiz made and never the URL — which
// holds a secret and may come from the network. A browser that cannot read
// the file gets ErrConfined and nothing is started. The browser's
// environment holds no CONNECTWIZ_* secret (Env).
func (b Browser) Open(raw string) error {
	if err := CheckBrowserURL(raw); err != nil {
		return fmt.Errorf("not opening the authorize URL: %w", err)
	}
	if prog, ok := b.confined(); ok {
		return fmt.Errorf("%w: %s", ErrConfined, termsafe.Sanitize(prog, 200))
	}
	files := b.Files
	if files == nil {
		files = RunFiles
	}
	p, err := files.Write(raw)
	if err != nil {
		return fmt.Errorf("could not write the private file to open the browser on: %w", err)
	}
	return b.start(FileURL(p))
}

// OpenBare opens raw itself: the URL is in the browser's argv, readable by
// every local user. Only for a browser that cannot read the private file
// (ErrConfined), and only for a URL whose exposure is survivable (the
// listener's one-time link, which alarms when used twice).
func (b Browser) OpenBare(raw string) error {
	if err := CheckBrowserURL(raw); err != nil {
		return fmt.Errorf("not opening the authorize URL: %w", err)
	}
	return b.start(raw)
}

// start starts the browser on arg, a URL connectwiz made or checked.
func (b Browser) start(arg string) error {
	if strings.TrimSpace(b.Env) != "" {
		return b.openEnv(arg)
	}
	cmd, err := b.systemCommand(arg)
	if err != nil {
		return err
	}
	if err := b.run(cmd); err != nil {
		return fmt.Errorf("could not start the browser (%s): %w; set $BROWSER to a browser command", cmd.Path, err)
	}
	return b.settle(cmd)
}

// confined says whether the program Open would start cannot read the
// private file, and names it.
func (b Browser) confined() (string, bool) {
	prog, err := b.Resolve()
	if err != nil {
		return "", false // Open fails with that error
	}
	switch {
	case b.Confined != nil:
		return prog, b.Confined(prog)
	case confinedPath(prog):
		return prog, true
	case strings.TrimSpace(b.Env) != "" || b.goos() != "linux":
		return "", false
	case b.wsl():
		return prog + " (a Windows browser, which cannot read this Linux file)", true
	case b.confinedDefault():
		return prog + " (the default browser is a snap)", true
	}
	return "", false
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
		return b.run(cmd)
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

// run starts cmd with no standard streams and a scrubbed environment.
func (b Browser) run(cmd *exec.Cmd) error {
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	environ := os.Environ
	if b.Environ != nil {
		environ = b.Environ
	}
	cmd.Env = Env(environ())
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
