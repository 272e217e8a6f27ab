package callback

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"
)

// get fetches u without following redirects: its status and body.
func get(t *testing.T, u string) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(context.Background(), http.MethodGet, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = resp.Body.Close() }()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func listenLingering(t *testing.T) (*Listener, string) {
	t.Helper()
	state := NewState()
	l, err := Listen("http://127.0.0.1:0/callback", state, nil)
	if err != nil {
		t.Fatal(err)
	}
	l.Linger()
	t.Cleanup(l.Shutdown)
	return l, state.Reveal()
}

// A reload of the accepted callback's tab (the same code and state, byte
// for byte) gets its page again, even after the wait ended, and raises no
// alarm; another code with the right state stays an alarm. Headless mode's
// page says the create follows (no naming step).
func TestReloadAfterSuccess(t *testing.T) {
	l, state := listenLingering(t)
	l.SetDonePage(DoneCreating)
	cb := l.URL + "?code=the-code&state=" + state
	if status, body := get(t, cb); status != http.StatusOK || !strings.Contains(body, "connectwiz creates the instance now") {
		t.Fatalf("callback: %d %s", status, body)
	}
	if code, err := l.Wait(context.Background(), time.Second); err != nil || code != "the-code" {
		t.Fatalf("wait: %v %v", code, err)
	}
	for range 2 {
		if status, body := get(t, cb); status != http.StatusOK || !strings.Contains(body, "Authorization received") {
			t.Fatalf("reload: %d %s", status, body)
		}
	}
	if a := l.Alarms(); len(a) != 0 {
		t.Fatalf("a reload raised %v", a)
	}
	if status, _ := get(t, l.URL+"?code=another-code&state="+state); status != http.StatusForbidden {
		t.Fatalf("another code with the state: %d", status)
	}
	if a := l.Alarms(); len(a) != 1 || !errors.Is(a[0], ErrCallbackReused) {
		t.Fatalf("alarms: %v", a)
	}
	// Once alarmed, a reload shows the alarm's page, and raises no more.
	if status, body := get(t, cb); status != http.StatusForbidden || !strings.Contains(body, "alarm") {
		t.Fatalf("after the alarm: %d %s", status, body)
	}
	if a := l.Alarms(); len(a) != 1 {
		t.Fatalf("alarms after a reload: %v", a)
	}
}

// The provider's error_uri is kept when it is a safe http(s) URL, shown on
// the page and in the error, and dropped otherwise.
func TestErrorURI(t *testing.T) {
	l, state := listenLingering(t)
	status, body := get(t, l.URL+"?error=access_denied&error_uri=https%3A%2F%2Fprovider.example%2Fhelp%3Fe%3D1&state="+state)
	if status != http.StatusOK || !strings.Contains(body, "The provider explains the error at https://provider.example/help?e=1") {
		t.Fatalf("page: %d %s", status, body)
	}
	r := <-l.Done()
	if r.Err == nil || r.Err.URI != "https://provider.example/help?e=1" || strings.Count(r.Err.Error(), "explains at https://provider.example/help?e=1") != 1 {
		t.Fatalf("result: %+v", r.Err)
	}
	for _, bad := range []string{"javascript:alert(1)", "file:///etc/passwd", "https://evil.example/\x1b[2J", "https://evil.example/\u202e"} {
		if got := safeURI(bad); got != "" {
			t.Errorf("safeURI(%q) = %q", bad, got)
		}
	}
}

// The double-click alarm says what may have happened without accusing,
// and that the run stopped before the create.
func TestReusedLinkWords(t *testing.T) {
	l, _ := listenLingering(t)
	link := l.BrowserURL("https://provider.example/auth")
	if status, _ := get(t, link); status != http.StatusSeeOther {
		t.Fatalf("first fetch: %d", status)
	}
	status, body := get(t, link)
	if status != http.StatusForbidden || !strings.Contains(body, "a double-click, or another program on this machine") {
		t.Fatalf("second fetch: %d %s", status, body)
	}
	r := <-l.Done()
	want := "the sign-in link was opened twice — a double-click, or another program on this machine; for safety this authorization was stopped and nothing was created; authorize again"
	if r.Err == nil || r.Err.Error() != want || !errors.Is(r.Err, ErrBrowserURLReused) {
		t.Fatalf("error: %v", r.Err)
	}
}
