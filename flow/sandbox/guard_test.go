package sandbox_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// A page elsewhere posting the consent form (CSRF) gets no code: the form
// carries a single-use token the consent page issued for that
// authorization.
func TestConsentFormForgedWithoutCSRFTokenGetsNothing(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	origin := strings.TrimSuffix(sb.BaseURL, sandbox.APIPath)
	const ru = "http://127.0.0.1:8750/callback"
	q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DefaultClientID}, "redirect_uri": {ru}, "state": {"s"}}
	_, page := get(t, origin+"/oauth/authorize?"+q.Encode())
	tok := csrfOf(page)
	form := url.Values{"client_id": {sandbox.DefaultClientID}, "redirect_uri": {ru}, "state": {"s"}, "decision": {"approve"}}
	for _, forged := range []string{"", "made-up", tok + "x"} {
		form.Set("csrf", forged)
		if status, loc, _ := postForm(t, origin+"/oauth/consent", form); status != http.StatusForbidden || loc != "" {
			t.Errorf("csrf %q: %d %q", forged, status, loc)
		}
	}
	// The token is bound to its authorization's state.
	form.Set("csrf", tok)
	form.Set("state", "other")
	if status, _, _ := postForm(t, origin+"/oauth/consent", form); status != http.StatusForbidden {
		t.Errorf("another state: %d", status)
	}
	if n := len(sb.IssuedCodes()); n != 0 {
		t.Fatalf("%d codes issued", n)
	}
}

// A DNS-rebinding page (a foreign Host) is answered 400, API and consent
// alike.
func TestSandboxRefusesForeignHost(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	origin := strings.TrimSuffix(sb.BaseURL, sandbox.APIPath)
	for _, path := range []string{"/oauth/authorize?response_type=code", sandbox.APIPath + "/instances"} {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, origin+path, nil)
		req.Host = "rebind.attacker.example"
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		_ = resp.Body.Close()
		if resp.StatusCode != http.StatusBadRequest {
			t.Errorf("%s: %d", path, resp.StatusCode)
		}
	}
}

// The sandbox sends a browser only to this machine: a registered remote
// redirect URI is shown, never redirected to.
func TestSandboxNeverRedirectsOffMachine(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	const remote = "https://app.example.com/oauth/callback"
	_, u := authURL(t, sb, "", remote)
	origin := strings.TrimSuffix(sb.BaseURL, sandbox.APIPath)
	au, _ := url.Parse(u)
	_, page := get(t, u)
	q := au.Query()
	status, loc, body := postForm(t, origin+"/oauth/consent", url.Values{"client_id": {q.Get("client_id")}, "redirect_uri": {remote}, "state": {q.Get("state")}, "decision": {"approve"}, "csrf": {csrfOf(page)}})
	if status != http.StatusOK || loc != "" || !strings.Contains(body, remote) {
		t.Fatalf("%d %q %s", status, loc, body)
	}
}
