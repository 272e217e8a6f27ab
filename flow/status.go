package flow

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/keystore"
)

// Presence says what the platform said of an instance.
type Presence string

// What the platform can say of an instance.
const (
	// There: the platform answered with the instance.
	There Presence = "there"
	// Gone: the platform answered 404 with its own error: no such instance.
	Gone Presence = "gone"
	// PlatformError: the platform could not be asked, or answered an error.
	PlatformError Presence = "error"
	// NotChecked: the platform was not asked (no secrets for it here).
	NotChecked Presence = "not checked"
)

// TokenCheck says how the token kept here compares with the platform's.
type TokenCheck string

// The answers of a token check.
const (
	// TokenMatches: the token kept here is the one the platform holds.
	TokenMatches TokenCheck = "matches"
	// TokenDiffers: the platform holds another token for the instance.
	TokenDiffers TokenCheck = "differs"
	// TokenMissing: the token is not where the index says it is.
	TokenMissing TokenCheck = "missing"
	// TokenUnknown: the keychain did not answer.
	TokenUnknown TokenCheck = "unknown"
	// TokenStored: the token is kept here but was not compared (the
	// platform was not asked, has no such instance, or sent no token).
	TokenStored TokenCheck = "stored"
)

// InstanceStatus is what Status found for one instance of the index.
type InstanceStatus struct {
	Entry    keystore.Entry
	Presence Presence
	// Valid and Disabled are the platform's answer; nil when it did not
	// say (or was not asked).
	Valid, Disabled *bool
	// PlatformName is the instance's name on the platform (made safe for a
	// terminal), when it is there.
	PlatformName string
	Token        TokenCheck
	// Err is why the platform could not tell (Presence PlatformError);
	// TokenErr why the token kept here could not be read.
	Err, TokenErr error
}

// OK reports whether nothing is wrong with the instance.
func (st InstanceStatus) OK() bool { return len(st.Problems()) == 0 }

// Problems says, in words, what is wrong with the instance (nothing when
// it is there, valid, enabled and its token here is the platform's).
func (st InstanceStatus) Problems() []string {
	var out []string
	switch st.Presence {
	case NotChecked:
		out = append(out, "not checked: no secrets for "+keystore.Host(st.Entry.BaseURL))
	case Gone:
		out = append(out, "gone from the platform (404)")
	case PlatformError:
		out = append(out, fmt.Sprintf("platform error: %v", st.Err))
	case There:
	}
	if st.Valid != nil && !*st.Valid {
		out = append(out, "the platform says it is not valid (its provider authorization no longer works)")
	}
	if st.Disabled != nil && *st.Disabled {
		out = append(out, "disabled on the platform")
	}
	switch st.Token {
	case TokenDiffers:
		out = append(out, "the token kept here is not the platform's")
	case TokenMissing:
		out = append(out, fmt.Sprintf("its token is missing here: %v", st.TokenErr))
	case TokenUnknown:
		out = append(out, fmt.Sprintf("its token here could not be read: %v", st.TokenErr))
	case TokenMatches, TokenStored:
	}
	return out
}

// statusWorkers is how many instances Status asks about at once.
const statusWorkers = 8

// SecretsFor returns the rule that chooses a platform's secrets for the
// commands that visit every platform of the index (recover, status): the
// secrets given (the environment's) for given's platform, the remembered
// ones for any other — secrets are never sent to a platform they were
// not given for.
func (s *Session) SecretsFor(given Credentials) func(baseURL string) Credentials {
	return func(baseURL string) Credentials {
		c := Credentials{BaseURL: baseURL}
		if keystore.SamePlatform(baseURL, given.BaseURL) {
			c = given
			c.BaseURL = baseURL
		}
		if !c.HasPlatformSecrets() {
			s.FillRemembered(&c)
		}
		return c
	}
}

// Status asks each entry's platform about its instance (GET
// /instances/{id}, with the secrets secretsFor gives for that platform),
// statusWorkers at a time over one client (one connection pool) per
// platform, and compares the token kept here with the platform's in
// constant time. The tokens kept here are read meanwhile one at a time
// (a locked keychain asks to be unlocked once, not eight times). The
// result is in the order of entries.
func (s *Session) Status(ctx context.Context, entries []keystore.Entry, secretsFor func(baseURL string) Credentials) []InstanceStatus {
	out := make([]InstanceStatus, len(entries))
	theirs := make([]secret.Secret, len(entries))
	clients := map[string]*platform.Client{} // by platform; nil: no secrets
	for _, e := range entries {
		key := keystore.PlatformKey(e.BaseURL)
		if _, ok := clients[key]; ok {
			continue
		}
		base := strings.TrimRight(e.BaseURL, "/")
		creds := secretsFor(base)
		creds.BaseURL = base
		if !creds.HasPlatformSecrets() {
			clients[key] = nil
			continue
		}
		c := s.Client(creds)
		if tr, ok := c.HTTP.Transport.(*http.Transport); ok {
			tr.MaxIdleConnsPerHost = statusWorkers
		}
		clients[key] = c
	}
	ours := make([]localToken, len(entries))
	var wg sync.WaitGroup
	wg.Go(func() { s.readTokens(entries, ours) })
	sem := make(chan struct{}, statusWorkers)
	for i, e := range entries {
		sem <- struct{}{}
		wg.Go(func() {
			defer func() { <-sem }()
			out[i], theirs[i] = ask(ctx, e, clients[keystore.PlatformKey(e.BaseURL)])
		})
	}
	wg.Wait()
	for _, c := range clients {
		if c != nil {
			c.HTTP.CloseIdleConnections()
		}
	}
	for i := range out {
		out[i].compare(ours[i], theirs[i])
	}
	return out
}

// ask asks the platform about e's instance; c is nil when its platform's
// secrets are not known here. It returns the platform's token, if any.
func ask(ctx context.Context, e keystore.Entry, c *platform.Client) (InstanceStatus, secret.Secret) {
	st := InstanceStatus{Entry: e, Presence: NotChecked}
	if c == nil {
		return st, ""
	}
	inst, err := c.Instance(ctx, platform.ID(e.ID))
	if err != nil {
		st.Presence, st.Err = PlatformError, err
		if ae, ok := platform.AsAPIError(err); ok && ae.Status == http.StatusNotFound && !ae.Page {
			st.Presence, st.Err = Gone, nil
		}
		return st, ""
	}
	st.Presence, st.Valid, st.Disabled, st.PlatformName = There, inst.Valid, inst.Disabled, inst.Name
	return st, inst.Token
}

// compare sets the token check from the token kept here and the
// platform's (empty when it sent none), compared in constant time.
func (st *InstanceStatus) compare(ours localToken, theirs secret.Secret) {
	switch {
	case errors.As(ours.err, new(*keystore.MissingTokenError)):
		st.Token, st.TokenErr = TokenMissing, ours.err
	case ours.err != nil:
		st.Token, st.TokenErr = TokenUnknown, ours.err
	case theirs.IsZero():
		st.Token = TokenStored
	case subtle.ConstantTimeCompare([]byte(ours.token), []byte(theirs.Reveal())) == 1:
		st.Token = TokenMatches
	default:
		st.Token = TokenDiffers
	}
}

// localToken is a token kept here, or why it could not be read.
type localToken struct {
	token string
	err   error
}

// errKeychainDown is why a token is not read once the keychain has failed.
var errKeychainDown = errors.New("the keychain did not answer for an earlier instance")

// readTokens reads each entry's token where the index says it is, one at
// a time; once the keychain has failed, it is not asked again.
func (s *Session) readTokens(entries []keystore.Entry, into []localToken) {
	down := false
	for i, e := range entries {
		if e.Storage == keystore.InKeychain && down {
			into[i].err = errKeychainDown
			continue
		}
		into[i].token, _, into[i].err = s.Store.Token(e.Name, e.BaseURL)
		if into[i].err != nil && e.Storage == keystore.InKeychain && !errors.As(into[i].err, new(*keystore.MissingTokenError)) {
			down = true
		}
	}
}
