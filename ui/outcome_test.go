package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

// ended waits for the program to end by itself and returns its model.
func (h *harness) ended() *Model {
	h.t.Helper()
	h.tm.WaitFinished(h.t, teatest.WithFinalTimeout(5*time.Second))
	return h.tm.FinalModel(h.t).(*Model)
}

func TestOutcomeCreated(t *testing.T) {
	h := start(t, wizardtest.New(), func(o *wizard.Options) { o.Remember = true })
	h.toDone()
	h.enter() // exit
	o := h.ended().Outcome()
	if o.Kind != wizard.Created || o.Created == nil || o.Created.Instance.ID != "4711" || o.Err != nil {
		t.Fatalf("outcome %s, created %+v, err %v", o.Kind, o.Created, o.Err)
	}
	if o.Note != "The secrets are remembered in the keychain for next time." {
		t.Fatalf("note %q", o.Note)
	}
}

// TestOutcomeNoteBareCode: the note that a pasted bare code's state could
// not be checked reaches the done screen and the outcome, next to the
// create's own note.
func TestOutcomeNoteBareCode(t *testing.T) {
	svc := wizardtest.New()
	svc.Paste = true
	h := start(t, svc, func(o *wizard.Options) {
		o.Creds.CallbackURL = "https://app.example.com/cb"
		o.Remember = true
	})
	h.waitFor("Ready with these credentials")
	h.enter()
	h.waitFor("Redirect URL or code")
	h.typeText(wizardtest.Code)
	h.enter()
	h.waitFor("Unique on this machine")
	h.enter()
	h.enter()
	h.enter()
	h.waitFor("request about to be sent")
	h.enter()
	h.waitFor("Instance created")
	h.enter() // exit
	o := h.ended().Outcome()
	want := "A bare code was pasted: its state could not be checked. The secrets are remembered in the keychain for next time."
	if o.Kind != wizard.Created || o.Note != want {
		t.Fatalf("outcome %s, note %q", o.Kind, o.Note)
	}
}

// TestOutcomeRecovered: the create's answer is lost, "r recover now" finds
// the instance and stores its token, the user exits. The command must
// report the recovery, not "nothing was created".
func TestOutcomeRecovered(t *testing.T) {
	svc := wizardtest.New()
	svc.CreateErrs = []error{fmt.Errorf("%w (could not create the instance: EOF)", platform.ErrAnswerLost)}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("did not succeed")
	h.rune('r')
	h.waitFor("recovered")
	h.enter() // exit
	o := h.ended().Outcome()
	if o.Kind != wizard.Recovered || o.Created != nil || o.Err != nil {
		t.Fatalf("outcome %s, created %v, err %v", o.Kind, o.Created != nil, o.Err)
	}
	if len(o.Recovered) != 1 {
		t.Fatalf("recovered %+v", o.Recovered)
	}
	r := o.Recovered[0]
	if !r.Found || r.Pending.Name != "drive" || r.Saved.Entry.ID != "4711" {
		t.Fatalf("recovered %+v", r)
	}
}

// TestOutcomeRecoveredNothingFound: "r recover now" finds no instance
// (the platform never created it; the record is cleared). The screen says
// nothing was created, and the outcome is no success: wizard.Aborted, with an
// error saying so.
func TestOutcomeRecoveredNothingFound(t *testing.T) {
	svc := wizardtest.New()
	svc.NotFound = true
	svc.CreateErrs = []error{fmt.Errorf("%w (could not create the instance: EOF)", platform.ErrAnswerLost)}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("did not succeed")
	h.rune('r')
	h.waitFor("no such instance")
	h.enter() // exit
	o := h.ended().Outcome()
	if o.Kind != wizard.Aborted || o.Created != nil || o.Recovered != nil || o.Err == nil || !strings.Contains(o.Err.Error(), "nothing was created") {
		t.Fatalf("outcome %s, recovered %+v, err %v", o.Kind, o.Recovered, o.Err)
	}
	if errors.Is(o.Err, platform.ErrAnswerLost) { // its advice would be to recover: nothing is left to
		t.Fatalf("err %v still says the answer is to be recovered", o.Err)
	}
}

func TestOutcomeAborted(t *testing.T) {
	errDown := &platform.APIError{Op: "create the instance", Status: 502, Message: "The provider could not be reached"}
	errLost := fmt.Errorf("%w (could not create the instance: EOF)", platform.ErrAnswerLost)
	tests := map[string]struct {
		svc  func() *wizardtest.Fake
		play func(h *harness)
		err  error // the outcome's Err, matched with errors.Is
	}{
		"ctrl+c at review": {
			svc: wizardtest.New,
			play: func(h *harness) {
				h.toReview()
				h.key(tea.KeyCtrlC)
			},
		},
		"quit while a failing create runs": {
			svc: func() *wizardtest.Fake {
				svc := wizardtest.New()
				svc.HoldCreate = make(chan struct{})
				svc.CreateErrs = []error{errDown}
				return svc
			},
			play: func(h *harness) {
				h.toReview()
				h.enter()
				h.waitFor("Creating")
				h.key(tea.KeyCtrlC)
				h.waitFor("before quitting")
				close(h.svc.HoldCreate)
			},
			err: errDown,
		},
		"quit on a lost answer without recovering": {
			svc: func() *wizardtest.Fake {
				svc := wizardtest.New()
				svc.CreateErrs = []error{errLost}
				return svc
			},
			play: func(h *harness) {
				h.toReview()
				h.enter()
				h.waitFor("did not succeed")
				h.send(SignalMsg{})
			},
			err: platform.ErrAnswerLost,
		},
	}
	for name, tt := range tests {
		t.Run(name, func(t *testing.T) {
			h := start(t, tt.svc())
			tt.play(h)
			o := h.ended().Outcome()
			if o.Kind != wizard.Aborted || o.Created != nil || o.Recovered != nil {
				t.Fatalf("outcome %s", o.Kind)
			}
			if (tt.err == nil) != (o.Err == nil) || (tt.err != nil && !errors.Is(o.Err, tt.err)) {
				t.Fatalf("err %v, want %v", o.Err, tt.err)
			}
		})
	}
}

// TestCloseAuthorization calls the Cmd: it closes the listener and says
// nothing.
func TestCloseAuthorization(t *testing.T) {
	if closeAuthorization(nil) != nil {
		t.Fatal("a Cmd to close no authorization")
	}
	state := callback.NewState()
	l, err := callback.Listen("http://127.0.0.1:0/callback", state, nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(l.Close)
	a := &flow.Authorization{URL: "https://provider.test/authorize", State: state, CallbackURL: l.URL, Listener: l, Done: l.Done()}
	if msg := closeAuthorization(a)(); msg != nil {
		t.Fatalf("message %T", msg)
	}
	client := &http.Client{Timeout: 2 * time.Second}
	if resp, err := client.Get(l.URL); err == nil {
		_ = resp.Body.Close()
		t.Fatal("the listener still answers after closeAuthorization")
	}
}
