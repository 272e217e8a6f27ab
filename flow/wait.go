package flow

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// Got is how an authorization's code came: from the browser's callback,
// or pasted by the user.
type Got struct {
	Code secret.Secret
	// Pasted is set when the user pasted the redirect URL or the code.
	Pasted bool
	// StateChecked is false for a pasted bare code, which carries no state.
	StateChecked bool
}

// GotPasted is the code of a pasted redirect URL (or bare code).
func GotPasted(p callback.Pasted) Got {
	return Got{Code: p.Code, Pasted: true, StateChecked: p.StateChecked}
}

// Note is what the report says about how the code was got: only a bare
// code, whose state could not be checked, is worth a note.
func (g Got) Note() string {
	if g.Pasted && !g.StateChecked {
		return "A bare code was pasted: its state could not be checked."
	}
	return ""
}

// LineReader is the user's input, read a line at a time (a lines.Reader):
// the pasted redirect carries the code, so it is read without echo; a line
// read but no longer wanted is given back.
type LineReader interface {
	ReadSecret(ctx context.Context) (string, error)
	Unread(line string)
}

// WaitNotes hears what happens while WaitOrPaste waits, for the
// front-end to say it; the wait goes on after each.
type WaitNotes interface {
	// WrongPaste: a pasted line is not this authorization's redirect.
	WrongPaste(err error)
	// Refused: a request reached the listener and was refused (a
	// callback.Refusal's sanitized one-line reason).
	Refused(reason string)
}

// WaitOrPaste waits for whichever comes first: the listener's callback, or
// a redirect URL (or the bare code) pasted on in, under the same state check
// (callback.ParsePasted). A wrong paste (another session's state, not a
// redirect) is told to notes (nil is quiet) and the wait goes on, as is a
// request the listener refused; so does an empty line,
// and the end of the input (then only the callback can end it). The wait
// is bounded by wait (callback.DefaultWait when zero) when there is a
// listener; without one only a paste, or ctx, ends it. The provider's
// refusal, or an alarm, is returned as a *callback.AuthError. A line being
// read when the callback wins is kept for in's next reader.
func (a *Authorization) WaitOrPaste(ctx context.Context, wait time.Duration, in LineReader, notes WaitNotes) (Got, error) {
	if a.Done != nil { // a callback already there wins over any input
		select {
		case r := <-a.Done:
			return gotCallback(r)
		default:
		}
	}
	var timeout <-chan time.Time
	var refusals <-chan callback.Refusal
	if notes != nil {
		refusals = a.Refusals // nil without a listener: never ready
	}
	if a.Done != nil {
		if wait <= 0 {
			wait = callback.DefaultWait
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		timeout = t.C
	}
	rctx, stop := context.WithCancel(ctx)
	type read struct {
		line string
		err  error
	}
	var lines chan read
	next := func() {
		lines = make(chan read, 1)
		go func(ch chan<- read) {
			line, err := in.ReadSecret(rctx)
			ch <- read{line, err}
		}(lines)
	}
	defer func() {
		stop()
		if lines != nil { // a line read meanwhile goes back to the input
			if r := <-lines; r.err == nil {
				in.Unread(r.line)
			}
		}
	}()
	if in != nil {
		next()
	} else if a.Done == nil {
		return Got{}, ErrNoPasteInput
	}
	for {
		select {
		case r := <-a.Done:
			return gotCallback(r)
		case <-timeout:
			return Got{}, fmt.Errorf("%w: no callback arrived in %s", callback.ErrTimeout, Duration(wait))
		case r := <-refusals:
			notes.Refused(r.Reason)
		case <-ctx.Done():
			return Got{}, ctx.Err()
		case r := <-lines:
			lines = nil
			switch {
			case r.err != nil && ctx.Err() != nil:
				return Got{}, ctx.Err()
			case r.err != nil && a.Done == nil:
				return Got{}, fmt.Errorf("%w: the input ended first", ErrNoPasteInput)
			case r.err != nil:
				continue // no more input: the callback may still come
			case strings.TrimSpace(r.line) != "":
				p, err := callback.ParsePasted(r.line, a.State)
				var denied *callback.AuthError
				if err == nil || errors.As(err, &denied) {
					if err != nil {
						return Got{}, denied
					}
					return GotPasted(p), nil
				}
				if notes != nil {
					notes.WrongPaste(err)
				}
			}
			next()
		}
	}
}

// gotCallback is what the listener's result means for the wait.
func gotCallback(r callback.Result) (Got, error) {
	if r.Err != nil {
		return Got{}, r.Err
	}
	return Got{Code: r.Code, StateChecked: true}, nil
}
