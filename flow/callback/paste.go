package callback

import (
	"errors"
	"net/url"
	"strings"

	"github.com/connectwiz/connectwiz/flow/secret"
)

// Pasted is what the user pasted after authorizing: the redirected URL or
// the bare code.
type Pasted struct {
	Code secret.Secret
	// StateChecked is false for a bare code, which carries no state.
	StateChecked bool
}

// ParsePasted takes a pasted redirect URL (or just its query) and applies
// the same state check as the listener; a bare code is accepted without
// one, and so is a URL when state is empty (not known, as for --code). A
// provider error in the URL is returned as an *AuthError.
func ParsePasted(input string, state secret.Secret) (Pasted, error) {
	s := strings.TrimSpace(input)
	if s == "" {
		return Pasted{}, errors.New("nothing was pasted: paste the whole URL the browser was sent to, or the code")
	}
	if len(s) > 8192 {
		return Pasted{}, errors.New("what was pasted is too long to be a redirect URL or a code")
	}
	if !strings.ContainsAny(s, "?=&") {
		if !validCode(s) {
			return Pasted{}, errors.New("that is not a code: a code has no spaces; paste the whole URL the browser was sent to")
		}
		return Pasted{Code: secret.Secret(s)}, nil
	}
	raw, fragment, _ := strings.Cut(s, "#")
	if i := strings.IndexByte(raw, '?'); i >= 0 {
		raw = raw[i+1:]
	} else if strings.Contains(raw, "://") {
		raw = ""
	}
	if !strings.Contains(raw, "=") && fragment != "" {
		raw = fragment // a provider answering in the fragment (#code=…&state=…)
	}
	q, err := url.ParseQuery(raw)
	if err != nil {
		return Pasted{}, errors.New("the pasted URL's query cannot be read; paste the whole URL the browser was sent to")
	}
	why := ""
	if !state.IsZero() {
		why = checkState(q, state)
	}
	switch why {
	case "":
	case "missing state":
		return Pasted{}, errors.New("the pasted URL has no state; paste the whole URL the browser was sent to (or just the code)")
	default:
		return Pasted{}, errors.New("the pasted URL's state does not match this session (" + why + "): it belongs to another authorization; authorize again")
	}
	res, why := resultFrom(q)
	if why != "" {
		return Pasted{}, errors.New("the pasted URL carries " + why + "; paste the URL the browser was sent to after you approved")
	}
	if res.Err != nil {
		return Pasted{}, res.Err
	}
	return Pasted{Code: res.Code, StateChecked: !state.IsZero()}, nil
}
