package flow_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/keystore"
)

func TestRecoverPicksNewestUnknown(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	c := newClient(creds)
	ctx := context.Background()
	st := &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg")}

	// Three instances named "dup": the first is already known locally.
	var made []platform.Instance
	for i := 0; i < 3; i++ {
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
	p, err := st.Begin(keystore.Pending{Name: "dup", Connector: platform.DefaultConnector, BaseURL: c.BaseURL})
	if err != nil {
		t.Fatal(err)
	}
	r, err := flow.Recover(ctx, c, st, p, true)
	if err != nil || !r.Found {
		t.Fatalf("%+v %v", r, err)
	}
	if r.Saved.Entry.ID != string(made[2].ID) {
		t.Fatalf("recovered id %s, want the newest %s", r.Saved.Entry.ID, made[2].ID)
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

	// Nothing to find: the record is cleared and nothing is stored.
	p, _ = st.Begin(keystore.Pending{Name: "never-made", Connector: platform.DefaultConnector, BaseURL: c.BaseURL})
	r, err = flow.Recover(ctx, c, st, p, true)
	if err != nil || r.Found {
		t.Fatalf("%+v %v", r, err)
	}
	if left, _ := st.PendingCreates(); len(left) != 0 {
		t.Fatal("record not cleared")
	}
}
