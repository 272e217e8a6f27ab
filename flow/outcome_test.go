package flow_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// authorizeSession runs the authorize step through the session and
// approves the sandbox's consent: it returns the instance request for name.
func authorizeSession(t *testing.T, s *flow.Session, creds flow.Credentials, name string) platform.InstanceRequest {
	t.Helper()
	ctx := context.Background()
	if s.ApproveConsent == nil { // a sandbox played as a real platform
		s.ApproveConsent = func(ctx context.Context, url string) error { return sandbox.Consent(ctx, url, true) }
	}
	a, err := s.Authorize(ctx, creds)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	if err := s.Approve(ctx, a.URL); err != nil {
		t.Fatal(err)
	}
	res := <-a.Done
	if res.Err != nil {
		t.Fatal(res.Err)
	}
	return request(creds, res.Code, a.CallbackURL, name)
}

// oneInstanceWithToken checks the sandbox holds exactly want instances and
// that the one the create asked for as name has its token here.
func oneInstanceWithToken(t *testing.T, sb *sandbox.Running, st *keystore.Store, name string, want int) sandbox.Instance {
	t.Helper()
	got := sb.Instances()
	if len(got) != want {
		t.Fatalf("the platform holds %d instances, want %d", len(got), want)
	}
	tok, e, err := st.Token(name, sb.BaseURL)
	if err != nil {
		t.Fatalf("no token for %q: %v", name, err)
	}
	for _, in := range got {
		if fmt.Sprint(in.ID) == e.ID {
			if in.Token != tok {
				t.Fatalf("the token kept for %q is not instance %d's", name, in.ID)
			}
			if left, _ := st.PendingCreates(); len(left) != 0 {
				t.Fatalf("%d pending records left", len(left))
			}
			return in
		}
	}
	t.Fatalf("the entry %q points at id %s, which the platform does not hold", name, e.ID)
	return sandbox.Instance{}
}

// A gateway's 5xx page after the platform made the instance: the outcome
// is unknown, the Session looks at once, finds it and stores its token.
// Before, the token was lost and the user was told to try again.
func TestCreateGatewayAfterCreateFindsIt(t *testing.T) {
	defer flow.SetSettleLooks(0, 50*time.Millisecond)()
	for _, status := range []int{http.StatusInternalServerError, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		t.Run(fmt.Sprint(status), func(t *testing.T) {
			sb := testkit.Sandbox(t, sandbox.Options{LoseCreates: 1, LoseStatus: status})
			s, _ := newSession(t, false)
			creds := sb.Credentials("")
			created, err := s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: authorizeSession(t, s, creds, "gw")})
			if err != nil {
				t.Fatalf("create: %v", err)
			}
			if created.AnswerLost == nil || !strings.Contains(created.AnswerLost.Error(), fmt.Sprint(status)) {
				t.Fatalf("AnswerLost = %v", created.AnswerLost)
			}
			oneInstanceWithToken(t, sb, s.Store, "gw", 1)
		})
	}
}

// A gateway's 5xx before the platform made anything: the Session looks,
// finds nothing, clears the record and says a retry makes no duplicate;
// the retry makes exactly one instance.
func TestCreateGatewayBeforeCreateOffersRetry(t *testing.T) {
	defer flow.SetSettleLooks(0, 50*time.Millisecond)()
	sb := testkit.Sandbox(t, sandbox.Options{FailCreate: 1, FailStatus: http.StatusServiceUnavailable})
	s, _ := newSession(t, false)
	creds := sb.Credentials("")
	req := flow.CreateRequest{Creds: creds, Instance: authorizeSession(t, s, creds, "before")}
	_, err := s.Create(context.Background(), req)
	if !errors.Is(err, flow.ErrNothingCreated) || errors.Is(err, platform.ErrAnswerLost) || !strings.Contains(err.Error(), "503") {
		t.Fatalf("err = %v", err)
	}
	if left, _ := s.Store.PendingCreates(); len(left) != 0 || len(sb.Instances()) != 0 {
		t.Fatalf("%d records, %d instances", len(left), len(sb.Instances()))
	}
	if _, err := s.Create(context.Background(), req); err != nil { // the code was not used up
		t.Fatal(err)
	}
	oneInstanceWithToken(t, sb, s.Store, "before", 1)
}

// The platform renamed the instance (trimmed, suffixed) and the answer was
// lost: the instance is found under its new name and its token stored
// under the name asked for. Before, recover found no exact name and
// cleared the record as "nothing created".
func TestCreateRenamedAnswerLost(t *testing.T) {
	defer flow.SetSettleLooks(0)()
	sb := testkit.Sandbox(t, sandbox.Options{DropCreate: true, Rename: true})
	s, _ := newSession(t, false)
	creds := sb.Credentials("")
	created, err := s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: authorizeSession(t, s, creds, "renamed")})
	if err != nil || created.AnswerLost == nil {
		t.Fatalf("create: %v (lost: %v)", err, created.AnswerLost)
	}
	in := oneInstanceWithToken(t, sb, s.Store, "renamed", 1)
	if in.Name == "renamed" || created.Saved.Entry.PlatformName != in.Name {
		t.Fatalf("platform name %q, recorded %q", in.Name, created.Saved.Entry.PlatformName)
	}
}

// An older instance of the same name (a colleague's) is on the platform:
// a lost answer adopts the new one, never the old. Before, the newest of
// the same name was taken whatever its creation time; with the colleague's
// made later than ours but before the record (listed before the create),
// it was taken.
func TestCreateLostAnswerSkipsOlderSameName(t *testing.T) {
	defer flow.SetSettleLooks(0)()
	sb := testkit.Sandbox(t, sandbox.Options{DropCreate: true})
	old := sb.Put(sandbox.Instance{Name: "shared", Connector: platform.DefaultConnector, Created: time.Now().Add(-time.Hour)})
	s, _ := newSession(t, false)
	creds := sb.Credentials("")
	req := authorizeSession(t, s, creds, "shared")
	colleague := sb.Put(sandbox.Instance{ID: 1 << 40, Name: "shared", Connector: platform.DefaultConnector}) // newer id, made before our create
	if _, err := s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: req}); err != nil {
		t.Fatal(err)
	}
	in := oneInstanceWithToken(t, sb, s.Store, "shared", 3)
	if in.ID == old.ID || in.ID == colleague.ID {
		t.Fatalf("adopted someone else's instance %d", in.ID)
	}
}

// Several new candidates: shown, never guessed; the record is kept and
// nothing is cleared as "nothing created"; Adopt settles it with the one
// chosen, honouring the create's choices.
func TestRecoverSeveralCandidatesThenAdopt(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	s, _ := newSession(t, false)
	creds := sb.Credentials("")
	p, err := s.Store.Begin(keystore.Pending{Name: "twin", Connector: platform.DefaultConnector, BaseURL: sb.BaseURL, Listed: true, Insecure: true})
	if err != nil {
		t.Fatal(err)
	}
	a := sb.Put(sandbox.Instance{Name: "twin", Connector: platform.DefaultConnector})
	b := sb.Put(sandbox.Instance{Name: "twin", Connector: platform.DefaultConnector})
	found, err := s.Recover(context.Background(), creds)
	if err != nil || len(found) != 1 || found[0].Settled() || len(found[0].Candidates) != 2 {
		t.Fatalf("%+v %v", found, err)
	}
	if !strings.Contains(found[0].String(), fmt.Sprint(a.ID)) || !strings.Contains(found[0].String(), fmt.Sprint(b.ID)) {
		t.Fatalf("candidates not shown: %s", found[0])
	}
	if left, _ := s.Store.PendingCreates(); len(left) != 1 {
		t.Fatal("the record was not kept")
	}
	if _, err := s.Adopt(context.Background(), creds, p, platform.ID(fmt.Sprint(b.ID))); err != nil {
		t.Fatal(err)
	}
	tok, e, err := s.Store.Token("twin", sb.BaseURL)
	if err != nil || tok != b.Token || e.Storage != keystore.InFile {
		t.Fatalf("token %v, storage %v", err, e.Storage)
	}
	if left, _ := s.Store.PendingCreates(); len(left) != 0 {
		t.Fatal("the record was not cleared")
	}
}

// A lost answer whose look also fails keeps the record with the create's
// choices; a later recovery stores the token in the file (--insecure-storage),
// remembers the secrets (--remember) and replaces the local entry of that
// name (--replace). Before, all three were ignored.
func TestRecoveryHonoursInsecureAndRemember(t *testing.T) {
	defer flow.SetSettleLooks(0)()
	sb := testkit.Sandbox(t, sandbox.Options{DropCreate: true})
	s, mem := newSession(t, false)
	creds := sb.Credentials("")
	req := flow.CreateRequest{Creds: creds, Instance: authorizeSession(t, s, creds, "choices"), Insecure: true, Remember: true, Replace: true}
	if _, err := s.Store.Save(keystore.Entry{Name: "choices", ID: "999", Connector: platform.DefaultConnector, BaseURL: sb.BaseURL}, "old-token", true); err != nil {
		t.Fatal(err)
	}
	sb.FailLists(1000)
	_, err := s.Create(context.Background(), req)
	var un *flow.UnsettledError
	if !errors.As(err, &un) || !errors.Is(err, platform.ErrAnswerLost) {
		t.Fatalf("err = %v", err)
	}
	left, _ := s.Store.PendingCreates()
	if len(left) != 1 || !left[0].Insecure || !left[0].Remember {
		t.Fatalf("record %+v", left)
	}
	sb.FailLists(0)
	found, err := s.Recover(context.Background(), creds)
	if err != nil || len(found) != 1 || !found[0].Found || !found[0].Remembered {
		t.Fatalf("%+v %v", found, err)
	}
	if e := found[0].Saved.Entry; e.Storage != keystore.InFile || e.Name != "choices" || found[0].Saved.Replaced == nil {
		t.Fatalf("stored in %v as %q (replaced %v), want the file, replacing", e.Storage, e.Name, found[0].Saved.Replaced)
	}
	if _, ok := s.Remembered(sb.BaseURL); !ok || len(mem.Items()) == 0 {
		t.Fatal("secrets not remembered")
	}
	oneInstanceWithToken(t, sb, s.Store, "choices", 1)
	if list, _ := s.Store.Entries(); len(list) != 1 {
		t.Fatalf("%d local entries, want the replaced one only", len(list))
	}
}

// seedAnswer is the seed's create answer, with one configuration value
// sent as a number.
const seedAnswer = `{"id": 123, "name": "Test", "token": "5MOr3Sl/E4kww6mTjmjBYV/hAUAzz1g=",
  "your_mom": {"id": 1234, "name": "OneDrive for Business Beta", "key": "onedrivebusiness", "active": true, "resources": [], "maxCacheSize": 0,
    "configuration": {"base.url": "https://{siteAddress}/_api/v2.0/me", "pagination.type": null, "oauth.user.refresh_interval": 3599,
      "document.tagging": false, "oauth.user.token": "<OAUTH_USER_TOKEN>", "nested": {"a": [1, 2]}},
    "eventsEnabled": false}}`

// The seed's answer with a number among the configuration values is a
// created instance, not a lost answer. Before, it was "not the expected
// JSON" and the create counted as lost though the token arrived.
func TestCreateSeedAnswerNumericConfig(t *testing.T) {
	srv := httptestJSON(t, http.StatusOK, seedAnswer)
	c := platform.NewClient(srv, "u", "o", "t")
	inst, err := c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "Test"})
	if err != nil {
		t.Fatal(err)
	}
	conf := inst.Connector.Configuration
	if inst.ID != "123" || inst.Token.Reveal() != "5MOr3Sl/E4kww6mTjmjBYV/hAUAzz1g=" || conf["oauth.user.refresh_interval"] != "3599" || conf["document.tagging"] != "false" || conf["pagination.type"] != "" {
		t.Fatalf("%+v %v", inst, conf)
	}
}

// A create answer that cannot be decoded never has its body in the error
// (it holds the token): the error names the field or the byte, and the
// outcome is unknown. Before, the first 120 characters were printed.
func TestDecodeErrorNeverEchoesTheToken(t *testing.T) {
	const tok = "TOKEN-5MOr3Sl-E4kww6mTjmjBYV"
	for name, body := range map[string]string{
		"truncated":      `{"id":1,"name":"x","token":"` + tok + `","your_mom":{"key":`,
		"wrong type":     `{"id":1,"name":{"first":"x"},"token":"` + tok + `"}`,
		"token a number": `{"id":1,"token":12345678901234567890,"name":"` + tok + `"}`,
	} {
		t.Run(name, func(t *testing.T) {
			c := platform.NewClient(httptestJSON(t, http.StatusOK, body), "u", "o", "t")
			_, err := c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "x"})
			if platform.OutcomeOf(err) != platform.Unknown || strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), "12345678") {
				t.Fatalf("%v", err)
			}
		})
	}
	// A 500 page that echoes the token: no excerpt of it.
	c := platform.NewClient(httptestJSON(t, http.StatusInternalServerError, `<pre>upstream said {"token":"`+tok+`"}</pre>`), "u", "o", "t")
	_, err := c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "x"})
	if platform.OutcomeOf(err) != platform.Unknown || strings.Contains(err.Error(), tok) || strings.Contains(err.Error(), "try again") {
		t.Fatalf("%v", err)
	}
}

// The classification of create outcomes, one row per kind of answer.
func TestCreateOutcomes(t *testing.T) {
	for _, tc := range []struct {
		status int
		body   string
		want   platform.Outcome
	}{
		{200, `{"id":1,"token":"t"}`, platform.Created},
		{400, `{"message":"Missing required configuration entries: a.b"}`, platform.Refused},
		{401, `{"message":"Invalid secret"}`, platform.Refused},
		{404, ``, platform.Refused},
		{404, `<html>not found</html>`, platform.Unknown}, // a page, not the platform's error
		{408, `{"message":"timeout"}`, platform.Unknown},
		{500, `{"message":"oops"}`, platform.Unknown},
		{502, ``, platform.Unknown},
		{503, `{"message":"busy"}`, platform.Unknown},
		{504, `<html>gateway</html>`, platform.Unknown},
		{200, `<html>login</html>`, platform.Unknown},
		{200, `{"id":1}`, platform.Unknown}, // no token
		{201, ``, platform.Unknown},
	} {
		c := platform.NewClient(httptestJSON(t, tc.status, tc.body), "u", "o", "t")
		_, err := c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "x"})
		if got := platform.OutcomeOf(err); got != tc.want {
			t.Errorf("%d %q: %v (%v), want %v", tc.status, tc.body, got, err, tc.want)
		}
	}
}

func httptestJSON(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(jsonStatus(status, body))
	t.Cleanup(srv.Close)
	return srv.URL
}
