package cli

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// The one rule for a remote session: SSH, and no display.
func TestRemoteSession(t *testing.T) {
	for _, c := range []struct {
		env  map[string]string
		want bool
	}{
		{map[string]string{}, false},
		{map[string]string{"SSH_CONNECTION": "10.0.0.2 50000 10.0.0.1 22"}, true},
		{map[string]string{"SSH_TTY": "/dev/pts/3"}, true},
		{map[string]string{"SSH_TTY": "/dev/pts/3", "DISPLAY": "localhost:10.0"}, false},
		{map[string]string{"SSH_CONNECTION": "x", "WAYLAND_DISPLAY": "wayland-0"}, false},
		{map[string]string{"DISPLAY": ":0"}, false},
	} {
		if got := ReadEnv(func(k string) string { return c.env[k] }).Remote; got != c.want {
			t.Errorf("%v: remote %v, want %v", c.env, got, c.want)
		}
	}
}

// refusingBrowser first sends the callback a request it refuses (a wrong
// state), then, a moment later, approves the consent.
type refusingBrowser struct{}

func (refusingBrowser) Open(link string) error {
	u, err := url.Parse(link)
	if err != nil {
		return err
	}
	if resp, err := http.Get("http://" + u.Host + "/callback?code=x&state=forged"); err == nil { //nolint:noctx // a test
		_ = resp.Body.Close()
	}
	go func() {
		time.Sleep(200 * time.Millisecond)
		_ = sandbox.Consent(context.Background(), link, true)
	}()
	return nil
}

// While headless mode and the accessible prompts wait, a request the
// listener refuses is said in one line, and the wait goes on.
func TestRefusalsSaidWhileWaiting(t *testing.T) {
	const said = "A request reached the callback but was not accepted: wrong state. The wait goes on."
	t.Run("headless", func(t *testing.T) {
		_, env := sandboxEnv(t, sandbox.Options{})
		f, out, errOut := testFactory(t, env)
		f.Browser = refusingBrowser{}
		if code := run(t, context.Background(), f, "create", "--no-input", "--insecure-storage", "--name", "refused"); code != exitOK {
			t.Fatalf("exit %d\n%s", code, errOut)
		}
		if strings.Count(errOut.String(), said) != 1 || !strings.Contains(out.String(), "Instance created") {
			t.Fatalf("stderr:\n%s", errOut)
		}
	})
	t.Run("accessible", func(t *testing.T) {
		_, env := sandboxEnv(t, sandbox.Options{})
		f, _, errOut := testFactory(t, env)
		f.Browser = refusingBrowser{}
		f.IO.In = typed("", "n")
		f.IO.SetTTY(true, true)
		done := make(chan int, 1)
		go func() {
			done <- run(t, context.Background(), f, "create", "--accessible", "--insecure-storage", "--name", "refused")
		}()
		select {
		case <-done:
		case <-time.After(20 * time.Second):
			t.Fatal("no end")
		}
		testkit.InOrder(t, errOut.String(), "Waiting for the browser", said, "Instance name")
	})
}
