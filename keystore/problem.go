package keystore

import (
	"errors"
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
// next tokens to go to the keychain; "" when there is nothing to do.
func (p Problem) Advice() string {
	switch p {
	case ProblemNoSession:
		return "no D-Bus session (as over SSH or in a container), so the keychain was not asked; run connectwiz in your desktop session, or inside dbus-run-session with an unlocked gnome-keyring, to keep tokens in a keychain"
	case ProblemLocked:
		return "the keychain is locked; unlock your keyring (log in to the desktop, or gnome-keyring-daemon --unlock) to keep the next tokens there"
	case ProblemTimeout:
		return "the keychain did not answer in time (locked and waiting for a password prompt nobody sees, or stuck); unlock or restart it"
	case ProblemTooBig:
		return "the keychain refused a token this large"
	case ProblemMismatch:
		return "the keychain gave back a different value than was stored, so it is not trusted with the token"
	case ProblemUnavailable:
		return "no Secret Service answered; start one in your session (gnome-keyring, or KeePassXC with its Secret Service on) to keep the next tokens there"
	case ProblemNone, ProblemChosen, ProblemNoKeychain:
	}
	return ""
}

// locked reports whether a backend error says the keychain is locked.
func locked(err error) bool {
	s := strings.ToLower(err.Error())
	return strings.Contains(s, "islocked") || strings.Contains(s, "failed to unlock") || strings.Contains(s, "is locked")
}
