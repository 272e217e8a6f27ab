package flow

import (
	"context"
	"errors"
	"fmt"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

// Recovered says what recovering one pending create found.
type Recovered struct {
	Pending keystore.Pending
	// Found is set when the instance existed and its token is now stored.
	Found bool
	Saved keystore.Saved
	// Candidates, when set, are several instances that may each be the
	// create's: nothing is stored and the record is kept until the user
	// chooses one (Session.Adopt).
	Candidates []platform.Instance
	// Remembered is set when the create asked for its secrets to be
	// remembered and they now are; RememberErr when that failed.
	Remembered  bool
	RememberErr error
}

// Settled reports whether the record is settled (token stored, or nothing
// was created).
func (r Recovered) Settled() bool { return r.Found || len(r.Candidates) == 0 }

// String describes the outcome for the user.
func (r Recovered) String() string {
	switch {
	case len(r.Candidates) > 0:
		return fmt.Sprintf("the pending create of %q on %s matches %d instances, none of them surely its own:%s\nits record is kept until one is chosen", r.Pending.Name, keystore.Host(r.Pending.BaseURL), len(r.Candidates), describeCandidates(r.Candidates))
	case r.Found && r.Saved.RenamedFrom != "":
		return fmt.Sprintf("recovered %q (id %s) as %q, its name being taken: its token is now in the %s", r.Pending.Name, r.Saved.Entry.ID, r.Saved.Entry.Name, r.Saved.Entry.Storage)
	case r.Found:
		return fmt.Sprintf("recovered %q (id %s): its token is now in the %s", r.Pending.Name, r.Saved.Entry.ID, r.Saved.Entry.Storage)
	}
	return fmt.Sprintf("no instance %q was created on %s: nothing to recover, the pending record is cleared", r.Pending.Name, keystore.Host(r.Pending.BaseURL))
}

// look lists the platform's instances and matches the pending create
// against them (MatchPending).
func look(ctx context.Context, c *platform.Client, st *keystore.Store, p keystore.Pending) (Match, error) {
	list, err := c.Instances(ctx)
	if err != nil {
		return Match{}, err
	}
	// What is known here is read after the listing: an instance another
	// create here made is then either in its pending record or, that
	// record cleared, in the index.
	local, err := localOf(st, p)
	if err != nil {
		return Match{}, err
	}
	return MatchPending(p, list, local), nil
}

// SettlePending settles one pending create: it looks the instance up on the
// platform (MatchPending), stores its token with the create's choices and
// clears the record; with several candidates it keeps the record and
// returns them; when there is no candidate at all it clears the record. It
// never creates anything. insecure forces the file for the token.
func SettlePending(ctx context.Context, c *platform.Client, st *keystore.Store, p keystore.Pending, insecure bool) (Recovered, error) {
	ctx = context.WithoutCancel(ctx)
	m, err := look(ctx, c, st, p)
	if err != nil {
		return Recovered{}, fmt.Errorf("looking it up on the platform: %w", err)
	}
	switch {
	case m.Found:
		p.Insecure = p.Insecure || insecure
		return adopt(ctx, c, st, p, m.Instance)
	case len(m.Candidates) > 0:
		return Recovered{Pending: p, Candidates: m.Candidates}, nil
	}
	return Recovered{Pending: p}, st.Clear(p)
}

// ErrNotCandidate is why Adopt refuses an instance.
var ErrNotCandidate = errors.New("that instance cannot be this create's")

// adoptPending settles a pending create with the instance the user chose among
// its candidates: it must have the create's connector and not be known
// here already. Its token is stored with the create's choices and the
// record cleared.
func adoptPending(ctx context.Context, c *platform.Client, st *keystore.Store, p keystore.Pending, id platform.ID) (Recovered, error) {
	ctx = context.WithoutCancel(ctx)
	local, err := localOf(st, p)
	if err != nil {
		return Recovered{}, err
	}
	inst, err := c.Instance(ctx, id)
	switch {
	case err != nil:
		return Recovered{}, fmt.Errorf("getting instance %s: %w", id, err)
	case inst.Connector.Key != p.Connector:
		return Recovered{}, fmt.Errorf("%w: instance %s is of connector %q, the create was of %q", ErrNotCandidate, id, inst.Connector.Key, p.Connector)
	case local.IDs[string(inst.ID)]:
		return Recovered{}, fmt.Errorf("%w: instance %s already has a local entry", ErrNotCandidate, id)
	}
	return adopt(ctx, c, st, p, inst)
}

// adopt stores inst's token (fetched when the listing lacked it) under
// the record's name and choices, and clears the record.
func adopt(ctx context.Context, c *platform.Client, st *keystore.Store, p keystore.Pending, inst platform.Instance) (Recovered, error) {
	if inst.Token.IsZero() {
		full, err := c.Instance(ctx, inst.ID)
		if err != nil {
			return Recovered{}, fmt.Errorf("getting the token of instance %s: %w", inst.ID, err)
		}
		inst = full
	}
	if inst.Token.IsZero() {
		return Recovered{}, fmt.Errorf("the platform gives no token for instance %s", inst.ID)
	}
	if len(inst.Tags) == 0 {
		inst.Tags = p.Tags
	}
	saved, err := saveInstance(st, c.BaseURL, p.Name, inst, p.Insecure, p.Replace)
	if err != nil {
		return Recovered{}, err
	}
	return Recovered{Pending: p, Found: true, Saved: saved}, st.Clear(p)
}

// settlePlatform settles the pending creates of c's platform that no
// running process owns, oldest first. A record with several candidates is
// returned unsettled (Recovered.Candidates) and kept. It stops at the
// first record it cannot look up and returns what it settled before.
func settlePlatform(ctx context.Context, c *platform.Client, st *keystore.Store, insecure bool) ([]Recovered, error) {
	pending, err := st.PendingCreates()
	if err != nil {
		return nil, err
	}
	var out []Recovered
	for _, p := range pending {
		if !keystore.SamePlatform(p.BaseURL, c.BaseURL) || p.InFlight() {
			continue
		}
		release, ok, err := st.Claim(p)
		if err != nil {
			return out, err
		}
		if !ok {
			continue // another process is settling it
		}
		r, err := SettlePending(ctx, c, st, p, insecure)
		release()
		if err != nil {
			return out, fmt.Errorf("could not settle the pending create of %q: %w", p.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}
