package flow_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// Three instances named "dup": the first is known locally, the second was
// on the platform before the create (a colleague's, listed in the record),
// the third is the create's: recover adopts the third.
func TestRecoverPicksTheNewUnknown(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	c := newClient(creds)
	ctx := context.Background()
	st := &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg")}

	var made []platform.Instance
	var p keystore.Pending
	for i := 0; i < 3; i++ {
		if i == 2 {
			p = keystore.Pending{Name: "dup", Connector: platform.DefaultConnector, BaseURL: c.BaseURL, Listed: true, Before: []string{string(made[0].ID), string(made[1].ID)}}
		}
		code, cb := authorizeAndApprove(t, c, creds)
		in, err := c.CreateInstance(ctx, request(creds, code, cb, "dup"))
		if err != nil {
			t.Fatal(err)
		}
		made = append(made, in)
	}
	other := made[0]
	other.Name = "dup"
	if _, err := st.Save(keystore.Entry{Name: "dup", ID: string(other.ID), Connector: other.Connector.Key, BaseURL: c.BaseURL}, other.Token.Reveal(), true); err != nil {
		t.Fatal(err)
	}
	p, err := st.Begin(p)
	if err != nil {
		t.Fatal(err)
	}
	r, err := flow.SettlePending(ctx, c, st, p, true)
	if err != nil || !r.Found {
		t.Fatalf("%+v %v", r, err)
	}
	if r.Saved.Entry.ID != string(made[2].ID) {
		t.Fatalf("recovered id %s, want the create's %s", r.Saved.Entry.ID, made[2].ID)
	}
	// The name is taken by the known instance: the recovered one takes the
	// next free name, and the known one keeps its token.
	if r.Saved.Entry.Name != "dup-2" || r.Saved.RenamedFrom != "dup" {
		t.Fatalf("recovered as %q (renamed from %q)", r.Saved.Entry.Name, r.Saved.RenamedFrom)
	}
	tok, _, err := st.Token("dup-2", c.BaseURL)
	if err != nil || tok != made[2].Token.Reveal() {
		t.Fatalf("token %v", err)
	}
	if tok, _, err := st.Token("dup", c.BaseURL); err != nil || tok != made[0].Token.Reveal() {
		t.Fatalf("the known instance lost its token: %v", err)
	}
	if left, _ := st.PendingCreates(); len(left) != 0 {
		t.Fatal("record not cleared")
	}
	if len(sb.Instances()) != 3 {
		t.Fatal("recover created something")
	}

	// A record without a listing (an older connectwiz's) and two unknown
	// instances of its name within the clock-skew allowance: both shown,
	// the record kept — never cleared as "nothing created".
	code, cb := authorizeAndApprove(t, c, creds)
	if _, err := c.CreateInstance(ctx, request(creds, code, cb, "dup")); err != nil {
		t.Fatal(err)
	}
	p, _ = st.Begin(keystore.Pending{Name: "dup", Connector: platform.DefaultConnector, BaseURL: c.BaseURL})
	r, err = flow.SettlePending(ctx, c, st, p, true)
	if err != nil || r.Found || r.Settled() || len(r.Candidates) != 2 {
		t.Fatalf("%+v %v", r, err)
	}
	if left, _ := st.PendingCreates(); len(left) != 1 {
		t.Fatal("record cleared with candidates unexplained")
	}
	_ = st.Clear(p)

	// Nothing new since the listing taken before the create: the record
	// is cleared and nothing is stored.
	list, err := c.Instances(ctx)
	if err != nil {
		t.Fatal(err)
	}
	p = keystore.Pending{Name: "never-made", Connector: platform.DefaultConnector, BaseURL: c.BaseURL, Listed: true}
	for _, in := range list {
		p.Before = append(p.Before, string(in.ID))
	}
	p, _ = st.Begin(p)
	r, err = flow.SettlePending(ctx, c, st, p, true)
	if err != nil || r.Found {
		t.Fatalf("%+v %v", r, err)
	}
	if left, _ := st.PendingCreates(); len(left) != 0 {
		t.Fatal("record not cleared")
	}
}
