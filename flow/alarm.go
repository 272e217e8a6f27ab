package flow

import (
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// AlarmError says an authorization was used by more than one party: its
// one-time link was fetched twice, or a second callback carried its state.
// Before the create, the create is refused (Created is false, nothing was
// made); after it, the instance Name may be bound to someone else's
// account: the front-end names it, exits non-zero and says how to remove
// it ('connectwiz forget NAME --remote', RemoveCommand).
type AlarmError struct {
	// Name is the local name of the instance created with the
	// authorization; empty when nothing was created.
	Name    string
	Created bool
	// Sandbox says the instance is the sandbox's (its entry is in the
	// sandbox's store): the remove command names --sandbox.
	Sandbox bool
	// Alarms are what happened (callback.ErrBrowserURLReused,
	// callback.ErrCallbackReused); errors.Is finds them.
	Alarms []error
}

// Error implements error.
func (e *AlarmError) Error() string {
	what := make([]string, 0, len(e.Alarms))
	for _, a := range e.Alarms {
		what = append(what, a.Error())
	}
	if !e.Created {
		return "not creating the instance: " + strings.Join(what, "; ") + "; " + callback.StoppedWords
	}
	return fmt.Sprintf("the instance %q may be bound to someone else's account (%s); if you did not cause this, remove it with '%s'", e.Name, strings.Join(what, "; "), e.RemoveCommand())
}

// RemoveCommand is the command that removes the instance here and on the
// platform.
func (e *AlarmError) RemoveCommand() string {
	cmd := "connectwiz forget "
	if e.Sandbox {
		cmd += "--sandbox "
	}
	return cmd + platform.ShellQuote(e.Name) + " --remote"
}

// Unwrap returns the alarms.
func (e *AlarmError) Unwrap() []error { return e.Alarms }

// ErrAlarm matches every *AlarmError (errors.Is(err, ErrAlarm)).
var ErrAlarm = errors.New("the authorization was used by more than one party")

// Is makes errors.Is(err, ErrAlarm) hold.
func (e *AlarmError) Is(target error) bool { return target == ErrAlarm }

// listeners are the session's callback listeners: they linger after their
// wait so that a later use of the link or the state is still an alarm,
// until End.
type listeners struct {
	mu    sync.Mutex
	all   []*callback.Listener
	named map[*callback.Listener]string // the instance created with each
}

// track keeps l serving until End.
func (s *Session) track(l *callback.Listener) {
	l.Linger()
	s.ls.mu.Lock()
	defer s.ls.mu.Unlock()
	s.ls.all = append(s.ls.all, l)
}

// releaseUnbound stops the listeners no instance was created with: a new
// authorization replaces them (and may need their port). A listener an
// instance was created with keeps serving until End, to catch a late use.
func (s *Session) releaseUnbound() {
	s.ls.mu.Lock()
	var keep, stop []*callback.Listener
	for _, l := range s.ls.all {
		if _, bound := s.ls.named[l]; bound {
			keep = append(keep, l)
		} else {
			stop = append(stop, l)
		}
	}
	s.ls.all = keep
	s.ls.mu.Unlock()
	for _, l := range stop {
		l.Shutdown()
	}
}

// listenerOf returns the session's listener that accepted code, or nil
// (a pasted code, or a code given on the command line).
func (s *Session) listenerOf(code secret.Secret) *callback.Listener {
	s.ls.mu.Lock()
	defer s.ls.mu.Unlock()
	for _, l := range s.ls.all {
		if l.Accepted(code) {
			return l
		}
	}
	return nil
}

// checkBeforeCreate refuses a create whose authorization raised an alarm.
func (s *Session) checkBeforeCreate(code secret.Secret) (*callback.Listener, error) {
	l := s.listenerOf(code)
	if l == nil {
		return nil, nil
	}
	if alarms := l.Alarms(); len(alarms) > 0 {
		s.log().Warn("create refused: the authorization raised an alarm", "alarms", len(alarms))
		return l, &AlarmError{Alarms: alarms}
	}
	return l, nil
}

// bound records that the instance name was created with l's authorization,
// and returns the alarm already raised on it, if any.
func (s *Session) bound(l *callback.Listener, name string) error {
	if l == nil {
		return nil
	}
	s.ls.mu.Lock()
	if s.ls.named == nil {
		s.ls.named = map[*callback.Listener]string{}
	}
	s.ls.named[l] = name
	s.ls.mu.Unlock()
	return s.alarmOf(l, name)
}

func (s *Session) alarmOf(l *callback.Listener, name string) error {
	if alarms := l.Alarms(); len(alarms) > 0 {
		return &AlarmError{Name: name, Created: true, Sandbox: s.Sandbox, Alarms: alarms}
	}
	return nil
}

// Alarm returns the alarm raised so far on the authorization of an
// instance this session created (an *AlarmError naming it), or nil. An
// alarm can come after the create, until End: front-ends ask again when
// the run ends.
func (s *Session) Alarm() error {
	s.ls.mu.Lock()
	defer s.ls.mu.Unlock()
	var errs []error
	for _, l := range s.ls.all {
		if name, ok := s.ls.named[l]; ok {
			if err := s.alarmOf(l, name); err != nil {
				errs = append(errs, err)
			}
		}
	}
	return errors.Join(errs...)
}

// End stops the session's listeners (the run is over) and returns Alarm.
func (s *Session) End() error {
	s.ls.mu.Lock()
	all := s.ls.all
	s.ls.mu.Unlock()
	for _, l := range all {
		l.Shutdown()
	}
	return s.Alarm()
}
