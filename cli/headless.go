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
	fmt.Fprintln(p.w, flow.SayOpenURL(url))
}

func (p headlessProgress) Refused(reason string) {
	fmt.Fprintln(p.w, flow.SayRefused(reason))
}

func (p headlessProgress) PasteWanted(callbackURL string) {
	fmt.Fprintln(p.w, flow.SayPasteWanted(callbackURL))
}

func (p headlessProgress) Waiting(callbackURL string, wait time.Duration, paste bool) {
	fmt.Fprintln(p.w, flow.SayWaiting(callbackURL, wait, paste))
}

func (p headlessProgress) WrongPaste(err error) {
	fmt.Fprintln(p.w, flow.SayWrongPaste(err))
}

func (p headlessProgress) Note(note string) { fmt.Fprintln(p.w, note) }

func (p headlessProgress) Creating(name, host string) {
	fmt.Fprintf(p.w, "Creating %s on %s (an interruption now waits until its token is stored)…\n", name, host)
}
