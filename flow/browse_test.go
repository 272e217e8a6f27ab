package flow_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/sandbox"
)

// failing is a browser that does not open.
type failing struct{ err error }

func (b failing) OpenBrowser(string) error { return b.err }

func (failing) Approve(context.Context, string) error { return nil }

// A browser still running when it has come back to the listener does not
// hold up the step after: Browse returns once the callback is there.
func TestBrowseReturnsOnceTheBrowserCameBack(t *testing.T) {
	_, _, a := authorizing(t)
	release := make(chan struct{})
	defer close(release)
	svc := comeBack{a: a, release: release}
	done := make(chan flow.Browsed, 1)
	go func() { done <- flow.Browse(context.Background(), svc, a, false, false) }()
	select {
	case b := <-done:
		if b.Err != nil || b.Approved {
			t.Fatalf("Browse = %+v, want the browser opened", b)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Browse waited for the browser to exit although it had come back")
	}
	if res := <-a.Done; res.Err != nil || res.Code.IsZero() {
		t.Fatalf("the callback was not left on Done: %+v", res)
	}
}

// A browser that fails to open is still said, whatever the listener.
func TestBrowseSaysABrowserThatFailed(t *testing.T) {
	_, _, a := authorizing(t)
	want := errors.New("no such browser")
	b := flow.Browse(context.Background(), failing{want}, a, false, false)
	if !errors.Is(b.Err, want) {
		t.Fatalf("Browse = %+v, want %v", b, want)
	}
}

// comeBack plays a browser that goes through the consent to the callback,
// then stays open until release.
type comeBack struct {
	a       *flow.Authorization
	release chan struct{}
}

func (b comeBack) OpenBrowser(string) error {
	redirect, err := sandbox.ConsentRedirect(context.Background(), b.a.URL, true)
	if err != nil {
		return err
	}
	resp, err := http.Get(redirect) //nolint:noctx // a test's loopback callback
	if err != nil {
		return err
	}
	_ = resp.Body.Close()
	<-b.release
	return nil
}

func (b comeBack) Approve(context.Context, string) error { return nil }
