package cli

import (
	"fmt"
	"io"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/lines"
)

// runHeadless runs the create's steps without a TUI, saying each step as
// the Session reports it: for --no-input, and when there is no terminal.
// A redirect URL (or the code) pasted on stdin is taken while the listener
// waits, or instead of it when the callback URL is not on this machine.
func runHeadless(f *Factory, s *flow.Session, o *CreateOptions, h flow.HeadlessOptions) error {
	h.Wait, h.Replace, h.Insecure, h.Remember = o.Timeout, o.Replace, o.Insecure, o.Remember
	h.Progress = headlessProgress{o.IO.ErrOut}
	if h.Code.IsZero() { // else stdin may have given the code already
		h.Input = lines.New(o.IO.In)
		defer keepTerminalState(o.IO.In)() // ctrl+c while pasting must not leave the echo off
	}
	if w := flow.PlainHTTPWarning(h.Creds.BaseURL); w != "" {
		fmt.Fprintf(o.IO.ErrOut, "Warning: %s.\n", w)
	}
	recoverPending(o.Ctx, f, s, h.Creds, false)
	created, err := s.Headless(o.Ctx, h)
	if err != nil {
		if created.Instance.ID == "" && o.Ctx.Err() != nil {
			return errInterrupted
		}
		return err
	}
	return reportCreated(f, o, created, "")
}

// headlessProgress says headless mode's steps on stderr.
type headlessProgress struct{ w io.Writer }

func (p headlessProgress) URLReady(url string) {
	fmt.Fprintf(p.w, "Open this URL in a browser to authorize connectwiz:\n\n  %s\n\n", url)
}

func (p headlessProgress) BrowserFailed(err error) {
	fmt.Fprintf(p.w, "Could not open a browser (%v).\nOpen the URL above yourself.\n", err)
}

func (p headlessProgress) PasteWanted(callbackURL string) {
	fmt.Fprintf(p.w, "The callback URL %s is not on this machine.\nAfter approving, paste the URL the browser was sent to (or the code) and press Enter:\n", callbackURL)
}

func (p headlessProgress) Waiting(callbackURL string, wait time.Duration, paste bool) {
	fmt.Fprintf(p.w, "Waiting for the browser to come back to %s (up to %s; ctrl+c to stop)…", callbackURL, wait)
	if paste {
		fmt.Fprint(p.w, " or paste the URL the browser was sent to (or the code) and press Enter:")
	}
	fmt.Fprintln(p.w)
}

func (p headlessProgress) WrongPaste(err error) {
	fmt.Fprintf(p.w, "✗ That is not the redirect of this authorization: %v. Paste it again (or the code), or wait.\n", err)
}

func (p headlessProgress) Note(note string) { fmt.Fprintln(p.w, note) }

func (p headlessProgress) Creating(name, host string) {
	fmt.Fprintf(p.w, "Creating %s on %s (an interruption now waits until its token is stored)…\n", name, host)
}
