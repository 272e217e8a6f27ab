package flow_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/connectwiz/connectwiz/flow/platform"
)

// TestClientFollowsNoRedirect: a platform that answers with a redirect to
// another server must not make the client send anything there — no request,
// so neither the Authorization header nor the body.
func TestClientFollowsNoRedirect(t *testing.T) {
	var captured atomic.Int32
	capture := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		captured.Add(1)
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"oauthUrl":"https://evil.example/a","id":1,"token":"t"}`))
	}))
	defer capture.Close()
	captureHost := strings.TrimPrefix(capture.URL, "http://")

	for _, status := range []int{http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther, http.StatusTemporaryRedirect, http.StatusPermanentRedirect} {
		var platformHits atomic.Int32
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			platformHits.Add(1)
			w.Header().Set("Location", capture.URL+r.URL.RequestURI())
			w.WriteHeader(status)
		}))
		c := platform.NewClient(srv.URL, "user-s3cret", "org-s3cret", "test")
		c.Retries = 3
		ctx := context.Background()
		calls := map[string]func() error{
			"POST /instances": func() error {
				_, err := c.CreateInstance(ctx, platform.InstanceRequest{Connector: "onedrivebusiness", Code: "the-code", ClientID: "cid", ClientSecret: "csec", CallbackURL: "http://127.0.0.1:1/cb", Name: "n"})
				return err
			},
			"GET /instances": func() error { _, err := c.Instances(ctx); return err },
			"GET /instances/{id}": func() error {
				_, err := c.Instance(ctx, "42")
				return err
			},
			"GET oauth/url": func() error {
				_, err := c.AuthURL(ctx, platform.AuthURLRequest{Connector: "onedrivebusiness", ClientID: "cid", ClientSecret: "csec", CallbackURL: "http://127.0.0.1:1/cb", State: "st"})
				return err
			},
			"check secrets": func() error { return c.CheckSecrets(ctx) },
			"DELETE":        func() error { return c.DeleteInstance(ctx, "42") },
		}
		for name, call := range calls {
			platformHits.Store(0)
			err := call()
			if err == nil {
				t.Errorf("%d %s: no error", status, name)
				continue
			}
			msg := err.Error()
			if !strings.Contains(msg, "redirect") || !strings.Contains(msg, captureHost) || !strings.Contains(msg, "follows no redirects") {
				t.Errorf("%d %s: message does not say redirect to %s: %v", status, name, captureHost, msg)
			}
			if strings.Contains(msg, "s3cret") || strings.Contains(msg, "csec") {
				t.Errorf("%d %s: message leaks a secret: %v", status, name, msg)
			}
			if e, ok := platform.AsAPIError(err); !ok || e.Status != status {
				t.Errorf("%d %s: not an *APIError with the status: %#v", status, name, err)
			}
			if n := platformHits.Load(); n != 1 {
				t.Errorf("%d %s: the platform was asked %d times (a redirect is not retried)", status, name, n)
			}
		}
		srv.Close()
	}
	if n := captured.Load(); n != 0 {
		t.Fatalf("the redirect target received %d requests", n)
	}
}

// TestClientRedirectLocationSanitized: a hostile Location is named by its
// host only, made safe for a terminal.
func TestClientRedirectLocationSanitized(t *testing.T) {
	for _, tt := range []struct{ location, want, not string }{
		{"https://evil.example:8443/steal?apiSecret=csec", "evil.example:8443", "csec"},
		{"/relative/path", "", "relative"},
		{"", "without a location", ""},
		{"http://%e2%80%ae.example/", ".example", "\u202e"},
	} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if tt.location != "" {
				w.Header()["Location"] = []string{tt.location}
			}
			w.WriteHeader(http.StatusTemporaryRedirect)
		}))
		c := platform.NewClient(srv.URL, "u", "o", "test")
		err := c.CheckSecrets(context.Background())
		srv.Close()
		if err == nil {
			t.Fatalf("%q: no error", tt.location)
		}
		msg := err.Error()
		want := tt.want
		if want == "" {
			want = strings.TrimPrefix(srv.URL, "http://") // a relative Location stays on the platform
		}
		if !strings.Contains(msg, want) || (tt.not != "" && strings.Contains(msg, tt.not)) {
			t.Errorf("%q: %v", tt.location, msg)
		}
		for _, r := range msg {
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || (r >= 0x202a && r <= 0x202e) {
				t.Errorf("%q: message carries %U", tt.location, r)
			}
		}
	}
}
