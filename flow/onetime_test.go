package flow_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// fetchNoFollow GETs u without following a redirect.
func fetchNoFollow(t *testing.T, method, u string) (*http.Response, string) {
	t.Helper()
	hc := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	defer hc.CloseIdleConnections()
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

const authorizeTarget = "https://provider.example/authorize?client_id=cid&state="

func TestBrowserURLRedirectsOnce(t *testing.T) {
	l, state := listen(t)
	target := authorizeTarget + state.Reveal()
	bu := l.BrowserURL(target)
	if strings.Contains(bu, state.Reveal()) || strings.Contains(bu, "provider.example") {
		t.Fatalf("the browser URL carries the target: %s", bu)
	}
	u, err := url.Parse(bu)
	if err != nil || u.Host != l.Addr || !strings.HasPrefix(u.Path, "/start/") || len(strings.TrimPrefix(u.Path, "/start/")) < 32 {
		t.Fatalf("browser URL %q (listener %s)", bu, l.Addr)
	}
	if err := browser.CheckBrowserURL(bu); err != nil {
		t.Fatal(err)
	}
	if other := l.BrowserURL(target); other == bu {
		t.Fatal("two registrations share a link")
	}

	// Not GET: refused, and the link is not used up.
	if resp, _ := fetchNoFollow(t, http.MethodPost, bu); resp.StatusCode != http.StatusMethodNotAllowed {
		t.Fatalf("POST: %d", resp.StatusCode)
	}
	// A wrong random path: 404, the wait goes on.
	if resp, _ := fetchNoFollow(t, http.MethodGet, "http://"+l.Addr+"/start/00112233445566778899aabbccddeeff"); resp.StatusCode != http.StatusNotFound {
		t.Fatalf("wrong link: %d", resp.StatusCode)
	}
	stillWaiting(t, l)

	resp, body := fetchNoFollow(t, http.MethodGet, bu)
	if resp.StatusCode != http.StatusSeeOther && resp.StatusCode != http.StatusFound {
		t.Fatalf("first fetch: %d %s", resp.StatusCode, body)
	}
	if loc := resp.Header.Get("Location"); loc != target {
		t.Fatalf("Location %q, want %q", loc, target)
	}
	if resp.Header.Get("Cache-Control") != "no-store" || resp.Header.Get("Referrer-Policy") != "no-referrer" {
		t.Errorf("headers %v", resp.Header)
	}
	if strings.Contains(body, state.Reveal()) {
		t.Error("the redirect's body carries the state")
	}
	stillWaiting(t, l)

	// The callback still completes the authorization.
	status, _, _ := hit(t, l, "GET", "/callback", q("code", "the-code", "state", state.Reveal()), "")
	if status != 200 {
		t.Fatalf("callback %d", status)
	}
	code, err := l.Wait(context.Background(), time.Second)
	if err != nil || code.Reveal() != "the-code" {
		t.Fatalf("Wait = %q, %v", code.Reveal(), err)
	}
}

func TestBrowserURLSecondFetchAborts(t *testing.T) {
	l, state := listen(t)
	bu := l.BrowserURL(authorizeTarget + state.Reveal())
	if resp, _ := fetchNoFollow(t, http.MethodGet, bu); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first fetch %d", resp.StatusCode)
	}
	resp, body := fetchNoFollow(t, http.MethodGet, bu+"?x=<script>alert(1)</script>")
	if resp.StatusCode < 400 {
		t.Fatalf("second fetch %d", resp.StatusCode)
	}
	if resp.Header.Get("Location") != "" || strings.Contains(body, state.Reveal()) || strings.Contains(body, "provider.example") || strings.Contains(body, "script") {
		t.Fatalf("second fetch reveals or reflects: %v %s", resp.Header, body)
	}
	if !strictPage(resp.Header, body) {
		t.Errorf("headers %v", resp.Header)
	}
	select {
	case r := <-l.Done():
		if !errors.Is(r.Alarm, callback.ErrBrowserURLReused) || r.Code != "" {
			t.Fatalf("Done delivered %+v", r)
		}
		// Code that only looks at Err stops too, with the alarm's words.
		if r.Err == nil || !errors.Is(r.Err, callback.ErrBrowserURLReused) || !strings.Contains(r.Err.Error(), "opened twice") {
			t.Fatalf("Err %v", r.Err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the second fetch did not end the wait")
	}
	// A late callback cannot revive the authorization: carrying the state,
	// it is one more alarm.
	if status, _, _ := hit(t, l, "GET", "/callback", q("code", "c", "state", state.Reveal()), ""); status != http.StatusForbidden {
		t.Fatalf("callback after the alarm: %d", status)
	}
	if a := l.Alarms(); len(a) != 2 || !errors.Is(a[1], callback.ErrCallbackReused) {
		t.Fatalf("alarms %v", a)
	}
}

func TestBrowserURLWaitReturnsAlarm(t *testing.T) {
	l, state := listen(t)
	bu := l.BrowserURL(authorizeTarget + state.Reveal())
	fetchNoFollow(t, http.MethodGet, bu)
	fetchNoFollow(t, http.MethodGet, bu)
	_, err := l.Wait(context.Background(), 5*time.Second)
	if !errors.Is(err, callback.ErrBrowserURLReused) {
		t.Fatalf("Wait: %v", err)
	}
	msg := err.Error()
	if !strings.Contains(msg, "opened twice") || !strings.Contains(msg, "authorize again") {
		t.Fatalf("message %q", msg)
	}
}

func TestBrowserURLForeignHost(t *testing.T) {
	l, state := listen(t)
	bu := l.BrowserURL(authorizeTarget + state.Reveal())
	u, _ := url.Parse(bu)
	status, h, _ := hit(t, l, "GET", u.Path, "", "evil.example")
	if status != 400 || h.Get("Location") != "" {
		t.Fatalf("foreign Host: %d %v", status, h)
	}
	// It did not use the link up.
	if resp, _ := fetchNoFollow(t, http.MethodGet, bu); resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("first real fetch %d", resp.StatusCode)
	}
	stillWaiting(t, l)
}

func TestBrowserURLRefusesBadTarget(t *testing.T) {
	l, _ := listen(t)
	for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", ""} {
		if got := l.BrowserURL(bad); got != bad {
			t.Errorf("BrowserURL(%q) = %q: a bad target was registered", bad, got)
		}
	}
}

// TestBrowserURLThroughSandbox: the whole authorization through the one-time
// link, as a browser does it (the sandbox's consent player follows it).
func TestBrowserURLThroughSandbox(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	c := newClient(creds)
	ctx := context.Background()
	a, err := flow.Authorize(ctx, c, creds, nil)
	if err != nil {
		t.Fatal(err)
	}
	bu := a.Listener.BrowserURL(a.URL)
	errc := make(chan error, 1)
	go func() { errc <- sandbox.Consent(ctx, bu, true) }()
	code, err := a.Listener.Wait(ctx, 10*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if err := <-errc; err != nil {
		t.Fatal(err)
	}
	if code == "" {
		t.Fatal("no code")
	}
}
