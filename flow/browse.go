package flow

import (
	"context"
	"errors"
	"fmt"
)

// Browsing is what the browser step asks of the session; *Session and the
// wizard's Service have it.
type Browsing interface {
	OpenBrowser(url string) error
	Approve(ctx context.Context, url string) error
}

// Browsed is how the browser step went (Browse).
type Browsed struct {
	// Err is why no browser was opened: turned off (ErrNoBrowser), a
	// remote session (ErrRemote), or it failed. Nil when the browser
	// opened, or was not tried.
	Err error
	// Approved says the sandbox's consent was approved here instead, as a
	// browser would.
	Approved bool
	// ApproveErr is why approving here failed.
	ApproveErr error
}

// Browse is the browser step of the line front-ends: it opens the browser
// on a's link — unless skip (the front-end uses none, as accessible prompts
// fed by a pipe) — and, whenever no browser is used (skipped, turned off, a
// remote session, or it failed to open) and the platform is the sandbox,
// approves the consent here instead, as a browser would, so that the whole
// flow runs on its own (CI).
func Browse(ctx context.Context, svc Browsing, a *Authorization, sandbox, skip bool) Browsed {
	var b Browsed
	if !skip {
		if b.Err = openUntilBack(svc, a); b.Err == nil {
			return b
		}
	}
	if !sandbox {
		return b
	}
	if err := svc.Approve(ctx, a.URL); err != nil {
		b.ApproveErr = err
	} else {
		b.Approved = true
	}
	return b
}

// openUntilBack opens the browser on a's link and returns what opening
// it said — or nil as soon as the browser came back to the listener: an
// opener that has not exited by then (a browser run in the foreground,
// like the sandbox's consent helper) evidently worked, and the step after
// needs no more of it.
func openUntilBack(svc Browsing, a *Authorization) error {
	if a.Listener == nil {
		return svc.OpenBrowser(a.BrowserURL())
	}
	opened := make(chan error, 1)
	go func() { opened <- svc.OpenBrowser(a.BrowserURL()) }()
	select {
	case err := <-opened:
		return err
	case <-a.Listener.Arrived():
		return nil
	}
}

// Say is what the line front-ends say about the browser step, a line
// each: nothing when the browser opened, or when the user turned it off
// (--no-browser) or the session is remote (SayForward says it).
func (b Browsed) Say() []string {
	var lines []string
	if b.Err != nil && !errors.Is(b.Err, ErrNoBrowser) && !errors.Is(b.Err, ErrRemote) && !b.Approved {
		lines = append(lines, fmt.Sprintf("Could not open a browser (%v).\nOpen the URL above yourself.", b.Err))
	}
	switch {
	case b.Approved:
		lines = append(lines, SayApprovedHere)
	case b.ApproveErr != nil:
		lines = append(lines, fmt.Sprintf("Approving the sandbox's consent here failed (%v): open the URL above yourself.", b.ApproveErr))
	}
	return lines
}
