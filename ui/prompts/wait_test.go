package prompts_test

import (
	"context"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/ui/prompts"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

// pacedDetails answer the details and the create, each when asked.
var pacedDetails = []string{"Instance name", "", "Tags", "", "Extra configuration", "", "Create it?", "y"}

// runPaced runs the prompts on a pipe, typing each answer only once its
// prompt shows (pairs of prompt text and answer), as a user does: a wait
// that reads the input gets only what is typed while it waits.
func runPaced(t *testing.T, ctx context.Context, f *a11yFake, opts wizard.Options, pairs ...string) (wizard.Outcome, string) {
	t.Helper()
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	out := &syncBuffer{}
	go func() {
		pos := 0
		for i := 0; i+1 < len(pairs); i += 2 {
			for {
				if k := strings.Index(out.String()[pos:], pairs[i]); k >= 0 {
					pos += k + len(pairs[i])
					break
				}
				select {
				case <-ctx.Done():
					return
				case <-time.After(2 * time.Millisecond):
				}
			}
			if _, err := io.WriteString(pw, pairs[i+1]+"\n"); err != nil {
				return
			}
		}
	}()
	done := make(chan wizard.Outcome, 1)
	go func() { done <- prompts.Run(ctx, f, pr, out, opts) }()
	select {
	case o := <-done:
		for _, s := range wizardtest.AllSecrets {
			if strings.Contains(out.String(), s) {
				t.Errorf("the output shows the secret %q:\n%s", s, out)
			}
		}
		return o, out.String()
	case <-time.After(10 * time.Second):
		t.Fatalf("the prompts did not end:\n%s", out)
	}
	return wizard.Outcome{}, ""
}

// TestAccessiblePasteWhileWaiting: the browser never comes back to the
// listener; the redirect pasted while it waits wins. A paste of another
// session's redirect is said, and the wait goes on.
func TestAccessiblePasteWhileWaiting(t *testing.T) {
	f := newA11yFake()
	f.callbacks = []*callback.Result{nil}
	good := "http://127.0.0.1:8750/callback?code=pasted-c0de&state=" + wizardtest.State
	o, out := runPaced(t, context.Background(), f, a11yOptions(), append([]string{
		"Continue with these?", "", "Remember the secrets", "n",
		"or paste the URL the browser was sent to (or the code) and press Enter:", "http://127.0.0.1:8750/callback?code=x&state=forged",
		"not the redirect of this authorization", good,
	}, pacedDetails...)...)
	if o.Kind != wizard.Created || len(f.Creates) != 1 || f.Creates[0].Code != "pasted-c0de" || f.Authorizes != 1 {
		t.Fatalf("outcome %v, creates %+v\n%s", o.Kind, f.Creates, out)
	}
	testkit.InOrder(t, out, "Waiting for the browser to come back to http://127.0.0.1:8750/callback", "does not match this session",
		"Instance name [drive]:", "Creating drive")
	if strings.Contains(out, "pasted-c0de") || strings.Contains(out, "No callback arrived") {
		t.Fatalf("the code shows, or the wait timed out:\n%s", out)
	}
}

// The summary of prefilled credentials: no goes on to ask each of them,
// the secrets kept on Enter and never shown.
func TestAccessibleSummaryDeclined(t *testing.T) {
	f := newA11yFake()
	o, out := runA11y(t, f, a11yOptions(), answers("n", "", "", "", "", "cid2", "", "", "n", keepDetails, "y"))
	if o.Kind != wizard.Created || f.authCreds[0].ClientID != "cid2" || f.authCreds[0].UserSecret != wizardtest.UserSecret || f.authCreds[0].ClientSecret != wizardtest.ClientSecret {
		t.Fatalf("outcome %v, authorizations %+v\n%s", o.Kind, f.authCreds, out)
	}
	testkit.InOrder(t, out, "Ready with these credentials:", "OAuth client secret  (hidden)", "Continue with these? [Y/n]",
		"Platform URL [https://platform.test/api]:", "User secret (Enter keeps the one given):", "Organization secret (Enter keeps the one given):",
		"Connector [onedrivebusiness]:", "OAuth client ID [cid]:", "OAuth client secret (Enter keeps the one given):", "Callback URL [")
}

// Missing credentials are asked without a summary first.
func TestAccessibleNoSummaryWhenMissing(t *testing.T) {
	f := newA11yFake()
	opts := a11yOptions()
	opts.Creds.ClientID = ""
	o, out := runA11y(t, f, opts, answers("", "", "cid", "", "n", keepDetails, "y"))
	if o.Kind != wizard.Created || strings.Contains(out, "Continue with these?") || f.authCreds[0].ClientID != "cid" {
		t.Fatalf("outcome %v\n%s", o.Kind, out)
	}
}

// The review offers the request as a curl command (the wizard's v), then
// asks again.
func TestAccessibleCurl(t *testing.T) {
	f := newA11yFake()
	o, out := runA11y(t, f, a11yOptions(), answers(keepCreds, keepDetails, "c", "x", "y"))
	if o.Kind != wizard.Created || len(f.Creates) != 1 {
		t.Fatalf("outcome %v\n%s", o.Kind, out)
	}
	testkit.InOrder(t, out, "Create it? [Y/n] (c shows it as a curl command)", "curl ", "https://platform.test/api/instances",
		"set CONNECTWIZ_USER_SECRET", "Create it? [Y/n]", "✗ Answer y, n or c.", "Create it? [Y/n]", "Creating drive")
}

// ctrl+c during a create is acknowledged at once; the create finishes and
// its instance is the outcome.
func TestAccessibleCtrlCDuringCreate(t *testing.T) {
	f := newA11yFake()
	f.HoldCreate = make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &syncBuffer{}
	done := make(chan wizard.Outcome, 1)
	go func() { done <- prompts.Run(ctx, f, answers(keepCreds, keepDetails, "y"), out, a11yOptions()) }()
	waitFor := func(text string) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); !strings.Contains(out.String(), text); time.Sleep(2 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%q never showed:\n%s", text, out)
			}
		}
	}
	waitFor("Creating drive")
	cancel()
	waitFor(wizard.SayFinishing) // while the create is still held
	close(f.HoldCreate)
	select {
	case o := <-done:
		if o.Kind != wizard.Created {
			t.Fatalf("outcome %+v\n%s", o, out)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the create never finished")
	}
}
