package flow_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

func assertSafe(t *testing.T, what, s string) {
	t.Helper()
	testkit.AssertInert(t, what, []byte(s))
}

// A hostile platform answers the create with escape sequences in every
// string and with another instance's name: the entry keeps the name asked
// for, no other entry is touched, and nothing dangerous reaches the index.
func TestHostilePlatformAnswer(t *testing.T) {
	evil := "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\u009b31m\u202eevil\u2066"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "42" + evil, "name": "victim" + evil, "token": "hostile-token",
			"tags": []string{"t" + evil},
			platform.WireConnector: map[string]any{
				"id": 7, "key": "k" + evil, "name": "n" + evil,
				"configuration": map[string]any{"oauth.user.token": "provider-token", "site" + evil: "v" + evil},
			},
		})
	}))
	defer srv.Close()
	st := &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	if _, err := st.Save(keystore.Entry{Name: "victim", ID: "1", BaseURL: srv.URL}, "victim-token", true); err != nil {
		t.Fatal(err)
	}
	s := &flow.Session{Store: st, Version: "test"}
	creds := flow.Credentials{BaseURL: srv.URL, UserSecret: "u", OrgSecret: "o", Connector: "onedrivebusiness", ClientID: "c", ClientSecret: "s"}
	created, err := s.Create(context.Background(), flow.CreateRequest{
		Creds:    creds,
		Instance: platform.InstanceRequest{Connector: "onedrivebusiness", Code: "code", ClientID: "c", ClientSecret: "s", Name: "asked-for"},
		Insecure: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	e := created.Saved.Entry
	if e.Name != "asked-for" || !strings.HasPrefix(e.PlatformName, "victim") {
		t.Fatalf("entry %+v", e)
	}
	for what, v := range map[string]string{
		"id": e.ID, "platform name": e.PlatformName, "connector": e.Connector, "tag": strings.Join(e.Tags, ","),
		"instance name": created.Instance.Name, "connector name": created.Instance.Connector.Name,
	} {
		assertSafe(t, what, v)
	}
	for k, v := range created.Instance.Connector.Configuration {
		assertSafe(t, "configuration", k+"="+v)
	}
	if tok, _, err := st.Token("victim", srv.URL); err != nil || tok != "victim-token" {
		t.Fatalf("the answer touched another entry: %q %v", tok, err)
	}
	if tok, _, err := st.Token("asked-for", srv.URL); err != nil || tok != "hostile-token" {
		t.Fatalf("the new token: %q %v", tok, err)
	}
	index, err := os.ReadFile(filepath.Join(st.Dir, keystore.IndexFile))
	if err != nil {
		t.Fatal(err)
	}
	assertSafe(t, "the index", string(index))
	if strings.Contains(string(index), "provider-token") || strings.Contains(string(index), "hostile-token") {
		t.Fatal("the index holds a token")
	}
}

// An answer without an id still has its token stored (under a safe
// account) and reported; one without a token keeps the pending record.
func TestAnswerWithoutIDOrToken(t *testing.T) {
	answer := map[string]any{"name": "n", "token": "tok-without-id"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(answer)
	}))
	defer srv.Close()
	st := &keystore.Store{Dir: filepath.Join(t.TempDir(), "cfg")}
	s := &flow.Session{Store: st, Version: "test"}
	creds := flow.Credentials{BaseURL: srv.URL, UserSecret: "u", OrgSecret: "o", Connector: "c", ClientID: "c", ClientSecret: "s"}
	req := flow.CreateRequest{Creds: creds, Instance: platform.InstanceRequest{Connector: "c", Code: "x", Name: "no-id"}, Insecure: true}
	created, err := s.Create(context.Background(), req)
	if err != nil {
		t.Fatal(err)
	}
	if tok, _, err := st.Token("no-id", ""); err != nil || tok != "tok-without-id" || created.Saved.Entry.Account() == "" {
		t.Fatalf("token %q %v (account %q)", tok, err, created.Saved.Entry.Account())
	}
	answer = map[string]any{"id": 5, "name": "n"}
	req.Instance.Name = "no-token"
	if _, err := s.Create(context.Background(), req); !errors.Is(err, platform.ErrAnswerLost) {
		t.Fatalf("an answer without a token: %v", err)
	}
	if p, _ := st.PendingCreates(); len(p) != 1 || p[0].Name != "no-token" {
		t.Fatalf("pending records %+v", p)
	}
}
