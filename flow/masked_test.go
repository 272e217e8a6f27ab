package flow_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
)

// A platform error that echoes the request (apiSecret=…, the code, the
// secrets percent-encoded) shows masks, never the values: in the error's
// text and in the *APIError fields a front-end reads.
func TestPlatformErrorEchoingSecretIsMasked(t *testing.T) {
	const clientSecret, userSecret, code = "cl!ent+s3cret/value", "us3r-secret-value", "the-c0de-value"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet && r.URL.Path == "/instances" {
			_, _ = w.Write([]byte("[]"))
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusBadRequest)
		_ = json.NewEncoder(w).Encode(map[string]string{
			"message":         "bad request apiSecret=" + clientSecret + " code=" + code + " user=" + userSecret,
			"providerMessage": "client_secret=" + url.QueryEscape(clientSecret),
			"requestId":       "r-" + url.PathEscape(clientSecret),
		})
	}))
	defer srv.Close()
	s, _ := newSession(t, false)
	creds := flow.Credentials{BaseURL: srv.URL, UserSecret: userSecret, OrgSecret: "org-secret-value", Connector: "c", ClientID: "id", ClientSecret: clientSecret, CallbackURL: "https://app.example/cb"}
	// The code was never sent to the authorize call: only the create knows it.
	check := func(what string, err error, values ...string) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		texts := []string{err.Error()}
		if e, ok := platform.AsAPIError(err); ok {
			texts = append(texts, e.Message, e.ProviderMessage, e.RequestID, e.Excerpt)
		} else {
			t.Fatalf("%s: the *APIError is lost: %v", what, err)
		}
		all := strings.Join(texts, " ")
		for _, v := range append(values, clientSecret, url.QueryEscape(clientSecret), url.PathEscape(clientSecret), userSecret) {
			if strings.Contains(all, v) {
				t.Errorf("%s shows %q: %s", what, v, all)
			}
		}
	}
	_, err := s.Authorize(context.Background(), creds)
	check("authorize", err)
	_, err = s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: platform.InstanceRequest{Connector: "c", Code: code, ClientID: "id", ClientSecret: clientSecret, CallbackURL: creds.CallbackURL, Name: "n"}, Insecure: true})
	check("create", err, code)
}
