package flow

import (
	"context"
	"fmt"
	"strconv"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

// Recovered says what recovering one pending create found.
type Recovered struct {
	Pending keystore.Pending
	// Found is set when the instance existed and its token is now stored.
	Found bool
	Saved keystore.Saved
}

// String describes the outcome for the user.
func (r Recovered) String() string {
	if r.Found && r.Saved.RenamedFrom != "" {
		return fmt.Sprintf("recovered %q (id %s) as %q, its name being taken: its token is now in the %s", r.Pending.Name, r.Saved.Entry.ID, r.Saved.Entry.Name, r.Saved.Entry.Storage)
	}
	if r.Found {
		return fmt.Sprintf("recovered %q (id %s): its token is now in the %s", r.Pending.Name, r.Saved.Entry.ID, r.Saved.Entry.Storage)
	}
	return fmt.Sprintf("no instance %q was created on %s: nothing to recover, the pending record is cleared", r.Pending.Name, keystore.Host(r.Pending.BaseURL))
}

// Recover settles one pending create: it looks the instance up on the
// platform (same name and connector, the newest id not already in the local
// index), stores its token and clears the record; if there is no such
// instance it clears the record. It never creates anything.
func Recover(ctx context.Context, c *platform.Client, st *keystore.Store, p keystore.Pending, insecure bool) (Recovered, error) {
	ctx = context.WithoutCancel(ctx)
	known := map[string]bool{}
	entries, err := st.Entries()
	if err != nil {
		return Recovered{}, err
	}
	for _, e := range entries {
		if keystore.SamePlatform(e.BaseURL, p.BaseURL) {
			known[e.ID] = true
		}
	}
	list, err := c.Instances(ctx)
	if err != nil {
		return Recovered{}, fmt.Errorf("looking it up on the platform: %w", err)
	}
	var best *platform.Instance
	for i := range list {
		in := &list[i]
		if in.Name != p.Name || in.Connector.Key != p.Connector || known[string(in.ID)] {
			continue
		}
		if best == nil || newer(*in, *best) {
			best = in
		}
	}
	if best == nil {
		return Recovered{Pending: p}, st.Clear(p)
	}
	inst := *best
	if inst.Token.IsZero() {
		if inst, err = c.Instance(ctx, best.ID); err != nil {
			return Recovered{}, fmt.Errorf("getting the token of instance %s: %w", best.ID, err)
		}
	}
	if len(inst.Tags) == 0 {
		inst.Tags = p.Tags
	}
	saved, err := saveInstance(st, c.BaseURL, p.Name, inst, insecure, false)
	if err != nil {
		return Recovered{}, err
	}
	return Recovered{Pending: p, Found: true, Saved: saved}, st.Clear(p)
}

// RecoverPlatform settles the pending creates of c's platform that no
// running process owns, oldest first. It stops at the first record it
// cannot settle and returns what it settled before.
func RecoverPlatform(ctx context.Context, c *platform.Client, st *keystore.Store, insecure bool) ([]Recovered, error) {
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
		r, err := Recover(ctx, c, st, p, insecure)
		release()
		if err != nil {
			return out, fmt.Errorf("could not settle the pending create of %q: %w", p.Name, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// newer orders instances by creation time, then by numeric id.
func newer(a, b platform.Instance) bool {
	if !a.Created.Equal(b.Created) {
		return a.Created.After(b.Created)
	}
	ai, aerr := strconv.ParseInt(string(a.ID), 10, 64)
	bi, berr := strconv.ParseInt(string(b.ID), 10, 64)
	if aerr == nil && berr == nil {
		return ai > bi
	}
	return a.ID > b.ID
}
