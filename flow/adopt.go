package flow

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

// adoptPending settles a pending create with the instance the user chose among
// its candidates (Recovered.Candidates, UnsettledError.Candidates): its
// token is stored with the create's choices (storage, replace, remember)
// and the record cleared.
func (s *Session) Adopt(ctx context.Context, creds Credentials, p keystore.Pending, id platform.ID) (Recovered, error) {
	release, ok, err := s.Store.Claim(p)
	if err != nil {
		return Recovered{}, err
	}
	if !ok {
		return Recovered{}, fmt.Errorf("the pending create of %q is being settled by another connectwiz, or already is", p.Name)
	}
	defer release()
	r, err := adoptPending(ctx, s.Client(creds), s.Store, p, id)
	if err != nil {
		return r, err
	}
	s.rememberFor(&r, creds)
	return r, nil
}

// ErrNoSuchCandidate is why AdoptCandidate adopts nothing.
var ErrNoSuchCandidate = errors.New("no pending create has that instance among its candidates")

// AdoptCandidate settles, on creds' platform, the pending create (not
// owned by a running process) that has instance id among its candidates
// (MatchPending), with that instance: the command line's way to choose.
func (s *Session) AdoptCandidate(ctx context.Context, creds Credentials, id platform.ID) (Recovered, error) {
	pending, err := s.Store.PendingCreates()
	if err != nil {
		return Recovered{}, err
	}
	c := s.Client(creds)
	for _, p := range pending {
		if !keystore.SamePlatform(p.BaseURL, creds.BaseURL) || p.InFlight() {
			continue
		}
		m, err := look(ctx, c, s.Store, p)
		if err != nil {
			return Recovered{}, err
		}
		if slices.ContainsFunc(m.Candidates, func(in platform.Instance) bool { return in.ID == id }) {
			return s.Adopt(ctx, creds, p, id)
		}
	}
	return Recovered{}, fmt.Errorf("%w: %s", ErrNoSuchCandidate, id)
}

// recoverPlatform is RecoverPlatform on creds' platform, then remembers
// the secrets of each recovered create that asked for it.
func (s *Session) recoverPlatform(ctx context.Context, creds Credentials) ([]Recovered, error) {
	found, err := settlePlatform(ctx, s.Client(creds), s.Store, false)
	for i := range found {
		s.rememberFor(&found[i], creds)
	}
	return found, err
}

// rememberFor remembers creds' secrets when r's create asked for it and
// r found its instance: the client secret from the keychain when creds
// lack it.
func (s *Session) rememberFor(r *Recovered, creds Credentials) {
	if !r.Found || !r.Pending.Remember {
		return
	}
	s.FillRemembered(&creds)
	if creds.ClientSecret.IsZero() {
		r.RememberErr = errors.New("the OAuth client secret is not known here, so the secrets were not remembered")
		return
	}
	if err := s.remember(creds); err != nil {
		r.RememberErr = err
		return
	}
	r.Remembered = true
}
