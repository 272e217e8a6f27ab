package callback

import (
	"errors"
	"fmt"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// AuthError is the provider's refusal, delivered on the callback as
// error= (and maybe error_description=).
type AuthError struct {
	Code        string
	Description string
	// URI is the provider's error_uri, a page about the error: an http(s)
	// URL checked safe to show, or empty.
	URI string
	// cause is the alarm this stands for (see Result.Alarm).
	cause error
}

// Unwrap returns the alarm an *AuthError stands for, if any, so that
// errors.Is(err, ErrBrowserURLReused) holds.
func (e *AuthError) Unwrap() error { return e.cause }

// Error implements error.
func (e *AuthError) Error() string {
	if e.cause != nil {
		return e.cause.Error() + "; " + StoppedWords
	}
	what := "the provider returned an error"
	if e.Code == "access_denied" {
		what = "access was denied at the provider"
	}
	msg := fmt.Sprintf("%s (%s)", what, termsafe.Sanitize(e.Code, 60))
	if e.Description != "" {
		msg += ": " + termsafe.Sanitize(e.Description, 200)
	}
	if e.URI != "" {
		msg += " (the provider explains at " + e.URI + ")"
	}
	return msg + " — authorize again to retry"
}

// ErrTimeout is returned when the callback did not arrive in time.
var ErrTimeout = errors.New("timed out waiting for the browser to come back to the callback URL")

// safeURI is the provider's error_uri when it is an http(s) URL safe to
// show (no control or bidi characters, not too long), else empty.
func safeURI(u string) string {
	if u == "" || len(u) > 500 || browser.CheckBrowserURL(u) != nil || termsafe.Sanitize(u, 500) != u {
		return ""
	}
	return u
}
