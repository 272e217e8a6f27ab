package cli

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
)

// replayBrowser approves at the sandbox and delivers the callback, then
// someone replays it: a second party carrying the state.
type replayBrowser struct{}

func (replayBrowser) Open(link string) error {
	go func() {
		redirect, err := sandbox.ConsentRedirect(context.Background(), link, true)
		if err != nil {
			return
		}
		// The same redirect again would be a reload of its tab; another
		// code with the state is a second party.
		for _, u := range []string{redirect, strings.Replace(redirect, "code=", "code=other-", 1)} {
			if resp, err := http.Get(u); err == nil { //nolint:noctx // a test
				_ = resp.Body.Close()
			}
		}
	}()
	return nil
}

// sandboxEnv starts a sandbox and returns the environment of a headless
// create against it.
func sandboxEnv(t *testing.T, o sandbox.Options) (*sandbox.Running, map[string]string) {
	t.Helper()
	sb, err := sandbox.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	c := sb.Credentials("http://127.0.0.1:0/callback")
	return sb, map[string]string{
		"CONNECTWIZ_BASE_URL": c.BaseURL, "CONNECTWIZ_CLIENT_ID": c.ClientID, "CONNECTWIZ_CALLBACK_URL": c.CallbackURL,
		platform.EnvUserSecret: c.UserSecret.Reveal(), platform.EnvOrgSecret: c.OrgSecret.Reveal(), platform.EnvClientSecret: c.ClientSecret.Reveal(),
	}
}

// A replayed callback during the create is an alarm the command line
// shows: the instance is named, the exit is non-zero and the way to
// remove it is given.
func TestReplayedCallbackDuringCreateExitsNonZero(t *testing.T) {
	sb, env := sandboxEnv(t, sandbox.Options{CreateDelay: 300 * time.Millisecond})
	f, _, errOut := testFactory(t, env)
	f.Browser = replayBrowser{}
	code := run(t, context.Background(), f, "create", "--no-input", "--insecure-storage", "--name", "taken-over")
	if code == exitOK {
		t.Fatalf("exit 0 after a replayed callback: %s", errOut)
	}
	msg := errOut.String()
	created := strings.Contains(msg, "may be bound to someone else's account") && strings.Contains(msg, "connectwiz forget taken-over --remote")
	refused := strings.Contains(msg, "not creating the instance") && len(sb.Instances()) == 0
	if !created && !refused {
		t.Fatalf("the alarm is not said: exit %d\n%s", code, msg)
	}
}
