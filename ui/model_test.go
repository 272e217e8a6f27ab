package ui

import (
	"bytes"
	"fmt"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/golden"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

func TestMain(m *testing.M) {
	_ = os.Setenv("TERM", "xterm-256color")
	lipgloss.SetColorProfile(termenv.Ascii)
	lipgloss.SetHasDarkBackground(true)
	os.Exit(m.Run())
}

// clock is a settable clock.
type clock struct{ offset atomic.Int64 }

var epoch = time.Date(2026, 11, 28, 12, 0, 0, 0, time.UTC)

func (c *clock) Now() time.Time          { return epoch.Add(time.Duration(c.offset.Load())) }
func (c *clock) Advance(d time.Duration) { c.offset.Add(int64(d)) }

func fullCreds() flow.Credentials {
	return flow.Credentials{
		BaseURL:      "https://platform.test/your_moms/api-v2",
		UserSecret:   wizardtest.UserSecret,
		OrgSecret:    wizardtest.OrgSecret,
		Connector:    platform.DefaultConnector,
		ClientID:     "my-client-id",
		ClientSecret: wizardtest.ClientSecret,
		CallbackURL:  platform.DefaultCallbackURL,
	}
}

type harness struct {
	t     *testing.T
	tm    *teatest.TestModel
	svc   *wizardtest.Fake
	clock *clock
}

// start runs the real model with a fake service at 80×24.
func start(t *testing.T, svc *wizardtest.Fake, mutate ...func(*wizard.Options)) *harness {
	t.Helper()
	return startAt(t, 80, 24, svc, mutate...)
}

// startAt runs the real model with a fake service at width×height.
func startAt(t *testing.T, width, height int, svc *wizardtest.Fake, mutate ...func(*wizard.Options)) *harness {
	t.Helper()
	clk := &clock{}
	opts := wizard.Options{Creds: fullCreds(), Now: clk.Now, Tick: time.Hour, Name: "onedrivebusiness-me-20261128"}
	for _, f := range mutate {
		f(&opts)
	}
	svc.Sandbox = opts.Sandbox
	tm := teatest.NewTestModel(t, New(svc, opts), teatest.WithInitialTermSize(width, height))
	t.Cleanup(func() { _ = tm.Quit() })
	return &harness{t: t, tm: tm, svc: svc, clock: clk}
}

func (h *harness) waitFor(text string) {
	h.t.Helper()
	teatest.WaitFor(h.t, h.tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
		teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func (h *harness) key(k tea.KeyType) { h.tm.Send(tea.KeyMsg{Type: k}) }
func (h *harness) enter()            { h.key(tea.KeyEnter) }
func (h *harness) esc()              { h.key(tea.KeyEsc) }
func (h *harness) rune(r rune)       { h.tm.Send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}}) }
func (h *harness) send(m tea.Msg)    { h.tm.Send(m) }
func (h *harness) typeText(s string) { h.tm.Type(s) }

// final quits and returns the settled model.
func (h *harness) final() *Model {
	h.t.Helper()
	if err := h.tm.Quit(); err != nil {
		h.t.Fatal(err)
	}
	return h.tm.FinalModel(h.t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
}

// snapshot compares the settled view with its golden file and checks that
// no secret shows.
func (h *harness) snapshot() *Model {
	h.t.Helper()
	m := h.final()
	view := ansi.Strip(m.View())
	for _, s := range wizardtest.AllSecrets {
		if strings.Contains(view, s) {
			h.t.Fatalf("the %s view shows a secret:\n%s", m.step, view)
		}
	}
	golden.RequireEqual(h.t, []byte(view))
	return m
}

// Scenario steps.

func (h *harness) toAuthorize() {
	h.t.Helper()
	h.waitFor("Ready with these credentials")
	h.enter()
	h.waitFor("Open this URL")
}

func (h *harness) toWaiting() {
	h.t.Helper()
	h.toAuthorize()
	h.enter()
	h.waitFor("Waiting for the browser")
}

func (h *harness) toDetails() {
	h.t.Helper()
	h.toWaiting()
	h.svc.Deliver(callback.Result{Code: wizardtest.Code})
	h.waitFor("Unique on this machine")
}

// fillDetails reaches the details and submits them, with tags.
func (h *harness) fillDetails() {
	h.t.Helper()
	h.toDetails()
	h.enter()
	h.waitFor("┃ Tags")
	h.typeText("prod, team-a, prod")
	h.enter()
	h.enter()
}

func (h *harness) toReview() {
	h.t.Helper()
	h.fillDetails()
	h.waitReviewed()
}

// waitReviewed waits for the review with the name check's answer: its help
// offers a create only then.
func (h *harness) waitReviewed() {
	h.t.Helper()
	teatest.WaitFor(h.t, h.tm.Output(), func(b []byte) bool {
		return bytes.Contains(b, []byte("request about to be sent")) &&
			(bytes.Contains(b, []byte("enter create")) || bytes.Contains(b, []byte("enter keep both")))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
}

func (h *harness) toDone() {
	h.t.Helper()
	h.toReview()
	h.enter()
	h.waitFor("Instance created")
}

func TestCredentialsSummary(t *testing.T) {
	h := start(t, wizardtest.New())
	h.waitFor("Ready with these credentials")
	h.snapshot()
}

func TestCredentialsSummaryWarnsPlainHTTP(t *testing.T) {
	h := start(t, wizardtest.New(), func(o *wizard.Options) { o.Creds.BaseURL = "http://platform.example/api" })
	h.waitFor("is plain http")
	h.snapshot()
}

func TestCredentialsForm(t *testing.T) {
	h := start(t, wizardtest.New(), func(o *wizard.Options) { o.Creds.UserSecret = "" })
	h.waitFor("Platform URL")
	h.snapshot()
}

func TestCredentialsErrors(t *testing.T) {
	tests := map[string]error{
		"unauthorized": &platform.APIError{Op: "list the instances", Status: 401, Message: "Invalid Organization or User secret", RequestID: "r-1"},
		"not_found":    &platform.APIError{Op: "get the authorize URL", Status: 404, Message: "No your_mom found with key 'onedrivebusines'"},
		"bad_client":   &platform.APIError{Op: "get the authorize URL", Status: 400, Message: "The OAuth client id or secret is not registered", ProviderMessage: "invalid_client"},
		"port_busy":    fmt.Errorf("%w: the callback port 127.0.0.1:8750 is already in use (another connectwiz, or another program?)", callback.ErrListen),
		"unreachable":  wizardtest.ErrUnreachable,
	}
	for name, err := range tests {
		t.Run(name, func(t *testing.T) {
			svc := wizardtest.New()
			svc.AuthErrs = []error{err}
			h := start(t, svc)
			h.waitFor("Ready with these credentials")
			h.enter()
			h.waitFor("✗")
			m := h.snapshot()
			if m.step != stepCredentials { // the form, not the summary
				t.Fatalf("an error should return to the credentials form, got %s", m.step)
			}
		})
	}
}

func TestFetching(t *testing.T) {
	svc := wizardtest.New()
	svc.HoldAuth = make(chan struct{})
	t.Cleanup(func() { close(svc.HoldAuth) })
	h := start(t, svc)
	h.waitFor("Ready with these credentials")
	h.enter()
	h.waitFor("fetching the authorize URL")
	h.snapshot()
}

func TestAuthorize(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toAuthorize()
	h.snapshot()
}

func TestAuthorizeSandbox(t *testing.T) {
	svc := wizardtest.New()
	h := start(t, svc, func(o *wizard.Options) { o.Sandbox = true })
	h.toAuthorize()
	h.snapshot()
}

func TestWaiting(t *testing.T) {
	svc := wizardtest.New()
	svc.OpenErr = fmt.Errorf("no browser found (no $BROWSER, xdg-open, wslview or sensible-browser)")
	h := start(t, svc)
	h.toAuthorize()
	h.enter()
	h.waitFor("Could not open a browser")
	h.snapshot()
}

func TestTimedOut(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toWaiting()
	h.clock.Advance(6 * time.Minute)
	h.send(tickMsg{})
	h.waitFor("No callback arrived")
	h.snapshot()
}

func TestPasteWhenCallbackNotLoopback(t *testing.T) {
	svc := wizardtest.New()
	svc.Paste = true
	h := start(t, svc, func(o *wizard.Options) { o.Creds.CallbackURL = "https://app.example.com/oauth/callback" })
	h.waitFor("Not on this machine")
	h.enter()
	h.waitFor("Redirect URL or code")
	h.snapshot()
}

func TestPasteFlow(t *testing.T) {
	svc := wizardtest.New()
	svc.Paste = true
	h := start(t, svc, func(o *wizard.Options) { o.Creds.CallbackURL = "https://app.example.com/cb" })
	h.waitFor("Ready with these credentials")
	h.enter()
	h.waitFor("Redirect URL or code")
	h.typeText("https://app.example.com/cb?code=" + wizardtest.Code + "&state=wrong")
	h.enter()
	h.waitFor("state does not")
	for range len("https://app.example.com/cb?code=" + wizardtest.Code + "&state=wrong") {
		h.key(tea.KeyBackspace)
	}
	h.typeText("https://app.example.com/cb?code=" + wizardtest.Code + "&state=" + wizardtest.State)
	h.enter()
	h.waitFor("Unique on this machine")
	m := h.final()
	if m.a.Code.Reveal() != wizardtest.Code || m.a.Callback != "https://app.example.com/cb" {
		t.Fatalf("code %q from %q", m.a.Code.Reveal(), m.a.Callback)
	}
}

func TestDenied(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toWaiting()
	h.svc.Deliver(callback.Result{Err: &callback.AuthError{Code: "access_denied", Description: "The user denied access to the application."}})
	h.waitFor("Access was denied")
	h.snapshot()
}

func TestDeniedRetry(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toWaiting()
	h.svc.Deliver(callback.Result{Err: &callback.AuthError{Code: "access_denied"}})
	h.waitFor("Access was denied")
	h.rune('r')
	h.waitFor("Open this URL")
	if m := h.final(); m.step != stepAuthorize || h.svc.Authorizes != 2 {
		t.Fatalf("retry: step %s after %d authorizes", m.step, h.svc.Authorizes)
	}
}

func TestDetails(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toDetails()
	h.snapshot()
}

func TestReview(t *testing.T) {
	h := start(t, wizardtest.New(), func(o *wizard.Options) {
		o.Extra = map[string]string{"onedrivebusiness.site.address": "me.sharepoint.com"}
	})
	h.toReview()
	m := h.snapshot()
	if tags := m.a.Request().Tags; strings.Join(tags, ",") != "prod,team-a" {
		t.Fatalf("tags %q", tags)
	}
}

func TestReviewCurl(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toReview()
	h.rune('v')
	h.waitFor("curl -X POST")
	h.snapshot()
}

func TestReviewNameTaken(t *testing.T) {
	svc := wizardtest.New()
	svc.NameTaken = true
	h := start(t, svc)
	h.fillDetails()
	h.waitFor("Esc to choose another name") // the name check's answer is on screen
	h.snapshot()
}

// A taken name is never replaced by default: Enter keeps both, R replaces.
func TestNameTakenKeepsBothByDefault(t *testing.T) {
	for _, tc := range []struct {
		key     func(h *harness)
		want    string
		replace bool
	}{
		{func(h *harness) { h.enter() }, "onedrivebusiness-me-20261128-2", false},
		{func(h *harness) { h.rune('R') }, "onedrivebusiness-me-20261128", true},
	} {
		svc := wizardtest.New()
		svc.NameTaken = true
		h := start(t, svc)
		h.fillDetails()
		h.waitFor("Esc to choose another name")
		tc.key(h)
		h.waitFor("Instance created")
		if got := h.final().Outcome(); got.Kind != wizard.Created || got.Created.Instance.Name != tc.want {
			t.Fatalf("outcome %+v, want an instance named %s", got, tc.want)
		}
		svc.Mu.Lock()
		replaced := svc.Replaces
		svc.Mu.Unlock()
		if len(replaced) != 1 || replaced[0] != tc.replace {
			t.Fatalf("the create asked to replace: %v, want %v", replaced, tc.replace)
		}
	}
}

func TestCreating(t *testing.T) {
	svc := wizardtest.New()
	svc.HoldCreate = make(chan struct{})
	t.Cleanup(func() { close(svc.HoldCreate) })
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("Creating")
	h.snapshot()
}

func TestMissingConfig(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{&platform.APIError{
		Op: "create the instance", Status: 400, Message: "Missing required configuration entries: onedrivebusiness.site.address, onedrivebusiness.api.password",
		Missing: []string{"onedrivebusiness.site.address", "onedrivebusiness.api.password"},
	}}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("needs more configuration")
	h.snapshot()
}

func TestMissingConfigRetries(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{&platform.APIError{Op: "create the instance", Status: 400, Missing: []string{"onedrivebusiness.site.address"}}}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("needs more configuration")
	h.typeText("me.sharepoint.com")
	h.enter()
	h.waitFor("Instance created")
	h.final()
	if n := svc.CreateCount(); n != 2 || svc.Creates[1].Extra["onedrivebusiness.site.address"] != "me.sharepoint.com" {
		t.Fatalf("%d creates, last %+v", n, svc.Creates[n-1].Extra)
	}
}

func TestCreateError(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{&platform.APIError{Op: "create the instance", Status: 502, Message: "The provider could not be reached", RequestID: "r-9"}}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("did not succeed")
	h.snapshot()
}

func TestCreateErrorRetry(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{&platform.APIError{Op: "create the instance", Status: 502}}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("did not succeed")
	h.rune('r')
	h.waitFor("Instance created")
	h.final()
}

func TestAnswerLost(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{fmt.Errorf("%w (could not create the instance: EOF)", platform.ErrAnswerLost)}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("did not succeed")
	h.esc() // no going back: the instance may exist
	h.rune('r')
	h.waitFor("recovered")
	m := h.snapshot()
	if m.step != stepRecovered {
		t.Fatalf("step %s", m.step)
	}
}

func TestDone(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toDone()
	h.snapshot()
}

func TestDoneFileFallback(t *testing.T) {
	svc := wizardtest.New()
	svc.Storage = keystore.InFile
	h := start(t, svc)
	h.toDone()
	h.snapshot()
}

func TestTooSmall(t *testing.T) {
	h := start(t, wizardtest.New())
	h.waitFor("Ready with these credentials")
	h.send(tea.WindowSizeMsg{Width: 50, Height: 15})
	h.waitFor("too small")
	h.snapshot()
}

// TestSandboxEnterOnly counts the key presses of a prefilled sandbox run.
func TestSandboxEnterOnly(t *testing.T) {
	svc := wizardtest.New()
	h := start(t, svc, func(o *wizard.Options) { o.Sandbox = true })
	enters := 0
	press := func(wait string) {
		h.enter()
		enters++
		h.waitFor(wait)
	}
	h.waitFor("Ready with these credentials")
	press("Open this URL")
	press("Unique on this machine")
	h.enter()
	h.enter()
	enters += 2
	press("request about to be sent")
	press("Instance created")
	m := h.final()
	if m.res.Created == nil || enters != 6 || svc.Approves != 1 {
		t.Fatalf("created=%v after %d Enter presses, %d approvals", m.res.Created != nil, enters, svc.Approves)
	}
}

func TestBackNavigation(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toReview()
	h.esc()
	h.waitFor("Unique on this machine")
	h.esc()
	h.waitFor("sent the code back") // back to the authorize step; the code is kept
	h.esc()
	h.waitFor("Platform URL") // back to the credentials form; the code is dropped
	m := h.final()
	if m.step != stepCredentials || !m.a.Code.IsZero() {
		t.Fatalf("step %s, code kept: %v", m.step, !m.a.Code.IsZero())
	}

	h = start(t, wizardtest.New())
	h.toWaiting()
	h.esc()
	h.waitFor("Enter opens your browser")
	h.esc()
	h.waitFor("Platform URL")
	if m := h.final(); m.step != stepCredentials || m.auth != nil {
		t.Fatalf("step %s, authorization still open: %v", m.step, m.auth != nil)
	}
}

// TestCtrlCEveryStep quits at each step and checks nothing is left running.
func TestCtrlCEveryStep(t *testing.T) {
	steps := map[string]func(h *harness){
		"credentials": func(h *harness) { h.waitFor("Ready with these credentials") },
		"authorize":   func(h *harness) { h.toAuthorize() },
		"waiting":     func(h *harness) { h.toWaiting() },
		"details":     func(h *harness) { h.toDetails() },
		"review":      func(h *harness) { h.toReview() },
		"done":        func(h *harness) { h.toDone() },
	}
	for name, reach := range steps {
		t.Run(name, func(t *testing.T) {
			h := start(t, wizardtest.New())
			reach(h)
			h.key(tea.KeyCtrlC)
			h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
			m := h.tm.FinalModel(t).(*Model)
			if m.step != stepQuit || m.auth != nil {
				t.Fatalf("step %s, authorization open=%v", m.step, m.auth != nil)
			}
		})
	}
}

func TestCtrlCWhileCreatingKeepsToken(t *testing.T) {
	svc := wizardtest.New()
	svc.HoldCreate = make(chan struct{})
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("Creating")
	h.key(tea.KeyCtrlC)
	h.send(SignalMsg{})
	h.waitFor("before quitting")
	close(svc.HoldCreate)
	h.tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))
	m := h.tm.FinalModel(t).(*Model)
	if o := m.Outcome(); o.Kind != wizard.Created || o.Created == nil || o.Created.Saved.Entry.Storage != keystore.InKeychain {
		t.Fatal("quitting while creating lost the created instance")
	}
}

func TestRememberedSecretsPrefill(t *testing.T) {
	svc := wizardtest.New()
	svc.RememberedCreds = &flow.Credentials{UserSecret: wizardtest.UserSecret, OrgSecret: wizardtest.OrgSecret, ClientSecret: wizardtest.ClientSecret}
	h := start(t, svc, func(o *wizard.Options) {
		o.Creds.UserSecret, o.Creds.OrgSecret, o.Creds.ClientSecret = "", "", ""
	})
	h.waitFor("prefilled from the keychain")
	m := h.final()
	if m.step != stepSummary || !m.a.Remember || m.a.UserSecret != wizardtest.UserSecret {
		t.Fatalf("step %s remember=%v", m.step, m.a.Remember)
	}
}

// While the window is too small the wizard is hidden: keys other than
// ctrl+c do nothing there (an Enter must not create unseen).
func TestTooSmallIgnoresKeys(t *testing.T) {
	svc := wizardtest.New()
	h := start(t, svc)
	h.toReview()
	h.send(tea.WindowSizeMsg{Width: 50, Height: 15})
	h.waitFor("too small")
	h.enter()
	h.rune('R')
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.waitFor("request about to be sent")
	if n := svc.CreateCount(); n != 0 {
		t.Fatalf("%d creates sent while the screen was hidden", n)
	}
}

// At 60 columns the done screen's token command wraps whole, never cut
// into the name of another instance.
func TestDoneHintWrapsAtSixty(t *testing.T) {
	h := start(t, wizardtest.New(), func(o *wizard.Options) {
		o.Name = "onedrivebusiness-someone-with-a-long-name-20261128-2"
		o.TokenCommand = "go run . token --sandbox"
	})
	h.send(tea.WindowSizeMsg{Width: 60, Height: 30})
	h.toDone()
	m := h.final()
	view := ansi.Strip(m.View())
	joined := strings.Join(strings.Fields(continued.ReplaceAllString(view, " ")), " ")
	if !strings.Contains(joined, "go run . token --sandbox onedrivebusiness-someone-with-a-long-name-20261128-2") {
		t.Fatalf("the hint is not whole:\n%s", view)
	}
	for _, line := range strings.Split(view, "\n") {
		if ansi.StringWidth(line) > 60 {
			t.Fatalf("a line is wider than the window: %q", line)
		}
	}
}

// The refused banner goes once the answers it refused are edited.
func TestRefusedBannerGoesWhenEdited(t *testing.T) {
	svc := wizardtest.New()
	svc.AuthErrs = []error{&platform.APIError{Op: "list the instances", Status: 401, Message: "Invalid Organization or User secret"}}
	h := start(t, svc)
	h.waitFor("Ready with these credentials")
	h.enter()
	h.waitFor("Invalid Organization")
	h.typeText("x") // the focused field, the platform URL, is edited
	h.waitFor("x")
	m := h.final()
	if v := ansi.Strip(m.View()); strings.Contains(v, "Invalid Organization") {
		t.Fatalf("the banner stays after an edit:\n%s", v)
	}
	if m.credErr == nil {
		t.Fatal("the error itself is kept (esc still may not go back)")
	}
}
