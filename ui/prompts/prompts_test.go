package prompts_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
	"github.com/connectwiz/connectwiz/ui/prompts"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

// a11yFake is the wizard's fake service with what the accessible tests
// need besides: the credentials each Authorize got, the browser coming
// back when it is opened, and names taken on this machine.
type a11yFake struct {
	*wizardtest.Fake
	authCreds []flow.Credentials
	// callbacks are what successive browser trips deliver (a nil entry:
	// the browser never comes back); a code once they are used up.
	callbacks []*callback.Result
	taken     map[string]bool
	events    []string // "free NAME" and "create NAME", in order
}

func newA11yFake() *a11yFake { return &a11yFake{Fake: wizardtest.New(), taken: map[string]bool{}} }

func (f *a11yFake) Authorize(ctx context.Context, c flow.Credentials) (*flow.Authorization, error) {
	f.Mu.Lock()
	f.authCreds = append(f.authCreds, c)
	f.Mu.Unlock()
	a, err := f.Fake.Authorize(ctx, c)
	if a != nil {
		a.Forward = f.Forward
	}
	return a, err
}

func (f *a11yFake) OpenBrowser(url string) error {
	if err := f.Fake.OpenBrowser(url); err != nil || f.Paste {
		return err
	}
	r := &callback.Result{Code: wizardtest.Code}
	if len(f.callbacks) > 0 {
		r, f.callbacks = f.callbacks[0], f.callbacks[1:]
	}
	if r != nil {
		f.Deliver(*r)
	}
	return nil
}

func (f *a11yFake) Create(ctx context.Context, r flow.CreateRequest) (flow.Created, error) {
	f.Mu.Lock()
	f.events = append(f.events, "create "+r.Instance.Name)
	f.Mu.Unlock()
	return f.Fake.Create(ctx, r)
}

func (f *a11yFake) AvailableName(name, _ string) string {
	f.Mu.Lock()
	f.events = append(f.events, "free "+name)
	f.Mu.Unlock()
	free := name
	for i := 2; f.taken[free]; i++ {
		free = fmt.Sprintf("%s-%d", name, i)
	}
	return free
}

// syncBuffer is an output written by a prompt left blocked by a cancel.
type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.b.String()
}

func a11yOptions() wizard.Options {
	return wizard.Options{
		Creds: flow.Credentials{
			BaseURL: "https://platform.test/api", UserSecret: wizardtest.UserSecret, OrgSecret: wizardtest.OrgSecret,
			Connector: "onedrivebusiness", ClientID: "cid", ClientSecret: wizardtest.ClientSecret, CallbackURL: "http://127.0.0.1:8750/callback",
		},
		Name: "drive",
		Wait: time.Minute,
	}
}

// Answers to the usual prompts: the summary of the prefilled credentials
// with the remember question, and the details (name, tags, no extra
// configuration).
var (
	keepCreds   = []string{"", "n"}
	keepDetails = []string{"", "", ""}
)

func answers(parts ...any) io.Reader {
	var lines []string
	for _, p := range parts {
		switch p := p.(type) {
		case string:
			lines = append(lines, p)
		case []string:
			lines = append(lines, p...)
		}
	}
	return strings.NewReader(strings.Join(lines, "\n") + "\n")
}

// runA11y runs the prompts and checks that no secret was printed.
func runA11y(t *testing.T, f *a11yFake, opts wizard.Options, in io.Reader) (wizard.Outcome, string) {
	t.Helper()
	out := &syncBuffer{}
	o := prompts.Run(context.Background(), f, in, out, opts)
	if strings.Contains(out.String(), "\x1b") {
		t.Errorf("the prompts hold escape sequences:\n%q", out)
	}
	for _, s := range append(wizardtest.AllSecrets, "x-s3cret-extra", "new-user-s3cret") {
		if strings.Contains(out.String(), s) {
			t.Errorf("the output shows the secret %q:\n%s", s, out)
		}
	}
	return o, out.String()
}

func TestAccessibleSandboxRun(t *testing.T) {
	f := newA11yFake()
	opts := a11yOptions()
	opts.Sandbox = true
	f.Sandbox = true
	o, out := runA11y(t, f, opts, answers("", "", "a, b",
		"site.address=https://contoso", "site.api.token=x-s3cret-extra", "bad", "gone=1", "gone=", "", ""))
	if o.Kind != wizard.Created || o.Created.Saved.Entry.Name != "drive" {
		t.Fatalf("outcome %+v\n%s", o, out)
	}
	testkit.InOrder(t, out, "Ready with these credentials:", "Platform URL         https://platform.test/api", "User secret          (hidden)",
		"Connector            onedrivebusiness", "OAuth client ID      cid", "Callback URL         http://127.0.0.1:8750/callback",
		"Continue with these? [Y/n]", flow.SayApprovedHere, "Instance name [drive]:", "Tags", "Extra configuration, KEY=VALUE", `"bad" is not KEY=VALUE`,
		"This is the request about to be sent:", "Platform             https://platform.test/api", "Name                 drive",
		"Tags                 a, b", "oauth.api.secret = (hidden)", "site.address = https://contoso",
		"site.api.token = (hidden)", "Code                 (hidden)", "Create it? [Y/n]", "Creating drive on platform.test")
	for _, never := range []string{"Remember the secrets", "User secret:", "User secret (", "gone", "Approve the sandbox's consent here?", "Waiting for the browser"} {
		if strings.Contains(out, never) {
			t.Errorf("%q shows:\n%s", never, out)
		}
	}
	req := f.Creates[0]
	if f.Approves != 1 || len(f.Creates) != 1 || req.Code != wizardtest.Code || strings.Join(req.Tags, "|") != "a|b" ||
		len(req.Extra) != 2 || req.Extra["site.api.token"] != "x-s3cret-extra" || req.Extra["site.address"] != "https://contoso" {
		t.Fatalf("approves %d, creates %+v", f.Approves, f.Creates)
	}
}

// A refused answer is asked again alone, with what was wrong; the other
// answers are kept.
func TestAccessibleRefusedAskedAlone(t *testing.T) {
	for name, tc := range map[string]struct {
		err    error
		asked  []string
		answer []string
		check  func(c flow.Credentials) bool
	}{
		"secrets refused": {
			&platform.APIError{Op: "check the secrets", Status: http.StatusUnauthorized},
			[]string{"User secret, refused by the platform (Enter keeps the one given):", "Organization secret, refused by the platform (Enter keeps the one given):"},
			[]string{"new-user-s3cret", ""},
			func(c flow.Credentials) bool {
				return c.UserSecret == "new-user-s3cret" && c.OrgSecret == wizardtest.OrgSecret && c.ClientSecret == wizardtest.ClientSecret
			},
		},
		"client refused": {
			&platform.APIError{Op: "get the authorize URL", Status: http.StatusBadRequest, Message: "invalid client"},
			[]string{"OAuth client ID, refused by the provider [cid]:", "OAuth client secret, refused by the provider (Enter keeps the one given):"},
			[]string{"cid2", ""},
			func(c flow.Credentials) bool {
				return c.ClientID == "cid2" && c.ClientSecret == wizardtest.ClientSecret
			},
		},
		"connector not found": {
			&platform.APIError{Op: "get the authorize URL", Status: http.StatusNotFound},
			[]string{"Platform URL, check the path too [https://platform.test/api]:", "Connector, not found on this platform [onedrivebusiness]:"},
			[]string{"", "box"},
			func(c flow.Credentials) bool { return c.Connector == "box" && c.BaseURL == "https://platform.test/api" },
		},
		"unreachable": {
			wizardtest.ErrUnreachable,
			[]string{"Platform URL, cannot reach the platform [https://platform.test/api]:"},
			[]string{"https://other.test/api/"},
			func(c flow.Credentials) bool { return c.BaseURL == "https://other.test/api" },
		},
		"cannot listen": {
			fmt.Errorf("%w: port in use", callback.ErrListen),
			[]string{"Callback URL, cannot listen here [http://127.0.0.1:8750/callback]:"},
			[]string{"http://127.0.0.1:8751/callback"},
			func(c flow.Credentials) bool { return c.CallbackURL == "http://127.0.0.1:8751/callback" },
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newA11yFake()
			f.AuthErrs = []error{tc.err}
			o, out := runA11y(t, f, a11yOptions(), answers(keepCreds, tc.answer, keepDetails, "y"))
			if o.Kind != wizard.Created || len(f.authCreds) != 2 || !tc.check(f.authCreds[1]) {
				t.Fatalf("outcome %v, authorizations %+v\n%s", o.Kind, f.authCreds, out)
			}
			retry := out[strings.Index(out, "✗ "):strings.Index(out, "Open this URL")]
			testkit.InOrder(t, retry, append([]string{tc.err.Error(), "Check the answers asked again below"}, tc.asked...)...)
			if n := strings.Count(retry, ": \n"); n != len(tc.asked) {
				t.Fatalf("%d prompts after the error, want %d:\n%s", n, len(tc.asked), retry)
			}
		})
	}
}

// The configuration the platform says is missing is asked (secrets
// masked) and the create is sent again with the same code.
func TestAccessibleMissingConfiguration(t *testing.T) {
	f := newA11yFake()
	f.CreateErrs = []error{&platform.APIError{Op: "create the instance", Status: http.StatusBadRequest, Missing: []string{"site.api.token", "site.address"}}}
	o, out := runA11y(t, f, a11yOptions(), answers(keepCreds, keepDetails, "y", "", "https://contoso", "x-s3cret-extra"))
	if o.Kind != wizard.Created || len(f.Creates) != 2 {
		t.Fatalf("outcome %v, %d creates\n%s", o.Kind, len(f.Creates), out)
	}
	testkit.InOrder(t, out, "The platform needs more configuration for this connector: site.address, site.api.token.",
		"site.address:", "✗ site.address: required", "site.address:", "site.api.token:", "Creating drive")
	again := f.Creates[1]
	if again.Code != wizardtest.Code || f.Creates[0].Code != wizardtest.Code || again.Extra["site.address"] != "https://contoso" || again.Extra["site.api.token"] != "x-s3cret-extra" {
		t.Fatalf("the second create: %+v", again)
	}
	if f.Authorizes != 1 {
		t.Fatalf("authorized %d times: the code must be reused", f.Authorizes)
	}
}

// A taken name offers the free one (Enter keeps both), or replaces the
// local entry when the taken name is typed again and confirmed.
func TestAccessibleTakenName(t *testing.T) {
	for name, tc := range map[string]struct {
		answers []string
		want    string
	}{
		"keep both":       {[]string{"", "", "", ""}, "drive-2"},
		"replace":         {[]string{"drive", "y", "", ""}, "drive"},
		"replace refused": {[]string{"drive", "n", "other", "", ""}, "other"},
	} {
		t.Run(name, func(t *testing.T) {
			f := newA11yFake()
			f.taken["drive"] = true
			o, out := runA11y(t, f, a11yOptions(), answers(keepCreds, "", tc.answers, "y"))
			if o.Kind != wizard.Created || f.Creates[0].Name != tc.want {
				t.Fatalf("outcome %v, creates %+v\n%s", o.Kind, f.Creates, out)
			}
			testkit.InOrder(t, out, `An instance named "drive" already exists on this machine for this platform. Enter names this one "drive-2" and keeps both`,
				"Instance name [drive-2]:", "Name                 "+tc.want)
		})
	}
}

// No at the review goes back to the details, the answers kept.
func TestAccessibleReviewBack(t *testing.T) {
	f := newA11yFake()
	o, out := runA11y(t, f, a11yOptions(), answers(keepCreds, "", "a", "k=v", "", "n", "d2", "", "", "y"))
	if o.Kind != wizard.Created || len(f.Creates) != 1 {
		t.Fatalf("outcome %v\n%s", o.Kind, out)
	}
	testkit.InOrder(t, out, "Create it? [Y/n]", "Back to the details", "Instance name [drive]:", "Tags (comma-separated, optional) [a]:",
		"Name                 d2", "k = v", "Create it?")
	if r := f.Creates[0]; r.Name != "d2" || strings.Join(r.Tags, ",") != "a" || r.Extra["k"] != "v" {
		t.Fatalf("create %+v", r)
	}
}

func TestAccessibleOutcomes(t *testing.T) {
	lost := fmt.Errorf("%w: connection reset", platform.ErrAnswerLost)
	candidates := []platform.Instance{{ID: "101", Name: "drive", Created: time.Date(2026, 11, 28, 12, 0, 1, 0, time.UTC)}, {ID: "102", Name: "drive"}}
	unsettled := &flow.UnsettledError{Pending: keystore.Pending{Name: "drive"}, Candidates: candidates, Lost: lost}
	failed := &platform.APIError{Op: "create the instance", Status: http.StatusBadGateway}
	denied := &callback.AuthError{Code: "access_denied"}
	notKept := fmt.Errorf("%w: instance 4711 (\"drive\"): the keychain is locked; its pending record is kept", flow.ErrNotKept)
	for name, tc := range map[string]struct {
		setup   func(f *a11yFake)
		answers []any
		kind    wizard.OutcomeKind
		err     error
		shows   []string
	}{
		"lost answer recovered": {
			setup: func(f *a11yFake) { f.CreateErrs = []error{lost} }, answers: []any{"", "y"}, kind: wizard.Recovered,
			shows: []string{"The instance may exist", "Look the instance up now? [Y/n]"},
		},
		"lost answer, nothing found": {
			setup: func(f *a11yFake) { f.CreateErrs, f.NotFound = []error{lost}, true }, answers: []any{"", "y"}, kind: wizard.Aborted, err: wizard.ErrNothingCreated,
			shows: []string{"Look the instance up now? [Y/n]", "The answer was lost, and the platform has no such instance: nothing was created."},
		},
		"token not kept, recovered": {
			setup: func(f *a11yFake) { f.CreateErrs = []error{notKept} }, answers: []any{"", "y"}, kind: wizard.Recovered,
			shows: []string{"✗ The create did not succeed: the instance was created, but its token could not be stored", "The instance exists", "Look the instance up now? [Y/n]"},
		},
		"token not kept, left": {
			setup: func(f *a11yFake) { f.CreateErrs = []error{notKept} }, answers: []any{"", "n"}, kind: wizard.Aborted, err: flow.ErrNotKept,
			shows: []string{"Look the instance up now? [Y/n]", "Run 'connectwiz recover' later"},
		},
		"lost answer left": {
			setup: func(f *a11yFake) { f.CreateErrs = []error{lost} }, answers: []any{"", "n"}, kind: wizard.Aborted, err: platform.ErrAnswerLost,
			shows: []string{"Run 'connectwiz recover' later"},
		},
		"create failed, sent again": {
			setup: func(f *a11yFake) { f.CreateErrs = []error{failed} }, answers: []any{"", "y"}, kind: wizard.Created,
			shows: []string{"✗ The create did not succeed: could not create the instance", "Send it again? [Y/n]", "Creating drive"},
		},
		"create failed, quit": {
			setup: func(f *a11yFake) { f.CreateErrs = []error{failed} }, answers: []any{"", "n"}, kind: wizard.Aborted, err: failed,
		},
		"denied, quit": {
			setup: func(f *a11yFake) { f.callbacks = []*callback.Result{{Err: denied}} }, answers: []any{"n"}, kind: wizard.Aborted, err: denied,
			shows: []string{"✗ Nothing was created: access was denied at the provider", "Authorize again? [Y/n]"},
		},
		"denied, authorized again": {
			setup: func(f *a11yFake) { f.callbacks = []*callback.Result{{Err: denied}} }, answers: []any{"", keepDetails, ""}, kind: wizard.Created,
			shows: []string{"Authorize again?", "Open this URL", "Instance name"},
		},
		"input ended": {setup: func(*a11yFake) {}, answers: []any{"x"}, kind: wizard.Aborted, err: prompts.ErrInputEnded},
		"lost answer, several candidates, one picked": {
			setup: func(f *a11yFake) { f.CreateErrs = []error{unsettled} }, answers: []any{"", "9", "2"}, kind: wizard.Recovered,
			shows: []string{"2 instances on the platform may each be the one it made", `1. "drive"  id 101  created 2026-11-28 12:00:01 UTC`, `2. "drive"  id 102`, "0. None of these", "Which instance is yours?", "answer a number from 0 to 2"},
		},
		"lost answer, several candidates, none picked": {
			setup: func(f *a11yFake) { f.CreateErrs = []error{unsettled} }, answers: []any{"", "0"}, kind: wizard.Aborted, err: platform.ErrAnswerLost,
			shows: []string{"Which instance is yours?"},
		},
		"lost answer, looked up, several candidates, one picked": {
			setup: func(f *a11yFake) { f.CreateErrs, f.Candidates = []error{lost}, candidates }, answers: []any{"", "y", "1"}, kind: wizard.Recovered,
			shows: []string{"Look the instance up now? [Y/n]", "2 instances on the platform may each be the one it made", "Which instance is yours?"},
		},
		"lost answer, looked up, several candidates, none picked": {
			setup: func(f *a11yFake) { f.CreateErrs, f.Candidates = []error{lost}, candidates }, answers: []any{"", "y", "0"}, kind: wizard.Aborted,
			shows: []string{"Look the instance up now? [Y/n]", "Which instance is yours?"},
		},
	} {
		t.Run(name, func(t *testing.T) {
			f := newA11yFake()
			tc.setup(f)
			in := []any{keepCreds}
			if !strings.HasPrefix(name, "denied") && name != "input ended" {
				in = append(in, keepDetails)
			}
			o, out := runA11y(t, f, a11yOptions(), answers(append(in, tc.answers...)...))
			if o.Kind != tc.kind || (tc.err != nil || o.Kind != wizard.Aborted) && !errors.Is(o.Err, tc.err) {
				t.Fatalf("outcome %v (%v), want %v (%v)\n%s", o.Kind, o.Err, tc.kind, tc.err, out)
			}
			if strings.Contains(name, "candidates") {
				picked := !strings.Contains(name, "none")
				if picked != (len(f.Adopted) == 1) || (!picked && (o.Err == nil || !strings.Contains(o.Err.Error(), wizard.LaterHint))) {
					t.Fatalf("adopted %v, outcome error %v", f.Adopted, o.Err)
				}
			}
			testkit.InOrder(t, out, tc.shows...)
			if (strings.Contains(name, "lost") || strings.Contains(name, "not kept")) && strings.Contains(out, "Send it again?") {
				t.Fatalf("the create is offered again when the instance may exist:\n%s", out)
			}
		})
	}
}

// The paste: the state is checked; a bare code is noted; the provider's
// error in the URL is a denial.
func TestAccessiblePaste(t *testing.T) {
	good := "http://127.0.0.1:8750/callback?code=" + wizardtest.Code + "&state=" + wizardtest.State
	for name, tc := range map[string]struct {
		pasted []string
		note   string
		shows  []string
	}{
		"redirect URL": {[]string{good}, "", []string{"is not on this machine", "Redirect URL or code:"}},
		"wrong state":  {[]string{"http://127.0.0.1:8750/callback?code=x&state=nope", good}, "", []string{"does not match this session", "Redirect URL or code:"}},
		"bare code":    {[]string{wizardtest.Code}, "A bare code was pasted: its state could not be checked.", nil},
	} {
		t.Run(name, func(t *testing.T) {
			f := newA11yFake()
			f.Paste = true
			o, out := runA11y(t, f, a11yOptions(), answers(keepCreds, tc.pasted, keepDetails, "y"))
			if o.Kind != wizard.Created || o.Note != tc.note || f.Creates[0].Code != wizardtest.Code {
				t.Fatalf("outcome %+v\n%s", o, out)
			}
			testkit.InOrder(t, out, tc.shows...)
		})
	}
}

// No callback in time: an empty paste authorizes again.
func TestAccessibleTimeout(t *testing.T) {
	f := newA11yFake()
	f.callbacks = []*callback.Result{nil}
	opts := a11yOptions()
	opts.Wait = 10 * time.Millisecond
	o, out := runPaced(t, context.Background(), f, opts, append([]string{
		"Continue with these?", "", "Remember the secrets", "n", "(empty to authorize again):", "",
	}, pacedDetails...)...)
	if o.Kind != wizard.Created || f.Authorizes != 2 {
		t.Fatalf("outcome %v after %d authorizations\n%s", o.Kind, f.Authorizes, out)
	}
	testkit.InOrder(t, out, "✗ No callback arrived in 10 milliseconds.", "Redirect URL or code (empty to authorize again):", "Open this URL")
}

// Remembered secrets fill what is missing; remembering is then offered as
// the default.
func TestAccessibleRemembered(t *testing.T) {
	f := newA11yFake()
	f.RememberedCreds = &flow.Credentials{UserSecret: wizardtest.UserSecret, OrgSecret: wizardtest.OrgSecret, ClientSecret: wizardtest.ClientSecret}
	opts := a11yOptions()
	opts.Creds.UserSecret, opts.Creds.ClientSecret = "", ""
	o, out := runA11y(t, f, opts, answers("", "", keepDetails, "y"))
	if o.Kind != wizard.Created || len(f.Creates) != 1 || f.authCreds[0].UserSecret != wizardtest.UserSecret {
		t.Fatalf("outcome %v\n%s", o.Kind, out)
	}
	testkit.InOrder(t, out, "Secrets prefilled from the keychain.", "Continue with these? [Y/n]", "Remember the secrets in the keychain? [Y/n]")
	if strings.Contains(out, "User secret:") || strings.Contains(out, "User secret (") {
		t.Fatalf("a remembered secret was asked:\n%s", out)
	}
}

// Secrets remembered for one platform are never sent to another: when the
// platform URL is changed, they are dropped and asked again.
func TestAccessibleRememberedNotSentElsewhere(t *testing.T) {
	f := newA11yFake()
	f.RememberedCreds = &flow.Credentials{UserSecret: wizardtest.UserSecret, OrgSecret: wizardtest.OrgSecret, ClientSecret: wizardtest.ClientSecret}
	f.RememberFor = "https://platform.test/api"
	opts := a11yOptions()
	opts.Creds.UserSecret, opts.Creds.ClientSecret = "", ""
	edit := []string{"n", "https://other.test/api", "", "", "", "", "", ""}
	o, out := runA11y(t, f, opts, answers(edit, "other-user", "other-client", "n", keepDetails, "y"))
	if o.Kind != wizard.Created || len(f.authCreds) != 1 {
		t.Fatalf("outcome %v\n%s", o.Kind, out)
	}
	c := f.authCreds[0]
	if c.BaseURL != "https://other.test/api" || c.UserSecret != "other-user" || c.ClientSecret != "other-client" || c.OrgSecret != opts.Creds.OrgSecret {
		t.Fatalf("authorized other.test with the wrong secrets (user other: %v, client other: %v)", c.UserSecret == "other-user", c.ClientSecret == "other-client")
	}
	testkit.InOrder(t, out, "Secrets prefilled from the keychain.", "The secrets remembered for platform.test are not used for other.test", "User secret: ", "OAuth client secret: ")
}

// Tags are plain text, as names are: a control character is refused,
// named, and asked again.
func TestAccessibleTagsChecked(t *testing.T) {
	f := newA11yFake()
	o, out := runA11y(t, f, a11yOptions(), answers(keepCreds, "", "x\x01y", "a, b", "", "y"))
	if o.Kind != wizard.Created || len(f.Creates) != 1 || strings.Join(f.Creates[0].Tags, "|") != "a|b" {
		t.Fatalf("outcome %v, creates %v\n%s", o.Kind, f.Creates, out)
	}
	testkit.InOrder(t, out, `✗ Tags (comma-separated, optional): the tag "x\x01y" has control or format characters`, "Tags (comma-separated, optional): ")
}

// A cancel ends a prompt blocked on its read at once.
func TestAccessibleCancelledAtPrompt(t *testing.T) {
	r, w := io.Pipe()
	defer func() { _ = w.Close() }() // the prompt left blocked reads its end
	ctx, cancel := context.WithCancel(context.Background())
	out := &syncBuffer{}
	done := make(chan wizard.Outcome, 1)
	go func() { done <- prompts.Run(ctx, newA11yFake(), r, out, a11yOptions()) }()
	deadline := time.Now().Add(5 * time.Second)
	for !strings.Contains(out.String(), "Platform URL") {
		if time.Now().After(deadline) {
			t.Fatal("no prompt")
		}
		time.Sleep(5 * time.Millisecond)
	}
	cancel()
	select {
	case o := <-done:
		if o.Kind != wizard.Aborted || o.Err != nil {
			t.Fatalf("outcome %+v", o)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the cancel waited for the prompt")
	}
}

// TestAccessibleNameCheckedBeforeCreate: the prompts decide with the
// Service's AvailableName, on the name the create then sends, also when the name
// is changed after the review.
func TestAccessibleNameCheckedBeforeCreate(t *testing.T) {
	f := newA11yFake()
	f.taken["d2"] = true
	o, out := runA11y(t, f, a11yOptions(), answers(keepCreds, "", "", "", "n", "d2", "", "", "", "y"))
	if o.Kind != wizard.Created {
		t.Fatalf("outcome %v\n%s", o.Kind, out)
	}
	want := []string{"free drive", "free d2", "free d2-2", "create d2-2"}
	if strings.Join(f.events, ", ") != strings.Join(want, ", ") {
		t.Fatalf("calls %q, want %q\n%s", f.events, want, out)
	}
}

// In a remote session the prompts give the port forwarding with the URL,
// and the wait offers the paste at once.
func TestAccessibleRemoteForward(t *testing.T) {
	f := newA11yFake()
	f.Forward = "ssh -L 8750:127.0.0.1:8750 build-box"
	o, out := runA11y(t, f, a11yOptions(), answers("", "n", "", "", "", ""))
	if o.Kind != wizard.Created {
		t.Fatalf("outcome %+v\n%s", o, out)
	}
	testkit.InOrder(t, out, "Open this URL", "run this from your own machine, then open the URL there:", "  ssh -L 8750:127.0.0.1:8750 build-box",
		"up to 1 minute;", "or paste the URL the browser was sent to")
}
