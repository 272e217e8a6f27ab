package flow_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/sandbox"
)

// approved authorizes through s, approves the sandbox's consent and
// delivers the callback (its URL is returned, to be replayed).
func approved(t *testing.T, s *flow.Session, creds flow.Credentials) (*flow.Authorization, callback.CallbackResult, string) {
	t.Helper()
	ctx := context.Background()
	a, err := s.Authorize(ctx, creds)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	redirect, err := sandbox.ConsentRedirect(ctx, a.URL, true)
	if err != nil {
		t.Fatal(err)
	}
	if resp, _ := fetchNoFollow(t, http.MethodGet, redirect); resp.StatusCode != http.StatusOK {
		t.Fatalf("first callback: %d", resp.StatusCode)
	}
	select {
	case res := <-a.Done:
		if res.Err != nil {
			t.Fatal(res.Err)
		}
		a.Close() // the wait is over, as every front-end does
		return a, res, redirect
	case <-time.After(10 * time.Second):
		t.Fatal("no callback")
	}
	return nil, callback.CallbackResult{}, ""
}

// A second callback carrying the state after one was accepted, before the
// create: the page raises the alarm and the create is refused.
func TestSecondCallbackAfterSuccessIsAlarm(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	a, res, redirect := approved(t, s, creds)
	resp, body := fetchNoFollow(t, http.MethodGet, redirect)
	if resp.StatusCode != http.StatusForbidden || !strings.Contains(body, "alarm") || strings.Contains(body, "nothing was created") {
		t.Fatalf("second callback: %d %s", resp.StatusCode, body)
	}
	_, err := s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: request(creds, res.Code, a.CallbackURL, "hijacked")})
	var ae *flow.AlarmError
	if !errors.As(err, &ae) || ae.Created || !errors.Is(err, callback.ErrCallbackReused) || !errors.Is(err, flow.ErrAlarm) {
		t.Fatalf("create after the alarm: %v", err)
	}
	if list, _ := s.Store.Entries(); len(list) != 0 {
		t.Fatalf("something was stored: %v", list)
	}
}

// After the create, a second callback or a second fetch of the one-time
// link is still answered (the listener lingers until End) and surfaced:
// Alarm names the instance and says how to remove it.
func TestSecondCallbackAfterCreateIsAlarm(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	a, res, redirect := approved(t, s, creds)
	if _, err := s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: request(creds, res.Code, a.CallbackURL, "mine")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Alarm(); err != nil {
		t.Fatalf("alarm before anything happened: %v", err)
	}
	resp, body := fetchNoFollow(t, http.MethodGet, redirect)
	if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "nothing was created") || !strings.Contains(body, "bound to their account") {
		t.Fatalf("late callback: %d %s", resp.StatusCode, body)
	}
	err := s.End()
	var ae *flow.AlarmError
	if !errors.As(err, &ae) || !ae.Created || ae.Name != "mine" || !errors.Is(err, callback.ErrCallbackReused) {
		t.Fatalf("End: %v", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "someone else's account") || !strings.Contains(msg, "connectwiz forget mine --remote") {
		t.Fatalf("message: %s", msg)
	}
	// After End the listener is gone.
	hc := &http.Client{Timeout: 2 * time.Second}
	if resp, err := hc.Get(redirect); err == nil {
		_ = resp.Body.Close()
		t.Fatal("the listener still answers after End")
	}
}

// The one-time link fetched again after the create: an alarm naming the
// instance, and a page that does not claim nothing was created.
func TestOneTimeLinkAfterCreateIsAlarm(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	ctx := context.Background()
	a, err := s.Authorize(ctx, creds)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	link := a.BrowserURL()
	if err := sandbox.Consent(ctx, link, true); err != nil {
		t.Fatal(err)
	}
	res := <-a.Done
	a.Close()
	if _, err := s.Create(ctx, flow.CreateRequest{Creds: creds, Instance: request(creds, res.Code, a.CallbackURL, "linked")}); err != nil {
		t.Fatal(err)
	}
	resp, body := fetchNoFollow(t, http.MethodGet, link)
	if resp.StatusCode != http.StatusForbidden || strings.Contains(body, "nothing") {
		t.Fatalf("late link: %d %s", resp.StatusCode, body)
	}
	if err := s.Alarm(); !errors.Is(err, callback.ErrBrowserURLReused) || !strings.Contains(err.Error(), `"linked"`) {
		t.Fatalf("Alarm: %v", err)
	}
}
