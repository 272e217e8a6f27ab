package flow_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// valid and disabled are read tolerantly: the instance's own, else its
// connector object's (as the platform's documented answer has them), a
// string "true"/"false" too; absent or of another type is unknown.
func TestInstanceValidDisabled(t *testing.T) {
	for name, tc := range map[string]struct {
		body            string
		valid, disabled string
	}{
		"top level":       {`{"id":1,"valid":false,"disabled":true}`, "false", "true"},
		"connector's":     {`{"id":1,"your_mom":{"valid":true,"disabled":false}}`, "true", "false"},
		"own wins":        {`{"id":1,"valid":false,"your_mom":{"valid":true}}`, "false", "nil"},
		"strings":         {`{"id":1,"valid":"true","disabled":"false"}`, "true", "false"},
		"absent":          {`{"id":1}`, "nil", "nil"},
		"null and others": {`{"id":1,"valid":null,"disabled":{"x":1},"your_mom":{"valid":7}}`, "nil", "nil"},
	} {
		t.Run(name, func(t *testing.T) {
			srv := httptest.NewServer(jsonStatus(200, tc.body))
			defer srv.Close()
			in, err := platform.NewClient(srv.URL, "u", "o", "t").Instance(context.Background(), "1")
			if err != nil {
				t.Fatal(err)
			}
			show := func(b *bool) string {
				if b == nil {
					return "nil"
				}
				return fmt.Sprint(*b)
			}
			if show(in.Valid) != tc.valid || show(in.Disabled) != tc.disabled {
				t.Fatalf("valid %s disabled %s, want %s %s", show(in.Valid), show(in.Disabled), tc.valid, tc.disabled)
			}
		})
	}
}

// Status asks at most 8 at a time, over one connection pool per platform
// (never more connections than that), and keeps the entries' order.
func TestStatusBoundedOnePool(t *testing.T) {
	var inFlight, most atomic.Int32
	var mu sync.Mutex
	conns := map[string]bool{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for m := most.Load(); n > m && !most.CompareAndSwap(m, n); m = most.Load() {
		}
		time.Sleep(5 * time.Millisecond)
		id := r.URL.Path[strings.LastIndex(r.URL.Path, "/")+1:]
		jsonStatus(200, `{"id":`+id+`,"name":"n`+id+`","token":"tok`+id+`"}`)(w, r)
	}))
	srv.Config.ConnState = func(c net.Conn, s http.ConnState) {
		if s == http.StateNew {
			mu.Lock()
			conns[c.RemoteAddr().String()] = true
			mu.Unlock()
		}
	}
	srv.Start()
	defer srv.Close()
	st := &keystore.Store{Dir: t.TempDir()}
	var entries []keystore.Entry
	for i := range 40 {
		e := keystore.Entry{Name: fmt.Sprint("n", i), ID: fmt.Sprint(i), BaseURL: srv.URL}
		if _, err := st.Save(e, fmt.Sprint("tok", i), true); err != nil {
			t.Fatal(err)
		}
		entries = append(entries, e)
	}
	s := &flow.Session{Store: st}
	rs := s.Status(context.Background(), entries, func(base string) flow.Credentials {
		return flow.Credentials{BaseURL: base, UserSecret: "u", OrgSecret: "o"}
	})
	for i, r := range rs {
		if r.Entry.Name != entries[i].Name || r.Presence != flow.There || r.Token != flow.TokenMatches || !r.OK() {
			t.Fatalf("%d: %+v %v", i, r, r.Problems())
		}
	}
	if most.Load() > 8 || len(conns) > 8 {
		t.Fatalf("%d at once over %d connections; want at most 8 of each", most.Load(), len(conns))
	}
}

// The tokens kept here are read one at a time; a token missing from the
// keychain is "missing", and once the keychain fails it is not asked
// again: the rest are "unknown", saying why, while the platform is still
// asked.
func TestStatusKeychainAskedOnceWhenDown(t *testing.T) {
	srv := httptest.NewServer(jsonStatus(200, `{"id":1,"token":"tok"}`))
	defer srv.Close()
	mem := testkit.NewKeychain()
	st := &keystore.Store{Dir: t.TempDir(), Keychain: &keystore.Keychain{Backend: mem, Timeout: time.Second}}
	var entries []keystore.Entry
	for i, n := range []string{"a-missing", "b-first", "c-later", "d-later"} {
		saved, err := st.Save(keystore.Entry{Name: n, ID: fmt.Sprint(i), BaseURL: srv.URL}, "tok", false)
		if err != nil || saved.Entry.Storage != keystore.InKeychain {
			t.Fatalf("%+v %v", saved, err)
		}
		entries = append(entries, saved.Entry)
	}
	if err := mem.Delete(keystore.Service, entries[0].Account()); err != nil {
		t.Fatal(err)
	}
	status := func() []flow.InstanceStatus {
		return (&flow.Session{Store: st}).Status(context.Background(), entries, func(string) flow.Credentials {
			return flow.Credentials{UserSecret: "u", OrgSecret: "o"}
		})
	}
	if rs := status(); rs[0].Token != flow.TokenMissing || rs[1].Token != flow.TokenMatches {
		t.Fatalf("%+v / %+v", rs[0], rs[1])
	}
	mem.Fail = errors.New("the collection is locked")
	rs := status()
	if rs[0].Token != flow.TokenUnknown || !strings.Contains(rs[0].TokenErr.Error(), "locked") {
		t.Fatalf("%+v", rs[0])
	}
	for _, r := range rs[1:] {
		if r.Token != flow.TokenUnknown || !strings.Contains(r.TokenErr.Error(), "did not answer for an earlier instance") || r.Presence != flow.There {
			t.Fatalf("%+v", r)
		}
	}
}
