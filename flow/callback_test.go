package flow_test

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// listen starts a listener on a free loopback port with a fresh state.
func listen(t *testing.T) (*callback.Listener, secret.Secret) {
	t.Helper()
	state := callback.NewState()
	l, err := callback.Listen("http://127.0.0.1:0/callback", state, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	return l, state
}

// hit sends a request to the listener and returns status, headers and body.
func hit(t *testing.T, l *callback.Listener, method, path, rawQuery, host string) (int, http.Header, string) {
	t.Helper()
	u := "http://" + l.Addr + path
	if rawQuery != "" {
		u += "?" + rawQuery
	}
	req, err := http.NewRequest(method, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	return send(t, req, host)
}

// send sends req (with Host host, when set) and returns status, headers
// and body.
func send(t *testing.T, req *http.Request, host string) (int, http.Header, string) {
	t.Helper()
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

func q(kv ...string) string {
	v := url.Values{}
	for i := 0; i < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v.Encode()
}

// stillWaiting asserts the listener has delivered nothing.
func stillWaiting(t *testing.T, l *callback.Listener) {
	t.Helper()
	select {
	case r := <-l.Done():
		t.Fatalf("the wait ended on a rejected request: %+v", r)
	default:
	}
}

func TestCallbackRejectsAndIgnores(t *testing.T) {
	l, state := listen(t)
	s := state.Reveal()
	tests := []struct {
		name                string
		method, path, query string
		host                string
		status              int
	}{
		{"wrong state", "GET", "/callback", q("code", "c", "state", "nope"), "", 400},
		{"missing state", "GET", "/callback", q("code", "c"), "", 400},
		{"duplicated state", "GET", "/callback", q("code", "c", "state", s, "state", s), "", 400},
		{"forged error, wrong state", "GET", "/callback", q("error", "access_denied", "state", "x"), "", 400},
		{"forged error, no state", "GET", "/callback", q("error", "access_denied"), "", 400},
		{"right state, no code", "GET", "/callback", q("state", s), "", 400},
		{"right state, two codes", "GET", "/callback", q("state", s, "code", "a", "code", "b"), "", 400},
		{"right state, code and error", "GET", "/callback", q("state", s, "code", "a", "error", "e"), "", 400},
		{"foreign Host", "GET", "/callback", q("code", "c", "state", s), "evil.example.com", 400},
		{"foreign Host with port", "GET", "/callback", q("code", "c", "state", s), "evil.example.com:8750", 400},
		{"other path", "GET", "/other", q("code", "c", "state", s), "", 404},
		{"POST not a form", "POST", "/callback", q("code", "c", "state", s), "", 415},
		{"PUT", "PUT", "/callback", q("code", "c", "state", s), "", 405},
		{"no query (a fragment answer)", "GET", "/callback", "", "", 400},
		{"markup", "GET", "/callback", q("error", "<script>alert(1)</script>", "error_description", "<b>x</b>", "state", "bad"), "", 400},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, h, body := hit(t, l, tt.method, tt.path, tt.query, tt.host)
			if status != tt.status {
				t.Errorf("status %d, want %d", status, tt.status)
			}
			if strings.Contains(body, s) || strings.Contains(strings.Join(h.Values("Location"), ""), s) {
				t.Error("the response reveals the expected state")
			}
			if strings.Contains(body, "<script") || strings.Contains(body, "<b>") || strings.Contains(body, "alert") {
				t.Errorf("the response reflects input: %s", body)
			}
			if !strictPage(h, body) || h.Get("Referrer-Policy") != "no-referrer" || h.Get("Cache-Control") != "no-store" {
				t.Errorf("security headers missing: %v", h)
			}
			stillWaiting(t, l)
		})
	}
	// The real callback still succeeds afterwards.
	status, h, body := hit(t, l, "GET", "/callback", q("code", "the-code", "state", s), "localhost:1234")
	if status != 200 || !strings.Contains(body, "return to the terminal") || !strictPage(h, body) {
		t.Fatalf("real callback: %d %s", status, body)
	}
	code, err := l.Wait(context.Background(), time.Second)
	if err != nil || code.Reveal() != "the-code" {
		t.Fatalf("Wait = %q, %v", code.Reveal(), err)
	}
}

func TestCallbackProviderError(t *testing.T) {
	l, state := listen(t)
	status, _, body := hit(t, l, "GET", "/callback", q("error", "access_denied", "error_description", "User said <no>\x1b[2J", "state", state.Reveal()), "")
	if status != 200 || strings.Contains(body, "no>") {
		t.Fatalf("%d %s", status, body)
	}
	_, err := l.Wait(context.Background(), time.Second)
	var ae *callback.AuthError
	if !errors.As(err, &ae) || ae.Code != "access_denied" || strings.ContainsRune(ae.Description, 0x1b) {
		t.Fatalf("%#v", err)
	}
	if !strings.Contains(err.Error(), "access was denied") {
		t.Errorf("message: %v", err)
	}
}

func TestCallbackClosedAfterSuccess(t *testing.T) {
	l, state := listen(t)
	hit(t, l, "GET", "/callback", q("code", "c", "state", state.Reveal()), "")
	if _, err := l.Wait(context.Background(), time.Second); err != nil {
		t.Fatal(err)
	}
	conn, err := net.DialTimeout("tcp", l.Addr, time.Second)
	if err == nil {
		_ = conn.Close()
		t.Fatal("the listener still accepts connections after the callback")
	}
}

func TestCallbackSecondCallbackRefused(t *testing.T) {
	l, state := listen(t)
	hit(t, l, "GET", "/callback", q("code", "c1", "state", state.Reveal()), "")
	// Refused, and an alarm (a second party carries the state).
	status, _, _ := hit(t, l, "GET", "/callback", q("code", "c2", "state", state.Reveal()), "")
	if status != http.StatusForbidden || !errors.Is(errors.Join(l.Alarms()...), callback.ErrCallbackReused) {
		t.Fatalf("second callback got %d, alarms %v", status, l.Alarms())
	}
	code, _ := l.Wait(context.Background(), time.Second)
	if code.Reveal() != "c1" {
		t.Fatalf("got %q", code.Reveal())
	}
}

func TestCallbackTimeoutAndCancel(t *testing.T) {
	l, _ := listen(t)
	if _, err := l.Wait(context.Background(), 50*time.Millisecond); !errors.Is(err, callback.ErrTimeout) {
		t.Fatalf("timeout: %v", err)
	}
	if c, err := net.DialTimeout("tcp", l.Addr, time.Second); err == nil {
		_ = c.Close()
		t.Fatal("listener open after timeout")
	}
	l2, _ := listen(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := l2.Wait(ctx, time.Minute); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancel: %v", err)
	}
}

func TestCallbackPortBusy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = ln.Close() }()
	_, err = callback.Listen("http://localhost:"+portOf(ln.Addr().String())+"/callback", callback.NewState(), nil)
	if err == nil || !strings.Contains(err.Error(), "already in use") || !strings.Contains(err.Error(), portOf(ln.Addr().String())) {
		t.Fatalf("%v", err)
	}
}

func portOf(addr string) string {
	_, p, _ := net.SplitHostPort(addr)
	return p
}

func TestCallbackBindsLoopbackOnly(t *testing.T) {
	for _, u := range []string{"http://localhost:0/cb", "http://127.0.0.1:0/cb", "http://[::1]:0/cb"} {
		l, err := callback.Listen(u, callback.NewState(), nil)
		if err != nil {
			if strings.Contains(u, "::1") {
				t.Logf("no IPv6 loopback here: %v", err)
				continue
			}
			t.Fatal(err)
		}
		host, _, _ := net.SplitHostPort(l.Addr)
		if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
			t.Errorf("%s bound %s", u, l.Addr)
		}
		l.Close()
	}
	for _, u := range []string{"http://0.0.0.0:8750/cb", "http://example.com/cb", "https://127.0.0.1:8750/cb", "http://192.168.1.1:8750/cb"} {
		if _, err := callback.Listen(u, callback.NewState(), nil); err == nil {
			t.Errorf("%s was accepted", u)
		}
		if callback.IsLoopback(u) {
			t.Errorf("%s reported as loopback", u)
		}
	}
}

func TestNewState(t *testing.T) {
	a, b := callback.NewState(), callback.NewState()
	if a == b || len(a.Reveal()) < 22 {
		t.Fatalf("states %d chars, equal=%v", len(a.Reveal()), a == b)
	}
}

// strictPage reports whether a listener page allows nothing but its own
// inline style, by the hash of exactly the style it carries.
func strictPage(h http.Header, body string) bool {
	csp := h.Get("Content-Security-Policy")
	_, style, ok := strings.Cut(body, "<style>")
	style, _, ok2 := strings.Cut(style, "</style>")
	if !ok || !ok2 || strings.Contains(csp, "unsafe") {
		return false
	}
	sum := sha256.Sum256([]byte(style))
	return csp == "default-src 'none'; style-src 'sha256-"+base64.StdEncoding.EncodeToString(sum[:])+"'"
}

// A provider redirect from an earlier run's tab is told so, and the wait
// goes on.
func TestCallbackStaleTab(t *testing.T) {
	l, s := listen(t)
	status, h, body := hit(t, l, "GET", "/callback", q("code", "old-code", "state", "state-of-an-earlier-run"), "127.0.0.1")
	if status != http.StatusBadRequest || !strings.Contains(body, "earlier or another connectwiz run") || !strictPage(h, body) || strings.Contains(body, s.Reveal()) {
		t.Fatalf("stale tab: %d %s", status, body)
	}
	stillWaiting(t, l)
}
