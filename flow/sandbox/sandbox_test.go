package sandbox_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

func TestStartRefusesNonLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:0", ":0", "[::]:0", "192.168.1.10:0", "10.0.0.1:8751", "example.com:0", "localhost.example.com:0", "127.0.0.1"} {
		sb, err := sandbox.Start(addr, sandbox.Options{})
		if err == nil {
			_ = sb.Close()
			t.Errorf("%s was accepted", addr)
			continue
		}
		if !errors.Is(err, sandbox.ErrNotLoopback) {
			t.Errorf("%s: the error is not ErrNotLoopback: %v", addr, err)
		}
	}
	for _, addr := range []string{"127.0.0.1:0", "localhost:0", "[::1]:0"} {
		sb, err := sandbox.Start(addr, sandbox.Options{})
		if err != nil {
			if strings.Contains(addr, "::1") {
				t.Logf("no IPv6 loopback here: %v", err)
				continue
			}
			t.Fatalf("%s: %v", addr, err)
		}
		host, _, _ := net.SplitHostPort(strings.TrimPrefix(strings.TrimSuffix(sb.BaseURL, sandbox.APIPath), "http://"))
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			t.Errorf("%s: BaseURL %s", addr, sb.BaseURL)
		}
		_ = sb.Close()
	}
}

func TestStartAllowRemote(t *testing.T) {
	sb, err := sandbox.Start("0.0.0.0:0", sandbox.Options{AllowRemote: true})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sb.Close() }()
	// The BaseURL is one a client can use.
	if _, err := platform.NewClient(sb.BaseURL, sandbox.DefaultUserSecret, sandbox.DefaultOrgSecret, "test").Instances(context.Background()); err != nil {
		t.Fatalf("%s: %v", sb.BaseURL, err)
	}
}

// authURL asks the sandbox's platform for an authorize URL, with the given
// Host header.
func authURL(t *testing.T, sb *sandbox.Running, host, callback string) (int, string) {
	t.Helper()
	q := url.Values{"apiKey": {sandbox.DefaultClientID}, "apiSecret": {sandbox.DefaultClientSecret}, "callbackUrl": {callback}, "state": {"st-123"}}
	req, err := http.NewRequest(http.MethodGet, sb.BaseURL+"/"+platform.WireConnectors+"/"+platform.DefaultConnector+"/oauth/url?"+q.Encode(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	var out struct {
		OAuthURL string `json:"oauthUrl"`
	}
	b, _ := io.ReadAll(resp.Body)
	_ = json.Unmarshal(b, &out)
	return resp.StatusCode, out.OAuthURL
}

func TestOAuthURLFromListenAddressNotHost(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	origin := strings.TrimSuffix(sb.BaseURL, sandbox.APIPath)
	for _, host := range []string{"", "localhost:1", "127.0.0.9:2"} {
		status, u := authURL(t, sb, host, "http://127.0.0.1:8750/callback")
		if status != 200 || !strings.HasPrefix(u, origin+"/oauth/authorize?") {
			t.Errorf("Host %q: %d %q, want it on %s", host, status, u, origin)
		}
	}
	// A foreign Host is refused outright (DNS rebinding).
	for _, host := range []string{"evil.example", "evil.example:8751"} {
		if status, u := authURL(t, sb, host, "http://127.0.0.1:8750/callback"); status != http.StatusBadRequest || u != "" {
			t.Errorf("Host %q: %d %q", host, status, u)
		}
	}
}

func TestOAuthURLFromListenAddressBareHandler(t *testing.T) {
	// Served without Start: the connection's local address, not Host.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: sandbox.New(sandbox.Options{})}
	go func() { _ = srv.Serve(ln) }()
	defer func() { _ = srv.Close() }()
	q := url.Values{"apiKey": {sandbox.DefaultClientID}, "apiSecret": {sandbox.DefaultClientSecret}, "callbackUrl": {"http://127.0.0.1:1/cb"}, "state": {"s"}}
	req, _ := http.NewRequest(http.MethodGet, "http://"+ln.Addr().String()+sandbox.APIPath+"/"+platform.WireConnectors+"/"+platform.DefaultConnector+"/oauth/url?"+q.Encode(), nil)
	req.Host = "localhost:9"
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	_ = resp.Body.Close()
	if !strings.Contains(string(b), `"http://`+ln.Addr().String()+`/oauth/authorize?`) || strings.Contains(string(b), "localhost:9") {
		t.Fatalf("%s", b)
	}
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u) //nolint:noctx // a test
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func postForm(t *testing.T, u string, form url.Values) (int, string, string) {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	resp, err := hc.PostForm(u, form)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

var csrfRe = regexp.MustCompile(`name="csrf" value="([^"]*)"`)

// csrfOf is the consent form's CSRF token.
func csrfOf(page string) string {
	if m := csrfRe.FindStringSubmatch(page); m != nil {
		return m[1]
	}
	return ""
}

func TestAuthorizeAcceptsLoopbackRedirectOnly(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	origin := strings.TrimSuffix(sb.BaseURL, sandbox.APIPath)
	good := []string{"http://127.0.0.1:8750/callback", "http://[::1]:8750/cb", "http://localhost:8750/cb", "http://localhost/cb", "http://127.0.0.2:1/x?y=1"}
	bad := []string{"https://evil.example/cb", "http://evil.example/cb", "http://localhost.evil.example/cb", "http://127.0.0.1.evil.example/cb", "http://192.168.1.10:8750/cb", "https://127.0.0.1:8750/cb", "javascript:alert(1)", "http://user@127.0.0.1:1/cb", "", "/cb"}
	for _, ru := range good {
		q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DefaultClientID}, "redirect_uri": {ru}, "state": {"s"}}
		status, page := get(t, origin+"/oauth/authorize?"+q.Encode())
		if status != 200 {
			t.Errorf("authorize %q: %d %s", ru, status, page)
		}
		status, loc, body := postForm(t, origin+"/oauth/consent", url.Values{"client_id": {sandbox.DefaultClientID}, "redirect_uri": {ru}, "state": {"s"}, "decision": {"deny"}, "csrf": {csrfOf(page)}})
		if status != http.StatusSeeOther || !strings.HasPrefix(loc, strings.SplitN(ru, "?", 2)[0]+"?") {
			t.Errorf("consent %q: %d %q %s", ru, status, loc, body)
		}
	}
	for _, ru := range bad {
		q := url.Values{"response_type": {"code"}, "client_id": {sandbox.DefaultClientID}, "redirect_uri": {ru}, "state": {"s"}}
		status, body := get(t, origin+"/oauth/authorize?"+q.Encode())
		if status != http.StatusBadRequest || !strings.Contains(body, "loopback") {
			t.Errorf("authorize %q: %d %s", ru, status, body)
		}
		status, loc, body := postForm(t, origin+"/oauth/consent", url.Values{"client_id": {sandbox.DefaultClientID}, "redirect_uri": {ru}, "state": {"s"}, "decision": {"approve"}})
		if status != http.StatusBadRequest || loc != "" || !strings.Contains(body, "loopback") {
			t.Errorf("consent %q: %d %q %s", ru, status, loc, body)
		}
	}
	if n := len(sb.IssuedCodes()); n != 0 {
		t.Fatalf("%d codes issued", n)
	}
}

// TestRegisteredRemoteRedirect: a non-loopback callback URL the platform
// itself was asked for (the SSH case, pasted by hand) is accepted for that
// client and state only — the sandbox is no open redirector.
func TestRegisteredRemoteRedirect(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	const remote = "https://app.example.com/oauth/callback"
	status, u := authURL(t, sb, "", remote)
	if status != 200 {
		t.Fatal(status)
	}
	redirect, err := sandbox.ConsentRedirect(context.Background(), u, true)
	if err != nil || !strings.HasPrefix(redirect, remote+"?") {
		t.Fatalf("%q: %v", redirect, err)
	}
	// Another state, or another URL, is not registered.
	origin := strings.TrimSuffix(sb.BaseURL, sandbox.APIPath)
	for _, v := range []url.Values{
		{"response_type": {"code"}, "client_id": {sandbox.DefaultClientID}, "redirect_uri": {remote}, "state": {"other"}},
		{"response_type": {"code"}, "client_id": {sandbox.DefaultClientID}, "redirect_uri": {"https://evil.example/cb"}, "state": {"st-123"}},
	} {
		if status, body := get(t, origin+"/oauth/authorize?"+v.Encode()); status != http.StatusBadRequest {
			t.Errorf("%v: %d %s", v, status, body)
		}
	}
}
