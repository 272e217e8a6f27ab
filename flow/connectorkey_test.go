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

func TestCheckConnectorKey(t *testing.T) {
	tests := []struct {
		key  string
		ok   bool
		says string
	}{
		{"onedrivebusiness", true, ""},
		{"google-drive_v2.beta", true, ""},
		{"A9", true, ""},
		{strings.Repeat("k", 100), true, ""},
		{"", false, "empty"},
		{strings.Repeat("k", 101), false, "100"},
		{".", false, "."},
		{"..", false, ".."},
		{"a..b", false, ".."},
		{"../instances", false, ".."},
		{"a/b", false, "letters"},
		{"a b", false, "letters"},
		{"a?x=1", false, "letters"},
		{"a#f", false, "letters"},
		{"a%2fb", false, "letters"},
		{"drive\u202e", false, "letters"},
		{"drivé", false, "letters"},
		{"x\x1b[2J", false, "letters"},
	}
	for _, tt := range tests {
		err := platform.CheckConnectorKey(tt.key)
		if (err == nil) != tt.ok {
			t.Errorf("CheckConnectorKey(%q) = %v, want ok=%v", tt.key, err, tt.ok)
			continue
		}
		if err != nil {
			msg := err.Error()
			if !strings.Contains(msg, tt.says) || !strings.Contains(msg, "connector key") {
				t.Errorf("CheckConnectorKey(%q) = %q, want it to mention %q", tt.key, msg, tt.says)
			}
			if strings.ContainsAny(msg, "\x1b\u202e") {
				t.Errorf("CheckConnectorKey(%q) echoes control characters: %q", tt.key, msg)
			}
		}
	}
}

func TestAuthURLChecksConnectorKey(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = w.Write([]byte(`{"oauthUrl":"https://provider.example/a"}`))
	}))
	defer srv.Close()
	c := platform.NewClient(srv.URL, "u", "o", "test")
	for _, key := range []string{"../instances", "..", "a/b", ""} {
		_, err := c.AuthURL(context.Background(), platform.AuthURLRequest{Connector: key, ClientID: "cid", ClientSecret: "s", CallbackURL: "http://127.0.0.1:1/cb", State: "st"})
		if err == nil || !strings.Contains(err.Error(), "connector key") {
			t.Errorf("%q: %v", key, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the platform received %d requests for invalid connector keys", n)
	}
}
