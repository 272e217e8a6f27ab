package flow

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
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
	// Stdin supplies a pasted redirect when the callback URL is not loopback.
	Stdin io.Reader
	// ReadSecretLine, when set, reads that line instead, without echo (a
	// terminal): the pasted URL carries the code.
	ReadSecretLine func() (string, error)
	// Status receives what the user is told along the way (stderr).
	Status io.Writer
}

// ErrNameTaken is returned when the instance name already exists locally.
var ErrNameTaken = errors.New("name already taken")

// ErrNoPasteInput is returned when a redirect must be pasted and there is
// no input to paste it into.
var ErrNoPasteInput = errors.New("the callback URL is not on this machine and no redirect URL or code was pasted")

// Headless runs the whole create without a terminal UI: authorize (browser
// and loopback callback, or a pasted redirect), create, store the token.
// It prints each step on o.Status.
func (s *Session) Headless(ctx context.Context, o HeadlessOptions) (Created, error) {
	if !o.Replace && s.AvailableName(o.Name, o.Creds.BaseURL) != o.Name {
		return Created{}, fmt.Errorf("%w: an instance named %q already exists for %s (or a create of that name is pending)", ErrNameTaken, o.Name, o.Creds.BaseURL)
	}
	code := o.Code
	callback := o.Creds.CallbackURL
	if code.IsZero() {
		var err error
		code, callback, err = s.authorizeHeadless(ctx, o)
		if err != nil {
			return Created{}, err
		}
	}
	fmt.Fprintf(o.Status, "Creating %s on %s (an interruption now waits until its token is stored)…\n", o.Name, o.Creds.Host())
	return s.Create(ctx, CreateRequest{
		Creds:    o.Creds,
		Instance: NewInstanceRequest(o.Creds, code, callback, o.Name, o.Tags, o.Extra),
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
	fmt.Fprintf(o.Status, "Open this URL in a browser to authorize connectwiz:\n\n  %s\n\n", a.URL)
	if !s.NoBrowser {
		if err := s.OpenBrowser(a.BrowserURL()); err != nil {
			fmt.Fprintf(o.Status, "Could not open a browser (%v).\nOpen the URL above yourself.\n", err)
		}
	}
	if a.Listener == nil {
		fmt.Fprintf(o.Status, "The callback URL %s is not on this machine.\nAfter approving, paste the URL the browser was sent to (or the code) and press Enter:\n", a.CallbackURL)
		code, err := readPasted(ctx, o, a.State)
		return code, a.CallbackURL, err
	}
	wait := o.Wait
	if wait <= 0 {
		wait = callback.DefaultWait
	}
	fmt.Fprintf(o.Status, "Waiting for the browser to come back to %s (up to %s; ctrl+c to stop)…\n", a.CallbackURL, wait)
	code, err := a.Listener.Wait(ctx, wait)
	if errors.Is(err, callback.ErrTimeout) {
		return "", "", fmt.Errorf("%w after %s", callback.ErrTimeout, wait)
	}
	return code, a.CallbackURL, err
}

func readPasted(ctx context.Context, o HeadlessOptions, state secret.Secret) (secret.Secret, error) {
	in := o.Stdin
	if in == nil && o.ReadSecretLine == nil {
		return "", ErrNoPasteInput
	}
	lines := make(chan string, 1)
	errc := make(chan error, 1)
	go func() {
		if o.ReadSecretLine != nil {
			line, err := o.ReadSecretLine()
			if err != nil || strings.TrimSpace(line) == "" {
				errc <- fmt.Errorf("%w: the input ended first", ErrNoPasteInput)
				return
			}
			lines <- line
			return
		}
		sc := bufio.NewScanner(in)
		sc.Buffer(make([]byte, 0, 16<<10), 16<<10)
		for sc.Scan() {
			if sc.Text() != "" {
				lines <- sc.Text()
				return
			}
		}
		errc <- fmt.Errorf("%w: the input ended first", ErrNoPasteInput)
	}()
	select {
	case line := <-lines:
		p, err := callback.ParsePasted(line, state)
		if err != nil {
			return "", err
		}
		return p.Code, nil
	case err := <-errc:
		return "", err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}
