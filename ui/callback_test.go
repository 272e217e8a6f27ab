package ui

import (
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

// TestCallbackWhilePasting: the browser comes back while the paste form is
// open (Enter opened the browser, then p): the code finishes the
// authorization, as on the waiting step; and after esc back to the URL the
// wait still holds.
func TestCallbackWhilePasting(t *testing.T) {
	for name, back := range map[string]bool{"on the paste step": false, "after esc back": true} {
		t.Run(name, func(t *testing.T) {
			h := start(t, wizardtest.New())
			h.toWaiting()
			h.rune('p')
			h.waitFor("Redirect URL or code")
			if back {
				h.esc()
				h.waitFor("Enter opens your browser")
			}
			h.svc.Deliver(callback.Result{Code: wizardtest.Code})
			h.waitFor("Unique on this machine")
			m := h.final()
			if m.step != stepDetails || m.a.Code.Reveal() != wizardtest.Code || m.auth != nil {
				t.Fatalf("step %s, code %v, authorization open %v", m.step, m.a.Code.Reveal() == wizardtest.Code, m.auth != nil)
			}
		})
	}
}

// TestDeniedWhilePasting: the provider's refusal arriving while the paste
// form is open goes to its screen.
func TestDeniedWhilePasting(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toWaiting()
	h.rune('p')
	h.waitFor("Redirect URL or code")
	h.svc.Deliver(callback.Result{Err: &callback.AuthError{Code: "access_denied"}})
	h.waitFor("Access was denied")
	if m := h.final(); m.step != stepDenied || m.auth != nil {
		t.Fatalf("step %s, authorization open %v", m.step, m.auth != nil)
	}
}

// TestOneWaitPerAuthorization drives Update through every step that waits
// for the callback (the URL, waiting, timed out, the paste form, and back),
// then runs every Cmd it returned with three results ready on the
// listener's channel: exactly one of them waited for the callback.
func TestOneWaitPerAuthorization(t *testing.T) {
	clk := &clock{}
	m := New(wizardtest.New(), wizard.Options{Creds: fullCreds(), Now: clk.Now, Tick: time.Millisecond, Wait: time.Minute})
	done := make(chan callback.Result, 3)
	auth := &flow.Authorization{URL: authURL, State: wizardtest.State, CallbackURL: platform.DefaultCallbackURL, Done: done}
	key := func(r rune) tea.Msg { return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}} }
	enter, esc := tea.KeyMsg{Type: tea.KeyEnter}, tea.KeyMsg{Type: tea.KeyEsc}
	var cmds []tea.Cmd
	update := func(msg tea.Msg) {
		_, cmd := m.Update(msg)
		cmds = append(cmds, cmd)
	}
	m.step = stepFetching
	update(authorizedMsg{auth: auth})
	for _, msg := range []tea.Msg{enter, key('p'), esc, key('p'), esc, enter} {
		update(msg)
	}
	clk.Advance(2 * time.Minute)
	update(tickMsg{})
	if m.step != stepTimedOut {
		t.Fatalf("step %s, want timed out", m.step)
	}
	update(key('p'))
	if m.step != stepPaste {
		t.Fatalf("step %s, want paste", m.step)
	}
	for range 3 {
		done <- callback.Result{Code: wizardtest.Code}
	}
	var (
		wg    sync.WaitGroup
		mu    sync.Mutex
		waits int
	)
	var run func(tea.Cmd)
	run = func(cmd tea.Cmd) {
		defer wg.Done()
		if cmd == nil {
			return
		}
		msg := cmd()
		if v := reflect.ValueOf(msg); v.Kind() == reflect.Slice && v.Type().Elem() == reflect.TypeOf(tea.Cmd(nil)) {
			for i := range v.Len() {
				wg.Add(1)
				go run(v.Index(i).Interface().(tea.Cmd))
			}
			return
		}
		if _, ok := msg.(callbackMsg); ok {
			mu.Lock()
			waits++
			mu.Unlock()
		}
	}
	for _, cmd := range cmds {
		wg.Add(1)
		go run(cmd)
	}
	finished := make(chan struct{})
	go func() { wg.Wait(); close(finished) }()
	select {
	case <-finished:
	case <-time.After(5 * time.Second):
		t.Fatal("a Cmd still runs after 5s")
	}
	if waits != 1 {
		t.Fatalf("%d waits for the callback armed, want 1", waits)
	}
	m.endAuthorization()
}

// alarmed is the listener's result when its one-time browser link was
// opened a second time, as flow delivers it: the alarm, and an error
// standing for it.
func alarmed() callback.Result {
	return callback.Result{
		Alarm: callback.ErrBrowserURLReused,
		Err:   &callback.AuthError{Code: "connectwiz_alarm", Description: callback.ErrBrowserURLReused.Error()},
	}
}

// TestAlarm: the one-time link opened twice stops the authorization with
// its own words, not as a provider's error with a code row; r authorizes
// again. It arrives on the paste form as well.
func TestAlarm(t *testing.T) {
	const want = "✗ Authorization stopped: the sign-in link was opened twice — a double-click, or another program on this machine. Nothing was created. Press r to authorize again."
	for _, pasting := range []bool{false, true} {
		h := start(t, wizardtest.New())
		h.toWaiting()
		if pasting {
			h.rune('p')
			h.waitFor("Redirect URL or code")
		}
		h.svc.Deliver(alarmed())
		h.waitFor("Authorization stopped")
		var m *Model
		if pasting {
			h.rune('r')
			h.waitFor("Open this URL")
			if m = h.final(); m.step != stepAuthorize || h.svc.Authorizes != 2 {
				t.Fatalf("r after the alarm: step %s after %d authorizes", m.step, h.svc.Authorizes)
			}
			continue
		}
		m = h.snapshot()
		view := words(ansi.Strip(m.View()))
		if !strings.Contains(view, want) || strings.Contains(view, "connectwiz_alarm") || strings.Contains(view, "provider returned an error") {
			t.Fatalf("the alarm's screen:\n%s", view)
		}
	}
}
