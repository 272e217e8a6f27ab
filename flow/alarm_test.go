package flow_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// authorizing is an authorization in progress through a new session on a
// new sandbox.
func authorizing(t *testing.T) (*flow.Session, flow.Credentials, *flow.Authorization) {
	t.Helper()
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	a, err := s.Authorize(context.Background(), creds)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(a.Close)
	return s, creds, a
}

// approved authorizes through s, approves the sandbox's consent and
// delivers the callback (its URL is returned, to be replayed).
func approved(t *testing.T, s *flow.Session, creds flow.Credentials) (*flow.Authorization, callback.Result, string) {
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
	return nil, callback.Result{}, ""
}

// otherCode is redirect with another code and the same state: a second
// party's callback, not a reload of the first.
func otherCode(redirect string) string {
	return strings.Replace(redirect, "code=", "code=other-", 1)
}

// A reload of the accepted callback's tab (the same URL, byte for byte) is
// answered with its page again, and is no alarm.
func TestReloadOfAcceptedCallbackIsNoAlarm(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	a, res, redirect := approved(t, s, creds)
	for range 2 {
		resp, body := fetchNoFollow(t, http.MethodGet, redirect)
		if resp.StatusCode != http.StatusOK || !strings.Contains(body, "Authorization received") {
			t.Fatalf("reload: %d %s", resp.StatusCode, body)
		}
	}
	if alarms := a.Listener.Alarms(); len(alarms) != 0 {
		t.Fatalf("a reload raised %v", alarms)
	}
	if _, err := s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: request(creds, res.Code, a.CallbackURL, "reloaded")}); err != nil {
		t.Fatalf("create after a reload: %v", err)
	}
	if err := s.End(); err != nil {
		t.Fatalf("End: %v", err)
	}
}

// A second callback carrying the state after one was accepted, before the
// create: the page raises the alarm and the create is refused.
func TestSecondCallbackAfterSuccessIsAlarm(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	a, res, redirect := approved(t, s, creds)
	resp, body := fetchNoFollow(t, http.MethodGet, otherCode(redirect))
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
	sb := testkit.Sandbox(t, sandbox.Options{})
	creds := sb.Credentials("")
	s, _ := newSession(t, false)
	a, res, redirect := approved(t, s, creds)
	if _, err := s.Create(context.Background(), flow.CreateRequest{Creds: creds, Instance: request(creds, res.Code, a.CallbackURL, "mine")}); err != nil {
		t.Fatal(err)
	}
	if err := s.Alarm(); err != nil {
		t.Fatalf("alarm before anything happened: %v", err)
	}
	resp, body := fetchNoFollow(t, http.MethodGet, otherCode(redirect))
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
	s, creds, a := authorizing(t)
	ctx := context.Background()
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

// A callback after the wait ended without one (timed out) is not used and
// is no alarm; its page does not claim anything was received.
func TestCallbackAfterTimeoutIsNotUsed(t *testing.T) {
	_, _, a := authorizing(t)
	ctx := context.Background()
	if _, err := a.Listener.Wait(ctx, 10*time.Millisecond); !errors.Is(err, callback.ErrTimeout) {
		t.Fatal(err)
	}
	redirect, err := sandbox.ConsentRedirect(ctx, a.URL, true)
	if err != nil {
		t.Fatal(err)
	}
	resp, body := fetchNoFollow(t, http.MethodGet, otherCode(redirect))
	if resp.StatusCode != http.StatusGone || strings.Contains(body, "Authorization received") {
		t.Fatalf("late callback: %d %s", resp.StatusCode, body)
	}
	if alarms := a.Listener.Alarms(); len(alarms) != 0 {
		t.Fatalf("alarms %v", alarms)
	}
	select {
	case r := <-a.Done:
		t.Fatalf("a callback after the wait was delivered: %+v", r)
	default:
	}
}

// Authorizing again in one run (the wizard's "authorize again") gets the
// same fixed callback port: the earlier listener, with no instance made
// with it, stops lingering.
func TestAuthorizeAgainReusesTheCallbackPort(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	port := ln.Addr().(*net.TCPAddr).Port
	_ = ln.Close()
	creds := sb.Credentials(fmt.Sprintf("http://127.0.0.1:%d/callback", port))
	s, _ := newSession(t, false)
	ctx := context.Background()
	for i := range 2 {
		a, err := s.Authorize(ctx, creds)
		if err != nil {
			t.Fatalf("authorize %d: %v", i, err)
		}
		a.Close()
	}
}

// The remove command of a sandbox instance names --sandbox, where its
// entry is.
func TestAlarmRemoveCommandSandbox(t *testing.T) {
	e := &flow.AlarmError{Name: "my drive", Created: true}
	if got := e.RemoveCommand(); got != "connectwiz forget 'my drive' --remote" {
		t.Fatalf("%q", got)
	}
	e.Sandbox = true
	if got := e.RemoveCommand(); got != "connectwiz forget --sandbox 'my drive' --remote" {
		t.Fatalf("%q", got)
	}
}
