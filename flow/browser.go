package flow

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
)

// CheckBrowserURL refuses anything but an absolute http(s) URL: a URL that
// came from the network is never handed to the OS opener unchecked.
func CheckBrowserURL(raw string) error {
	if raw == "" {
		return errors.New("it is empty")
	}
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("it is not a URL: %w", err)
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("its scheme %q is not http or https", Sanitize(u.Scheme, 20))
	}
	if u.Host == "" {
		return errors.New("it has no host")
	}
	if strings.ContainsAny(raw, " \t\r\n\x00") {
		return errors.New("it contains white space or control characters")
	}
	return nil
}

// Browser opens URLs in the user's browser.
type Browser struct {
	// Env is the value of $BROWSER; empty means the system opener.
	Env string
}

// SystemBrowser returns the browser the environment names.
func SystemBrowser() Browser { return Browser{Env: os.Getenv("BROWSER")} }

// Open opens an http(s) URL without waiting for the browser to exit.
func (b Browser) Open(raw string) error {
	if err := CheckBrowserURL(raw); err != nil {
		return fmt.Errorf("not opening the authorize URL: %w", err)
	}
	cmd, err := b.command(raw)
	if err != nil {
		return err
	}
	cmd.Stdin, cmd.Stdout, cmd.Stderr = nil, nil, nil
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start the browser (%s): %w", cmd.Path, err)
	}
	// Openers such as xdg-open return at once; one that fails at once (no
	// browser behind it) is reported, one still running is left to run.
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			return fmt.Errorf("the browser command %s failed (%v)", filepath.Base(cmd.Path), err)
		}
	case <-time.After(browserGrace):
	}
	return nil
}

// browserGrace is how long Open waits for an opener that fails at once.
const browserGrace = 400 * time.Millisecond

func (b Browser) command(raw string) (*exec.Cmd, error) {
	if b.Env != "" {
		// $BROWSER is a command line; the URL is its last argument.
		args := strings.Fields(b.Env)
		return exec.CommandContext(context.Background(), args[0], append(args[1:], raw)...), nil //nolint:gosec // the user's own $BROWSER
	}
	switch runtime.GOOS {
	case "darwin":
		return exec.CommandContext(context.Background(), "open", raw), nil
	case "windows":
		return exec.CommandContext(context.Background(), "rundll32", "url.dll,FileProtocolHandler", raw), nil
	}
	for _, name := range []string{"xdg-open", "wslview", "sensible-browser"} {
		if p, err := exec.LookPath(name); err == nil {
			return exec.CommandContext(context.Background(), p, raw), nil
		}
	}
	return nil, errors.New("no browser found (no $BROWSER, xdg-open, wslview or sensible-browser)")
}
