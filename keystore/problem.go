package keystore

import (
	"errors"
	"runtime"
	"strings"
)

// Problem is why the keychain did not take a token, classified once here
// for every front-end: the done screen, the headless warning and doctor
// each word it their way, none of them reading the Secret Service's raw
// D-Bus text.
type Problem int

// The problems, from "none" to "unavailable" (anything else).
const (
	ProblemNone        Problem = iota // the keychain took it
	ProblemChosen                     // the file was chosen (--insecure-storage, the sandbox's store)
	ProblemNoKeychain                 // no keychain is configured
	ProblemNoSession                  // no D-Bus session: the keychain is off (ErrNoSession)
	ProblemLocked                     // the keychain is locked (ErrLocked)
	ProblemTimeout                    // the keychain did not answer in time (ErrTimeout)
	ProblemTooBig                     // the keychain refused a value this large (ErrTooBig)
	ProblemMismatch                   // the keychain gave back another value (ErrMismatch)
	ProblemUnavailable                // no Secret Service answered, or another failure
)

// Classify says which problem a keychain error is.
func Classify(err error) Problem {
	switch {
	case err == nil:
		return ProblemNone
	case errors.Is(err, ErrNoSession):
		return ProblemNoSession
	case errors.Is(err, ErrLocked):
		return ProblemLocked
	case errors.Is(err, ErrTimeout):
		return ProblemTimeout
	case errors.Is(err, ErrTooBig):
		return ProblemTooBig
	case errors.Is(err, ErrMismatch):
		return ProblemMismatch
	}
	return ProblemUnavailable
}

// Advice says the problem in words and what to do about it, for the
// next tokens to go to the keychain; "" when there is nothing to do. It is
// Why, then Fix.
func (p Problem) Advice() string {
	if p.Why() == "" {
		return ""
	}
	if f := p.Fix(); f != "" {
		return p.Why() + "; " + f
	}
	return p.Why()
}

// Why says what the problem is, in words that follow "because"; "" when
// there is none.
func (p Problem) Why() string {
	switch p {
	case ProblemNoSession:
		return "there is no D-Bus session (as over SSH or in a container), and without one connectwiz does not ask the keychain"
	case ProblemLocked:
		return "the keychain is locked, or no default keyring exists yet"
	case ProblemTimeout:
		return "the keychain did not answer in time (locked and waiting for a password prompt nobody sees, or stuck)"
	case ProblemTooBig:
		return "the keychain refused a token this large"
	case ProblemMismatch:
		return "the keychain gave back a different value than was stored, so it is not trusted with the token"
	case ProblemUnavailable:
		return "no Secret Service answered on the D-Bus session"
	case ProblemNone, ProblemChosen, ProblemNoKeychain:
	}
	return ""
}

// Fix says what to do for the next tokens to go to the keychain; "" when
// nothing can be done.
func (p Problem) Fix() string {
	unlock := "log in to the desktop, or without a desktop: gnome-keyring-daemon --unlock (type the password, then ctrl+d)"
	if runtime.GOOS == "darwin" {
		unlock = "security unlock-keychain login.keychain"
	}
	switch p {
	case ProblemNoSession:
		return "run connectwiz in your desktop session (over SSH to it: export DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/$(id -u)/bus), or start one with an unlocked keyring: dbus-run-session -- sh -c 'gnome-keyring-daemon --unlock --components=secrets; exec \"$SHELL\"' (type the keyring password, then ctrl+d)"
	case ProblemLocked:
		return "unlock (or create) the login keyring: " + unlock
	case ProblemTimeout:
		return "unlock the keyring (" + unlock + "), or allow it longer with CONNECTWIZ_KEYRING_TIMEOUT=15s"
	case ProblemUnavailable:
		return "start one in your session (gnome-keyring, or KeePassXC with its Secret Service on), or keep tokens in the 0600 file on purpose with --insecure-storage"
	case ProblemNone, ProblemChosen, ProblemNoKeychain, ProblemTooBig, ProblemMismatch:
	}
	return ""
}

// locked reports whether a backend error says the keychain is locked.
func locked(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "islocked") || strings.Contains(s, "failed to unlock") || strings.Contains(s, "is locked")
}
