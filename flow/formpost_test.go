package flow_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// post sends a form to the listener's callback path.
func post(t *testing.T, l *callback.Listener, contentType, body, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, "http://"+l.Addr+"/callback", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	status, _, body := send(t, req, host)
	return status, body
}

// response_mode=form_post (Microsoft Entra): the provider POSTs code and
// state as a form. Before, connectwiz answered 405 and waited 5 minutes.
// The same state, Host and one-shot rules hold as for a GET.
func TestCallbackFormPost(t *testing.T) {
	l, state := listen(t)
	s := state.Reveal()
	const form = "application/x-www-form-urlencoded"
	for _, bad := range []struct{ ct, body, host string }{
		{form, q("code", "c", "state", "wrong"), ""},
		{form, q("code", "c"), ""},
		{form, q("code", "c", "state", s), "evil.example.com"},
		{"application/json", `{"code":"c","state":"` + s + `"}`, ""},
		{form, q("code", strings.Repeat("c", 20<<10), "state", s), ""},
	} {
		if status, body := post(t, l, bad.ct, bad.body, bad.host); status < 400 || strings.Contains(body, s) {
			t.Errorf("%q %.40q: %d", bad.ct, bad.body, status)
		}
		stillWaiting(t, l)
	}
	if status, body := post(t, l, form+"; charset=utf-8", q("code", "form-code", "state", s, "session_state", "x"), ""); status != 200 || !strings.Contains(body, "return to the terminal") {
		t.Fatalf("form_post: %d %s", status, body)
	}
	if status, _ := post(t, l, form, q("code", "again", "state", s), ""); status != 403 { // a second callback is an alarm
		t.Errorf("a second form_post: %d", status)
	}
	code, err := l.Wait(context.Background(), time.Second)
	if err != nil || code.Reveal() != "form-code" {
		t.Fatalf("Wait = %q, %v", code.Reveal(), err)
	}
}

// Every refused request is noticed while the wait goes on: one line, no
// state. Before, each was silent.
func TestCallbackRefusalNotices(t *testing.T) {
	l, state := listen(t)
	s := state.Reveal()
	hit(t, l, "GET", "/callback", q("code", "c", "state", "stale-"+s[:8]), "")
	hit(t, l, "GET", "/favicon.ico", "", "") // a browser's own fetch: not a notice
	post(t, l, "text/plain", "x", "")
	hit(t, l, "GET", "/callback", q("code", "c", "state", s), "evil.example.com")
	for _, want := range []string{"wrong state", "not a form", "foreign Host"} {
		select {
		case r := <-l.Refusals():
			line := r.String()
			if !strings.Contains(line, want) || !strings.HasPrefix(line, "a request reached the callback but was not accepted") || strings.Contains(line, s[:8]) || strings.ContainsAny(line, "\n\r") {
				t.Errorf("notice %q, want %q", line, want)
			}
		case <-time.After(time.Second):
			t.Fatalf("no notice for %q", want)
		}
	}
	select {
	case r := <-l.Refusals():
		t.Errorf("extra notice %q", r)
	default:
	}
	stillWaiting(t, l)
}

// A provider that answers in the URL fragment (#code=…) reaches the
// callback with no query: the page says so and the wait goes on; the
// pasted URL with the fragment is read.
func TestCallbackFragmentAnswer(t *testing.T) {
	l, state := listen(t)
	status, _, body := hit(t, l, "GET", "/callback", "", "")
	if status != 400 || !strings.Contains(body, "after a #") {
		t.Fatalf("%d %s", status, body)
	}
	stillWaiting(t, l)
	p, err := callback.ParsePasted(l.URL+"#code=frag-code&state="+state.Reveal(), state)
	if err != nil || p.Code.Reveal() != "frag-code" || !p.StateChecked {
		t.Fatalf("%+v %v", p, err)
	}
}

// The whole create with a provider answering by form_post: exactly one
// instance, its token here. Before, the callback answered 405 and the wait
// ran out.
func TestCreateWithFormPostProvider(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{FormPost: true})
	s, _ := newSession(t, false)
	creds := sb.Credentials("")
	if _, err := s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: authorizeSession(t, s, creds, "entra")}); err != nil {
		t.Fatal(err)
	}
	oneInstanceWithToken(t, sb, s.Store, "entra", 1)
}
