package flow_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

func newClient(c flow.Credentials) *platform.Client {
	cl := platform.NewClient(c.BaseURL, c.UserSecret, c.OrgSecret, "test")
	cl.MaxRetryWait = 50 * time.Millisecond
	return cl
}

// authorizeAndApprove runs the authorize step and plays the user: it
// returns the code the callback delivered and the callback URL used.
func authorizeAndApprove(t *testing.T, c *platform.Client, creds flow.Credentials) (secret.Secret, string) {
	t.Helper()
	ctx := context.Background()
	a, err := flow.Authorize(ctx, c, creds, nil)
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error, 1)
	go func() { errc <- sandbox.Consent(ctx, a.URL, true) }()
	code, err := a.Listener.Wait(ctx, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	return code, a.CallbackURL
}

func request(creds flow.Credentials, code secret.Secret, callback, name string) platform.InstanceRequest {
	return flow.NewInstanceRequest(creds, code, callback, name, []string{"t1"}, nil)
}

func TestClientFullCycle(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	c := newClient(creds)
	ctx := context.Background()

	code, cb := authorizeAndApprove(t, c, creds)
	inst, err := c.CreateInstance(ctx, request(creds, code, cb, "drive-1"))
	if err != nil {
		t.Fatal(err)
	}
	held := sb.Instances()
	if len(held) != 1 || held[0].Token != inst.Token.Reveal() || string(inst.ID) != fmt.Sprint(held[0].ID) {
		t.Fatalf("created %+v, sandbox holds %+v", inst, held)
	}
	if inst.Name != "drive-1" || inst.Connector.Key != platform.DefaultConnector || len(inst.Tags) != 1 {
		t.Fatalf("instance decoded as %+v", inst)
	}
	for k, v := range inst.Connector.Configuration {
		if secret.IsSecretKey(k) && v != secret.Mask {
			t.Errorf("configuration %s kept its secret value", k)
		}
	}
	if inst.Connector.Configuration["oauth.user.token"] != secret.Mask {
		t.Errorf("oauth.user.token not masked: %q", inst.Connector.Configuration["oauth.user.token"])
	}

	list, err := c.Instances(ctx)
	if err != nil || len(list) != 1 || list[0].Token != inst.Token {
		t.Fatalf("list = %+v, %v", list, err)
	}
	got, err := c.Instance(ctx, inst.ID)
	if err != nil || got.Token != inst.Token {
		t.Fatalf("get = %+v, %v", got, err)
	}
	if err := c.DeleteInstance(ctx, inst.ID); err != nil {
		t.Fatal(err)
	}
	if len(sb.Instances()) != 0 {
		t.Fatal("instance not deleted")
	}
	_, err = c.Instance(ctx, inst.ID)
	if e, ok := platform.AsAPIError(err); !ok || e.Status != http.StatusNotFound {
		t.Fatalf("get after delete: %v", err)
	}

	// The code is single use.
	_, err = c.CreateInstance(ctx, request(creds, code, cb, "drive-2"))
	if e, ok := platform.AsAPIError(err); !ok || e.Status != 400 || !strings.Contains(e.ProviderMessage, "invalid_grant") {
		t.Fatalf("reused code: %v", err)
	}
}

func TestClientWireContract(t *testing.T) {
	var got *http.Request
	var body string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Clone(context.Background())
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		if r.Method == http.MethodGet {
			_, _ = fmt.Fprint(w, `{"oauthUrl":"https://provider.example/authorize?x=1","your_mom":"onedrivebusiness"}`)
			return
		}
		_, _ = fmt.Fprint(w, `{"id":123,"name":"Test","token":"tok","unknownField":true,"your_mom":{"id":1234,"key":"onedrivebusiness","configuration":{"pagination.type":null,"oauth.api.secret":"s3","base.url":"b"}}}`)
	}))
	defer srv.Close()
	c := platform.NewClient(srv.URL+"/", "US", "OS", "1.2.3")
	ctx := context.Background()

	u, err := c.AuthURL(ctx, platform.AuthURLRequest{Connector: "onedrivebusiness", ClientID: "cid", ClientSecret: "csec", CallbackURL: "http://127.0.0.1:8750/callback", State: "st"})
	if err != nil || u != "https://provider.example/authorize?x=1" {
		t.Fatalf("AuthURL = %q, %v", u, err)
	}
	if got.URL.Path != "/your_moms/onedrivebusiness/oauth/url" {
		t.Errorf("path %q", got.URL.Path)
	}
	q := got.URL.Query()
	want := url.Values{"apiKey": {"cid"}, "apiSecret": {"csec"}, "callbackUrl": {"http://127.0.0.1:8750/callback"}, "state": {"st"}}
	if q.Encode() != want.Encode() {
		t.Errorf("query %v, want %v", q, want)
	}
	if ua := got.Header.Get("User-Agent"); ua != "connectwiz/1.2.3" {
		t.Errorf("User-Agent %q", ua)
	}

	inst, err := c.CreateInstance(ctx, platform.InstanceRequest{Connector: "onedrivebusiness", Code: "the-code", ClientID: "cid", ClientSecret: "csec", CallbackURL: "http://cb", Extra: map[string]string{"onedrivebusiness.site.address": "x.sharepoint.com"}, Name: "n"})
	if err != nil {
		t.Fatal(err)
	}
	if h := got.Header.Get("Authorization"); h != "User US, Organization OS" {
		t.Errorf("Authorization %q", h)
	}
	if ct := got.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}
	wantBody := `{"configuration":{"oauth.api.key":"cid","oauth.api.secret":"csec","oauth.callback.url":"http://cb","onedrivebusiness.site.address":"x.sharepoint.com"},"name":"n","providerData":{"code":"the-code"},"tags":[],"your_mom":{"key":"onedrivebusiness"}}`
	if body != wantBody {
		t.Errorf("body\n got %s\nwant %s", body, wantBody)
	}
	if inst.ID != "123" || inst.Token.Reveal() != "tok" || inst.Connector.Configuration["oauth.api.secret"] != secret.Mask || inst.Connector.Configuration["base.url"] != "b" {
		t.Errorf("decoded %+v", inst)
	}
}

func TestClientErrors(t *testing.T) {
	tests := []struct {
		name    string
		handler http.HandlerFunc
		call    string // "get" or "post"
		check   func(t *testing.T, err error)
	}{
		{"401 names the secrets", jsonStatus(401, `{"message":"Invalid Organization or User secret","requestId":"r1"}`), "post", func(t *testing.T, err error) {
			e, ok := platform.AsAPIError(err)
			if !ok || !e.Unauthorized() || e.RequestID != "r1" || !strings.Contains(err.Error(), "User or Organization secret") {
				t.Fatalf("%v", err)
			}
		}},
		{"400 missing config", jsonStatus(400, `{"message":"Please provide the required fields: onedrivebusiness.site.address and my.other_key (e.g. a site)."}`), "post", func(t *testing.T, err error) {
			e, _ := platform.AsAPIError(err)
			if e == nil || strings.Join(e.Missing, ",") != "onedrivebusiness.site.address,my.other_key" {
				t.Fatalf("missing = %v (%v)", e, err)
			}
		}},
		{"400 provider message", jsonStatus(400, `{"message":"bad code","providerMessage":"invalid_grant"}`), "post", func(t *testing.T, err error) {
			e, _ := platform.AsAPIError(err)
			if e == nil || e.ProviderMessage != "invalid_grant" || len(e.Missing) != 0 {
				t.Fatalf("%v", err)
			}
		}},
		{"404", jsonStatus(404, `{"message":"No your_mom found"}`), "get", func(t *testing.T, err error) {
			if e, _ := platform.AsAPIError(err); e == nil || e.Status != 404 || !strings.Contains(err.Error(), "connector key") {
				t.Fatalf("%v", err)
			}
		}},
		{"html error page", func(w http.ResponseWriter, _ *http.Request) {
			w.WriteHeader(500)
			_, _ = fmt.Fprint(w, "<html><body><h1>Internal \x1b[31mError</h1></body></html>")
		}, "post", func(t *testing.T, err error) {
			e, _ := platform.AsAPIError(err)
			if e == nil || e.Status != 500 || e.Excerpt != "Internal [31mError" {
				t.Fatalf("%#v", e)
			}
		}},
		{"non-JSON success", func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, "<html>login page</html>") }, "get", func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "not the expected JSON (syntax error at byte 1)") || strings.Contains(err.Error(), "login page") {
				t.Fatalf("%v", err)
			}
		}},
		{"truncated JSON", func(w http.ResponseWriter, _ *http.Request) { _, _ = fmt.Fprint(w, `{"id":1,"name":"x","tok`) }, "post", func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "not the expected JSON") {
				t.Fatalf("%v", err)
			}
		}},
		{"oversized body", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = w.Write([]byte(`{"a":"` + strings.Repeat("x", 10<<20) + `"}`))
		}, "get", func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "larger than") {
				t.Fatalf("%v", err)
			}
		}},
		{"non-http authorize URL", func(w http.ResponseWriter, _ *http.Request) {
			_, _ = fmt.Fprint(w, `{"oauthUrl":"file:///etc/passwd"}`)
		}, "get", func(t *testing.T, err error) {
			if err == nil || !strings.Contains(err.Error(), "not http or https") {
				t.Fatalf("%v", err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(tt.handler)
			defer srv.Close()
			c := platform.NewClient(srv.URL, "u", "o", "t")
			c.Retries = 0
			var err error
			if tt.call == "get" {
				_, err = c.AuthURL(context.Background(), platform.AuthURLRequest{Connector: "k", State: "s"})
			} else {
				_, err = c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "n"})
			}
			tt.check(t, err)
		})
	}
}

func jsonStatus(status int, body string) http.HandlerFunc {
	return func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = fmt.Fprint(w, body)
	}
}

func TestClientRetriesGETsOnly(t *testing.T) {
	var gets, posts atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodPost {
			posts.Add(1)
			w.WriteHeader(http.StatusBadGateway)
			return
		}
		switch gets.Add(1) {
		case 1:
			w.WriteHeader(http.StatusServiceUnavailable)
		case 2:
			w.Header().Set("Retry-After", "0")
			w.WriteHeader(http.StatusTooManyRequests)
		case 3: // reset the connection
			hj, _ := w.(http.Hijacker)
			conn, _, _ := hj.Hijack()
			_ = conn.(*net.TCPConn).SetLinger(0)
			_ = conn.Close()
		default:
			_, _ = fmt.Fprint(w, `[]`)
		}
	}))
	defer srv.Close()
	c := platform.NewClient(srv.URL, "u", "o", "t")
	if _, err := c.Instances(context.Background()); err != nil {
		t.Fatalf("after 3 transient failures: %v", err)
	}
	if gets.Load() != 4 {
		t.Errorf("GETs = %d, want 4", gets.Load())
	}
	_, err := c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "n"})
	if e, ok := platform.AsAPIError(err); !ok || e.Status != http.StatusBadGateway {
		t.Fatalf("create: %v", err)
	}
	if posts.Load() != 1 {
		t.Errorf("POSTs = %d, want exactly 1 (never retried)", posts.Load())
	}
}

func TestClientRetryAfterTooLong(t *testing.T) {
	var n atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		n.Add(1)
		w.Header().Set("Retry-After", "3600")
		w.WriteHeader(http.StatusTooManyRequests)
	}))
	defer srv.Close()
	c := platform.NewClient(srv.URL, "u", "o", "t")
	_, err := c.Instances(context.Background())
	if e, ok := platform.AsAPIError(err); !ok || e.Status != 429 || !strings.Contains(err.Error(), "rate limiting") {
		t.Fatalf("%v", err)
	}
	if n.Load() != 1 {
		t.Errorf("waited out a Retry-After of an hour: %d calls", n.Load())
	}
}

func TestClientTimeoutAndUnreachable(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body) // lets the server notice the client leaving
		select {
		case <-r.Context().Done():
		case <-time.After(5 * time.Second):
		}
	}))
	defer srv.Close()
	c := platform.NewClient(srv.URL, "u", "o", "t")
	c.Timeout = 100 * time.Millisecond
	_, err := c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "n"})
	if err == nil || !strings.Contains(err.Error(), "did not answer in time") || !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("%v", err)
	}

	ln, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := ln.Addr().String()
	_ = ln.Close()
	c = platform.NewClient("http://"+addr, "u", "o", "t")
	c.Retries = 1
	_, err = c.AuthURL(context.Background(), platform.AuthURLRequest{Connector: "k", ClientSecret: "TOPSECRET", State: "STATEVALUE"})
	if err == nil || !strings.Contains(err.Error(), "cannot reach the platform") {
		t.Fatalf("%v", err)
	}
	if strings.Contains(err.Error(), "TOPSECRET") || strings.Contains(err.Error(), "STATEVALUE") {
		t.Fatalf("error leaks a secret: %v", err)
	}
}

func TestSandboxValidation(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{RequireConfig: []string{"onedrivebusiness.site.address"}})
	creds := sb.Credentials("")
	c := newClient(creds)
	ctx := context.Background()

	bad := newClient(creds)
	bad.User = "wrong"
	if _, err := bad.Instances(ctx); err == nil || !strings.Contains(err.Error(), "401") {
		t.Fatalf("wrong user secret: %v", err)
	}
	wrongKey := creds
	wrongKey.Connector = "nosuch"
	if _, err := flow.Authorize(ctx, c, wrongKey, nil); err == nil || !strings.Contains(err.Error(), "404") {
		t.Fatalf("unknown connector: %v", err)
	}

	code, cb := authorizeAndApprove(t, c, creds)
	req := request(creds, code, cb, "needs-site")
	_, err := c.CreateInstance(ctx, req)
	e, ok := platform.AsAPIError(err)
	if !ok || strings.Join(e.Missing, ",") != "onedrivebusiness.site.address" {
		t.Fatalf("missing config: %v", err)
	}
	// Authorize afresh, as a user would after any refusal.
	code, cb = authorizeAndApprove(t, c, creds)
	req = request(creds, code, cb, "needs-site")
	req.Extra = map[string]string{"onedrivebusiness.site.address": "me.sharepoint.com"}
	if _, err := c.CreateInstance(ctx, req); err != nil {
		t.Fatal(err)
	}

	// A code is bound to its redirect URI.
	code, _ = authorizeAndApprove(t, c, creds)
	req = request(creds, code, "http://127.0.0.1:1/other", "x")
	req.Extra = map[string]string{"onedrivebusiness.site.address": "me.sharepoint.com"}
	if _, err := c.CreateInstance(ctx, req); err == nil || !strings.Contains(err.Error(), "redirect URI") {
		t.Fatalf("code on another redirect URI: %v", err)
	}
}

func TestSandboxFaults(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{FailCreate: 1})
	creds := sb.Credentials("")
	c := newClient(creds)
	code, cb := authorizeAndApprove(t, c, creds)
	_, err := c.CreateInstance(context.Background(), request(creds, code, cb, "x"))
	if e, ok := platform.AsAPIError(err); !ok || e.Status != 502 {
		t.Fatalf("fail-create: %v", err)
	}
	if len(sb.Instances()) != 0 {
		t.Fatal("a failed create created an instance")
	}

	sb = testkit.Sandbox(t, sandbox.Options{DropCreate: true})
	creds = sb.Credentials("")
	c = newClient(creds)
	code, cb = authorizeAndApprove(t, c, creds)
	_, err = c.CreateInstance(context.Background(), request(creds, code, cb, "dropped"))
	if _, isAPI := platform.AsAPIError(err); err == nil || isAPI {
		t.Fatalf("drop-create: %v", err)
	}
	if got := sb.Instances(); len(got) != 1 || got[0].Name != "dropped" {
		t.Fatalf("drop-create should still create: %+v", got)
	}
}
