package ui

import (
	"bytes"
	"fmt"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"
	"github.com/muesli/termenv"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

// The fake's authorize URL, for the credentials of fullCreds.
const authURL = "https://login.provider.test/oauth2/authorize?client_id=my-client-id&redirect_uri=http%3A%2F%2F127.0.0.1%3A8750%2Fcallback&response_type=code&state=STATE"

// waitOutput waits for text in the program's output and returns the output
// read meanwhile.
func (h *harness) waitOutput(text string) []byte {
	h.t.Helper()
	var out []byte
	teatest.WaitFor(h.t, h.tm.Output(), func(b []byte) bool {
		out = b
		return bytes.Contains(b, []byte(text))
	}, teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
	return out
}

// lines is the output as the terminal's lines: escape sequences dropped,
// every line break a "\n".
func lines(out []byte) string {
	s := strings.ReplaceAll(ansi.Strip(string(out)), "\r\n", "\n")
	return strings.ReplaceAll(s, "\r", "\n")
}

// words is s with its white space folded, to find wrapped text.
func words(s string) string { return strings.Join(strings.Fields(s), " ") }

// fits checks that a view fits width×height.
func fits(t *testing.T, view string, width, height int) {
	t.Helper()
	if n := lipgloss.Height(view); n > height {
		t.Errorf("the view has %d lines, the window %d:\n%s", n, height, view)
	}
	for _, l := range strings.Split(view, "\n") {
		if w := ansi.StringWidth(l); w > width {
			t.Errorf("a line %d wide in a %d-wide window: %q", w, width, l)
		}
	}
}

// The authorize URL is printed above the view whole: at the start of a
// line, unbroken, not cut; no OSC 8 on a plain terminal.
func TestAuthorizeURLPrintedWhole(t *testing.T) {
	h := start(t, wizardtest.New())
	h.waitFor("Ready with these credentials")
	h.enter()
	out := h.waitOutput(authURL)
	if !strings.Contains(lines(out), "\n"+authURL+"\n") {
		t.Fatalf("the URL is not printed on a line of its own:\n%q", lines(out))
	}
	if bytes.Contains(out, []byte("\x1b]8;")) {
		t.Fatal("an OSC 8 hyperlink on a plain (ASCII) terminal")
	}
	// The view itself keeps to one line of the URL.
	view := ansi.Strip(h.final().View())
	if strings.Contains(view, "ri=http") {
		t.Fatalf("the view wraps the URL:\n%s", view)
	}
}

// On a colour terminal the printed URL is an OSC 8 hyperlink to itself.
func TestAuthorizeURLHyperlink(t *testing.T) {
	lipgloss.SetColorProfile(termenv.TrueColor)
	t.Cleanup(func() { lipgloss.SetColorProfile(termenv.Ascii) })
	h := start(t, wizardtest.New())
	h.waitFor("Ready with these credentials")
	h.enter()
	h.waitFor(ansi.SetHyperlink(authURL) + authURL + ansi.ResetHyperlink())
	h.final()
}

// A resize clears the screen, which wipes what was printed above: the URL
// is printed again.
func TestAuthorizeURLReprintedAfterResize(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toAuthorize() // the output so far, the URL included, is read
	h.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	h.waitOutput(authURL)
	h.final()
}

// The curl command is printed above the view as flow renders it: each
// line at the start of a terminal line, unbroken, so that it runs when
// pasted (EOF starts its line; ${CONNECTWIZ_ORG_SECRET} is whole).
func TestCurlPrintedWhole(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toReview()
	h.rune('v')
	out := lines(h.waitOutput("\nEOF"))
	m := h.final()
	curl := m.a.Request().Curl(m.a.Creds().BaseURL)
	if !strings.Contains(curl, "${CONNECTWIZ_ORG_SECRET}") {
		t.Fatalf("curl without the org secret variable:\n%s", curl)
	}
	for i, l := range strings.Split(curl, "\n") {
		if i == 0 { // after the cursor's move up to the frame
			l = strings.TrimPrefix(l, "curl")
		}
		if !strings.Contains(out, "\n"+l+"\n") && (i > 0 || !strings.Contains(out, "curl"+l+"\n")) {
			t.Errorf("line %q not printed whole at the start of a line:\n%s", l, out)
		}
	}
}

// At 60×20, the details form keeps its validation error in sight.
func TestSmallDetailsError(t *testing.T) {
	h := startAt(t, 60, 20, wizardtest.New())
	h.toDetails()
	h.key(tea.KeyCtrlU) // clear the name
	h.enter()
	h.waitFor("* required")
	view := ansi.Strip(h.final().View())
	fits(t, view, 60, 20)
	if !strings.Contains(view, "* required") {
		t.Fatalf("no validation error in sight:\n%s", view)
	}
}

// At 60×20, a review too long for the window scrolls to its last rows.
func TestSmallReviewScrolls(t *testing.T) {
	svc := wizardtest.New()
	svc.NameTaken = true
	h := startAt(t, 60, 20, svc, func(o *wizard.Options) {
		o.Extra = map[string]string{"onedrivebusiness.site.address": "me.sharepoint.com"}
	})
	h.fillDetails()
	h.waitFor("more below")
	h.key(tea.KeyPgDown)
	h.waitFor("above (")
	m := h.final()
	view := ansi.Strip(m.View())
	fits(t, view, 60, 20)
	for _, want := range []string{"Code", "Esc to choose another name.", "esc back", "ctrl+c quit"} {
		if !strings.Contains(words(view), want) {
			t.Errorf("%q not in sight after pgdown:\n%s", want, view)
		}
	}
	// Back up: the first rows again.
	m.Update(tea.KeyMsg{Type: tea.KeyPgUp})
	if view := ansi.Strip(m.View()); !strings.Contains(view, "Platform") || strings.Contains(view, "above (") {
		t.Fatalf("pgup did not go back to the top:\n%s", view)
	}
}

func TestFitHelp(t *testing.T) {
	k := newKeyMap()
	approve := k.Open
	approve.SetHelp("enter", "approve here")
	all := []key.Binding{approve, k.OpenReal, k.Copy, k.Paste, k.Back, k.Quit}
	tests := map[int]string{
		100: "enter approve here • o open browser • c copy URL • p paste redirect • esc back • ctrl+c quit",
		78:  "enter approve here • o open browser • c copy URL • esc back • ctrl+c quit",
		58:  "enter approve here • esc back • ctrl+c quit",
		20:  "esc back • ctrl+c quit",
	}
	for width, want := range tests {
		t.Run(fmt.Sprint(width), func(t *testing.T) {
			if got := fitHelp(help.New(), all, width); got != want {
				t.Fatalf("got  %q\nwant %q", got, want)
			}
		})
	}
}

// While the create finishes before quitting, ctrl+c is not offered again.
func TestFinishingHelp(t *testing.T) {
	m := New(wizardtest.New(), wizard.Options{Creds: fullCreds()})
	m.Update(tea.WindowSizeMsg{Width: 80, Height: 24})
	m.startCreate()
	if view := ansi.Strip(m.View()); !strings.Contains(view, "ctrl+c quit") {
		t.Fatalf("creating: no ctrl+c in the help:\n%s", view)
	}
	m.Update(tea.KeyMsg{Type: tea.KeyCtrlC})
	view := ansi.Strip(m.View())
	if m.step != stepFinishing || strings.Contains(view, "ctrl+c") {
		t.Fatalf("step %s:\n%s", m.step, view)
	}
}

// msgs runs cmd and the commands of its batches and sequences; it must
// not be given a Cmd that blocks.
func msgs(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	msg := cmd()
	if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
		var out []tea.Msg
		for i := range v.Len() {
			out = append(out, msgs(v.Index(i).Interface().(tea.Cmd))...)
		}
		return out
	}
	return []tea.Msg{msg}
}

// A narrower window clears the screen (not the first size): the reflowed
// old frame leaves pieces otherwise. A wider or taller one does not (the
// clear would push a whole frame into tmux's scrollback).
func TestResizeClearsScreen(t *testing.T) {
	m := New(wizardtest.New(), wizard.Options{Creds: fullCreds()})
	clear := reflect.TypeOf(tea.ClearScreen())
	for i, tc := range []struct {
		w, h  int
		clear bool
	}{{80, 24, false}, {50, 15, true}, {80, 24, false}, {80, 24, false}, {80, 30, false}, {79, 30, true}} {
		_, cmd := m.Update(tea.WindowSizeMsg{Width: tc.w, Height: tc.h})
		cleared := false
		for _, msg := range msgs(cmd) {
			cleared = cleared || reflect.TypeOf(msg) == clear
		}
		if cleared != tc.clear {
			t.Fatalf("size %d (%d×%d): cleared %v", i, tc.w, tc.h, cleared)
		}
	}
}

// Esc on the details goes back to the authorize step with the code kept;
// enter goes on with it, a authorizes again and drops it.
func TestEscOnDetailsKeepsCode(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toDetails()
	h.esc()
	h.waitFor("sent the code back")
	h.enter()
	h.waitFor("Unique on this machine")
	h.esc()
	h.waitFor("sent the code back")
	h.rune('a')
	h.waitFor("Open this URL")
	m := h.final()
	if m.step != stepAuthorize || !m.a.Code.IsZero() || h.svc.Authorizes != 2 {
		t.Fatalf("step %s, code kept %v, %d authorizes", m.step, !m.a.Code.IsZero(), h.svc.Authorizes)
	}
}

func TestCodeReceived(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toDetails()
	h.esc()
	h.waitFor("sent the code back")
	m := h.snapshot()
	if m.a.Code.Reveal() != wizardtest.Code {
		t.Fatal("the code was dropped")
	}
}

var errCodeRefused = &platform.APIError{
	Op: "create the instance", Status: 400, Message: "The provider refused the authorization code",
	ProviderMessage: "invalid_grant: the code is unknown or was already used", RequestID: "r-7",
}

func TestCreateErrorCodeRefused(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{errCodeRefused}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("did not succeed")
	h.snapshot()
}

// After a refused code, a authorizes again; the new code creates.
func TestCreateErrorAuthorizeAgain(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{errCodeRefused}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("did not succeed")
	h.rune('a')
	h.waitFor("Open this URL")
	h.enter()
	h.waitFor("Waiting for the browser")
	h.svc.Deliver(callback.Result{Code: "a-new-code"})
	h.waitFor("Unique on this machine")
	h.enter()
	h.enter()
	h.enter()
	h.waitFor("request about to be sent")
	h.enter()
	h.waitFor("Instance created")
	m := h.final()
	if svc.Authorizes != 2 || svc.CreateCount() != 2 || svc.Creates[1].Code.Reveal() != "a-new-code" || m.Outcome().Kind != wizard.Created {
		t.Fatalf("%d authorizes, %d creates, outcome %s", svc.Authorizes, svc.CreateCount(), m.Outcome().Kind)
	}
}

func TestCodeRefused(t *testing.T) {
	tests := map[string]struct {
		err  error
		want bool
	}{
		"invalid grant":  {errCodeRefused, true},
		"403 code":       {&platform.APIError{Status: 403, Message: "Authorization code expired"}, true},
		"401 secrets":    {&platform.APIError{Status: 401, Message: "Invalid Organization or User secret"}, false},
		"502":            {&platform.APIError{Status: 502, Message: "bad gateway: code 17"}, false},
		"not an API one": {fmt.Errorf("code refused"), false},
	}
	for name, tt := range tests {
		if got := codeRefused(tt.err); got != tt.want {
			t.Errorf("%s: %v", name, got)
		}
	}
}

// On a plain terminal (NO_COLOR: the ASCII profile), the confirm shows
// which answer is selected without colour.
func TestConfirmNoColor(t *testing.T) {
	h := start(t, wizardtest.New())
	h.waitFor("Ready with these credentials")
	h.rune('e')
	h.waitFor("Platform URL")
	h.toConfirm()
	h.key(tea.KeyLeft)
	h.waitFor("[Yes]")
	m := h.snapshot()
	if !m.a.Remember {
		t.Fatal("left did not select Yes")
	}
}

// toConfirm goes from the credentials form's first field to its confirm.
// Enter is pressed once per field, waiting at the group boundary: an Enter
// sent before the form moves on may move it twice, skipping a group.
func (h *harness) toConfirm() {
	h.t.Helper()
	for range 3 {
		h.enter()
	}
	h.waitFor("The app you registered")
	for range 4 {
		h.enter()
	}
	h.waitFor("toggle")
}

func TestStorageWarning(t *testing.T) {
	const where = "the token is stored UNENCRYPTED in /home/me/.config/connectwiz/tokens.json (mode 0600, readable only by you), because "
	for p, want := range map[keystore.Problem]string{
		keystore.ProblemLocked:      "the keychain is locked, or no default keyring exists yet; unlock (or create) the login keyring",
		keystore.ProblemNoSession:   "no D-Bus session",
		keystore.ProblemUnavailable: "no Secret Service answered",
		keystore.ProblemTimeout:     "did not answer in time",
	} {
		got := storageWarning(where + p.Advice())
		if !strings.HasPrefix(got, "The token is stored UNENCRYPTED in /home/me/.config/connectwiz/tokens.json") || !strings.Contains(got, want) || !strings.HasSuffix(got, ".") {
			t.Errorf("got %q", got)
		}
	}
}

func TestDoneKeychainLocked(t *testing.T) {
	svc := wizardtest.New()
	svc.Storage = keystore.InFile
	svc.Warning = "the token is stored UNENCRYPTED in /home/me/.config/connectwiz/tokens.json (mode 0600, readable only by you), because " + keystore.ProblemLocked.Advice()
	h := start(t, svc)
	h.toDone()
	h.snapshot()
}

// The sandbox's authorize step offers o (a real browser) besides enter.
func TestSandboxHelpListsOpen(t *testing.T) {
	h := start(t, wizardtest.New(), func(o *wizard.Options) { o.Sandbox = true })
	h.toAuthorize()
	view := ansi.Strip(h.final().View())
	for _, want := range []string{"enter approve here", "o open browser"} {
		if !strings.Contains(view, want) {
			t.Errorf("%q not in the help:\n%s", want, view)
		}
	}
}

// Secrets filled from the keychain for one platform are dropped when the
// form is left with another platform's URL, and never sent there.
func TestPlatformChangeDropsRememberedSecrets(t *testing.T) {
	leave := map[string]func(h *harness){
		"completed": func(h *harness) {
			h.toConfirm()
			h.enter()
		},
		"esc": func(h *harness) { h.esc() },
	}
	for name, leaveForm := range leave {
		t.Run(name, func(t *testing.T) {
			svc := wizardtest.New()
			svc.RememberedCreds = &flow.Credentials{UserSecret: wizardtest.UserSecret, OrgSecret: wizardtest.OrgSecret, ClientSecret: wizardtest.ClientSecret}
			svc.RememberFor = fullCreds().BaseURL
			h := start(t, svc, func(o *wizard.Options) {
				o.Creds.UserSecret, o.Creds.OrgSecret, o.Creds.ClientSecret = "", "", ""
			})
			h.waitFor("prefilled from the keychain")
			h.rune('e')
			h.waitFor("Platform URL")
			h.key(tea.KeyCtrlU)
			h.typeText("https://other.test/api")
			leaveForm(h)
			h.waitFor("are not used for other.test")
			m := h.final()
			if m.step != stepCredentials || m.a.UserSecret != "" || m.a.OrgSecret != "" || m.a.ClientSecret != "" || svc.Authorizes != 0 {
				t.Fatalf("step %s, secrets kept %v, %d authorizes", m.step, m.a.UserSecret+m.a.OrgSecret+m.a.ClientSecret != "", svc.Authorizes)
			}
			if !strings.Contains(words(ansi.Strip(m.View())), "The secrets remembered for platform.test are not used for other.test: enter this platform's secrets.") {
				t.Fatalf("no note:\n%s", ansi.Strip(m.View()))
			}
			if !svc.WasAsked("https://other.test/api") {
				t.Fatal("the keychain was not asked for the new platform's secrets")
			}
		})
	}
}

// TestReviewWaitsForNameCheck: an Enter (or R) reaching the review before
// the name check answered creates nothing; once the answer says the name
// is taken, the review says so and waits for the user's choice.
func TestReviewWaitsForNameCheck(t *testing.T) {
	svc := wizardtest.New()
	svc.NameTaken = true
	svc.HoldName = make(chan struct{})
	h := start(t, svc)
	h.fillDetails()
	h.waitFor("request about to be sent")
	h.enter()
	h.rune('R')
	close(svc.HoldName)
	h.waitFor("Esc to choose another name")
	m := h.final()
	if n := svc.CreateCount(); n != 0 || m.step != stepReview {
		t.Fatalf("%d creates before the name check answered; step %s", n, m.step)
	}
}

// TestReviewEnterBeforeNameCheck drives Update directly: while the check
// is out, the review says so and Enter is held; the answer then creates
// (a free name) or shows the choice (a taken one, the held Enter dropped).
func TestReviewEnterBeforeNameCheck(t *testing.T) {
	enter := tea.KeyMsg{Type: tea.KeyEnter}
	for _, taken := range []bool{false, true} {
		m := New(wizardtest.New(), wizard.Options{Creds: fullCreds(), Name: "drive"})
		m.a.Code = wizardtest.Code
		m.step = stepDetails
		m.detailsDone() // its Cmd, the check, is not run: the answers come below
		if view := words(ansi.Strip(m.View())); !strings.Contains(view, "Checking the name") || strings.Contains(view, "enter create") {
			t.Fatalf("the review does not say the name is being checked:\n%s", view)
		}
		m.Update(enter)
		m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{'R'}})
		m.Update(nameTakenMsg{name: "other", taken: true, free: "other-2"}) // a late answer for another name
		if m.step != stepReview {
			t.Fatalf("taken=%v: a create started before the name was checked (step %s)", taken, m.step)
		}
		m.Update(nameTakenMsg{name: "drive", taken: taken, free: "drive-2"})
		if !taken {
			if m.step != stepCreating || m.a.Request().Name != "drive" {
				t.Fatalf("the held Enter did not create drive: step %s, name %q", m.step, m.a.Request().Name)
			}
			continue
		}
		if m.step != stepReview || !m.nameTaken {
			t.Fatalf("taken name: step %s, nameTaken %v", m.step, m.nameTaken)
		}
		m.Update(enter)
		if m.step != stepCreating || m.a.Request().Name != "drive-2" {
			t.Fatalf("Enter after the answer: step %s, name %q", m.step, m.a.Request().Name)
		}
	}
}

// TestAnswerLostNothingFound: recovering finds no instance.
func TestAnswerLostNothingFound(t *testing.T) {
	svc := wizardtest.New()
	svc.NotFound = true
	svc.CreateErrs = []error{fmt.Errorf("%w (could not create the instance: EOF)", platform.ErrAnswerLost)}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("did not succeed")
	h.rune('r')
	h.waitFor("no such instance")
	m := h.snapshot()
	if view := words(ansi.Strip(m.View())); !strings.Contains(view, "The answer was lost, and the platform has no such instance: nothing was created.") || strings.Contains(view, "was found") {
		t.Fatalf("view:\n%s", view)
	}
}

// errNotKept is a create whose instance exists but whose token could not
// be stored, as flow reports it.
var errNotKept = fmt.Errorf("%w: instance 4711 (\"drive\"): the keychain is locked; its pending record is kept", flow.ErrNotKept)

// TestNotKept: the instance exists but its token was not stored. Like a
// lost answer, it offers only to look the instance up: neither a retry nor
// a new authorization (both would create a duplicate), nor going back.
func TestNotKept(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{errNotKept}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("look the instance up now")
	h.rune('a')
	h.esc()
	h.snapshot()
	if n, a := svc.CreateCount(), svc.Authorizes; n != 1 || a != 1 {
		t.Fatalf("%d creates, %d authorizes after a token not kept", n, a)
	}
}

// TestNotKeptRecover: r looks the instance up and stores its token.
func TestNotKeptRecover(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{errNotKept}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("look the instance up now")
	h.rune('r')
	h.waitFor("the instance was found")
	m := h.final()
	if o := m.Outcome(); o.Kind != wizard.Recovered || svc.CreateCount() != 1 {
		t.Fatalf("outcome %s after %d creates", o.Kind, svc.CreateCount())
	}
}

// A URL in a row wraps after a slash, never inside a word such as api-v2.
func TestWrapAfter(t *testing.T) {
	for _, tc := range []struct {
		in    string
		width int
		want  string
	}{
		{"http://127.0.0.1:46717/your_moms/api-v2", 38, "http://127.0.0.1:46717/your_moms/\napi-v2"},
		{"short", 38, "short"},
		{"in the sandbox's own store (a test token)", 20, "in the sandbox's\nown store (a test\ntoken)"},
		{"abcdefghijklmnopqrstuvwxyz", 10, "abcdefghij\nklmnopqrst\nuvwxyz"},
		{"ドライブドライブ", 6, "ドライ\nブドラ\nイブ"},
	} {
		if got := wrapAfter(tc.in, tc.width, " /&?"); got != tc.want {
			t.Errorf("wrapAfter(%q, %d) = %q, want %q", tc.in, tc.width, got, tc.want)
		}
	}
}

// In an SSH session the authorize screen gives the port forwarding line
// whole, to run from the user's own machine, and offers the paste.
func TestAuthorizeSSHForward(t *testing.T) {
	svc := wizardtest.New()
	svc.Forward = "ssh -L 8750:127.0.0.1:8750 build-box"
	h := startAt(t, 60, 20, svc)
	h.toAuthorize()
	view := ansi.Strip(h.final().View())
	if !regexp.MustCompile(`\n +ssh -L 8750:127\.0\.0\.1:8750 build-box *\n`).MatchString(view) || !strings.Contains(view, "SSH session") ||
		!strings.Contains(view, "p paste") || strings.Contains(view, "open browser") {
		t.Fatalf("the forwarding line is not offered whole:\n%s", view)
	}
}
