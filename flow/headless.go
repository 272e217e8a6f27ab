package flow

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// HeadlessOptions are the inputs of a headless create.
type HeadlessOptions struct {
	Creds Credentials
	Name  string
	Tags  []string
	Extra map[string]string
	// Wait bounds the wait for the callback (DefaultWait when zero).
	Wait time.Duration
	// Code, when set, skips the browser: it is used as the authorization code.
	Code     secret.Secret
	Replace  bool
	Insecure bool
	Remember bool
	// Input takes a pasted redirect URL (or code): while the listener
	// waits, or instead of it when the callback URL is not loopback. Nil
	// when there is no input to paste into.
	Input LineReader
	// Progress hears each step, for the front-end to say it; nil is quiet.
	Progress Progress
}

// Progress hears what a headless create does; the front-end says it (flow
// prints nothing). Its methods are called on the goroutine running
// Headless, in the order of the steps.
type Progress interface {
	WaitNotes
	// URLReady: the authorize URL, for the user to open.
	URLReady(url string)
	// PasteWanted: the callback URL is not on this machine, so the
	// redirect (or the code) is to be pasted.
	PasteWanted(callbackURL string)
	// Waiting: the listener waits for the browser, up to wait; paste says
	// a pasted redirect is taken too.
	Waiting(callbackURL string, wait time.Duration, paste bool)
	// Note: a remark, a line or a few, on the way to the code (the port
	// forwarding of a remote session, the browser not opened, the
	// sandbox's consent approved here, a bare code pasted).
	Note(note string)
	// Creating: the create is being sent.
	Creating(name, host string)
}

// quiet is the Progress that says nothing.
type quiet struct{}

func (quiet) URLReady(string)                     {}
func (quiet) Refused(string)                      {}
func (quiet) PasteWanted(string)                  {}
func (quiet) Waiting(string, time.Duration, bool) {}
func (quiet) WrongPaste(error)                    {}
func (quiet) Note(string)                         {}
func (quiet) Creating(string, string)             {}

// ErrNameTaken is returned when the instance name already exists locally.
var ErrNameTaken = errors.New("name already taken")

// ErrNoPasteInput is returned when a redirect must be pasted and there is
// no input to paste it into.
var ErrNoPasteInput = errors.New("the callback URL is not on this machine and no redirect URL or code was pasted")

// Headless runs the whole create without a terminal UI: authorize (browser
// and loopback callback, or a pasted redirect, whichever comes first),
// create, store the token. It tells o.Progress each step.
func (s *Session) Headless(ctx context.Context, o HeadlessOptions) (Created, error) {
	if o.Progress == nil {
		o.Progress = quiet{}
	}
	if !o.Replace && s.AvailableName(o.Name, o.Creds.BaseURL) != o.Name {
		return Created{}, fmt.Errorf("%w: an instance named %q already exists for %s (or a create of that name is pending)", ErrNameTaken, o.Name, o.Creds.BaseURL)
	}
	code := o.Code
	callbackURL := o.Creds.CallbackURL
	if code.IsZero() {
		var err error
		code, callbackURL, err = s.authorizeHeadless(ctx, o)
		if err != nil {
			return Created{}, err
		}
	}
	o.Progress.Creating(o.Name, o.Creds.Host())
	return s.Create(ctx, CreateRequest{
		Creds:    o.Creds,
		Instance: NewInstanceRequest(o.Creds, code, callbackURL, o.Name, o.Tags, o.Extra),
		Insecure: o.Insecure,
		Remember: o.Remember,
		Replace:  o.Replace,
	})
}

func (s *Session) authorizeHeadless(ctx context.Context, o HeadlessOptions) (secret.Secret, string, error) {
	a, err := s.Authorize(ctx, o.Creds)
	if err != nil {
		return "", "", err
	}
	defer a.Close()
	o.Progress.URLReady(a.URL)
	if a.Forward != "" {
		o.Progress.Note(SayForward(a.Forward))
	}
	if a.Listener != nil { // there is no naming step: the page says the create follows
		a.Listener.SetDonePage(callback.DoneCreating)
	}
	b := Browse(ctx, s, a, s.ApproveConsent != nil, false)
	for _, line := range b.Say() {
		o.Progress.Note(line)
	}
	switch {
	case a.Done == nil:
		o.Progress.PasteWanted(a.CallbackURL)
	case b.Approved: // the callback is there: nothing to wait for
	default:
		o.Progress.Waiting(a.CallbackURL, cmp.Or(o.Wait, callback.DefaultWait), o.Input != nil)
	}
	got, err := a.WaitOrPaste(ctx, o.Wait, o.Input, o.Progress)
	if err != nil {
		return "", "", err
	}
	if n := got.Note(); n != "" {
		o.Progress.Note(n)
	}
	return got.Code, a.CallbackURL, nil
}
