package ui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

var candidates = []platform.Instance{
	{ID: "101", Name: "onedrivebusiness-me-20261128", Created: time.Date(2026, 11, 28, 12, 0, 1, 0, time.UTC)},
	{ID: "102", Name: "onedrivebusiness-me-20261128"},
}

// errUnsettled is a create whose answer was lost and that several
// instances may each be, as flow reports it.
var errUnsettled = &flow.UnsettledError{
	Pending:    keystore.Pending{Name: "onedrivebusiness-me-20261128"},
	Candidates: candidates,
	Lost:       fmt.Errorf("%w (could not create the instance: EOF)", platform.ErrAnswerLost),
}

// toPicker sends a create that fails unsettled, and waits for the picker.
func (h *harness) toPicker() {
	h.t.Helper()
	h.svc.CreateErrs = []error{errUnsettled}
	h.toReview()
	h.enter()
	h.waitFor("Which instance is yours?")
}

// The picker lists the candidates, name, id and creation time when known.
func TestPickCandidateScreen(t *testing.T) {
	h := start(t, wizardtest.New())
	h.toPicker()
	h.snapshot()
}

// Choosing a candidate adopts it: its token is stored, the run is
// recovered, no second create is sent.
func TestPickCandidateAdopts(t *testing.T) {
	svc := wizardtest.New()
	h := start(t, svc)
	h.toPicker()
	h.key(tea.KeyDown)
	h.enter()
	h.waitFor("the instance was found")
	m := h.final()
	o := m.Outcome()
	if o.Kind != wizard.Recovered || len(o.Recovered) != 1 || !o.Recovered[0].Found || o.Err != nil {
		t.Fatalf("outcome %+v", o)
	}
	if len(svc.Adopted) != 1 || svc.Adopted[0] != "102" || svc.CreateCount() != 1 {
		t.Fatalf("adopted %v after %d creates", svc.Adopted, svc.CreateCount())
	}
}

// Choosing none quits, keeping the pending record: the outcome says how
// to settle it later.
func TestPickCandidateNone(t *testing.T) {
	svc := wizardtest.New()
	h := start(t, svc)
	h.toPicker()
	h.key(tea.KeyDown)
	h.key(tea.KeyDown)
	h.enter()
	m := h.tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*Model)
	o := m.Outcome()
	if o.Kind != wizard.Aborted || o.Err == nil || !strings.Contains(o.Err.Error(), "connectwiz recover --adopt ID") || len(svc.Adopted) != 0 {
		t.Fatalf("outcome %+v, adopted %v", o, svc.Adopted)
	}
}

// A failed adoption says why and offers the candidates again.
func TestPickCandidateAdoptFails(t *testing.T) {
	svc := wizardtest.New()
	svc.AdoptErr = fmt.Errorf("%w: instance 101 already has a local entry", flow.ErrNotCandidate)
	h := start(t, svc)
	h.toPicker()
	h.enter()
	h.waitFor("already has a local entry")
	m := h.final()
	if m.step != stepPickCandidate {
		t.Fatalf("step %s after a failed adoption", m.step)
	}
	if v := words(ansi.Strip(m.View())); !strings.Contains(v, "Could not store that instance's token") {
		t.Fatalf("view %s", v)
	}
}

// "r recover now" on a lost answer that several instances may each be
// opens the picker too.
func TestRecoverNowPicks(t *testing.T) {
	svc := wizardtest.New()
	svc.Candidates = candidates
	svc.CreateErrs = []error{errNotKept}
	h := start(t, svc)
	h.toReview()
	h.enter()
	h.waitFor("look the instance up now")
	h.rune('r')
	h.waitFor("Which instance is yours?")
	h.enter()
	h.waitFor("the instance was found")
	m := h.final()
	if o := m.Outcome(); o.Kind != wizard.Recovered || o.Err != nil || len(o.Recovered) != 1 || !o.Recovered[0].Found {
		t.Fatalf("outcome %+v", o)
	}
}
