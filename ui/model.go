// Package ui is the connectwiz wizard: a Bubble Tea state machine that
// draws each step and turns keys into messages. It does no I/O itself:
// every side effect is a tea.Cmd calling the Service it is given.
//
// The step enum owns every state, and the step table (steps.go) holds what
// each step is and does: its phase in the header, its form, its handlers
// for keys, esc, ctrl+c and ticks, its view and its help. Update and View
// only look the current step up and call them. Each phase's steps are
// defined, with their handlers, views and forms, in its own file:
// credentials.go, authorize.go, details.go, create.go, pick.go (a lost
// answer's candidates) and done.go.
package ui

import (
	"context"
	"strings"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/ui/theme"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// Minimum terminal size.
const (
	minWidth  = 60
	minHeight = 20
)

// Model is the wizard's root model.
type Model struct {
	svc  wizard.Service
	opts wizard.Options
	st   theme.Styles
	keys keyMap
	help help.Model

	step          step
	width, height int
	frame         int
	scrollY       int  // the body's scroll offset, when it does not fit
	sized         bool // a window size has been received
	ticking       bool

	// The form of the current step, when it has one.
	form *huh.Form

	// The answers, as the forms edit them, and what the run has come to.
	a   wizard.Answers
	res wizard.Result

	credErr      error
	credErrFor   flow.Credentials // the answers credErr refused: edited, it no longer shows
	credFields   map[string]string
	callbackSeen atomic.Value // the callback URL as of the last Update, for Cmds to read

	// The authorization in progress.
	auth       *flow.Authorization
	authCtx    context.Context
	authCancel context.CancelFunc
	authGen    int
	deadline   time.Time
	notice     string
	refused    string // the latest request the listener refused, said on the waiting screen
	denied     *callback.AuthError
	alarm      error // what stopped the authorization, when it may have been hijacked (callback.Result.Alarm)
	pasteInput string

	// Details.
	nameChecked bool   // the name check for the name under review has answered
	nameTaken   bool   // the name exists locally (checked on entering review)
	freeName    string // a free name offered instead, when it is taken
	createHeld  bool   // Enter was pressed at the review before the check answered
	replace     bool   // R at the review: the create takes the taken name's local entry

	candidates []platform.Instance // the instances the user picks from (stepPickCandidate)
	pick       platform.ID         // the one picked; empty: quit, keeping the record
	pickQuit   bool                // ctrl+c while the picked one's token is stored: quit after
	ambiguous  bool                // the created name is on several platforms: the token command names this one
	doneAlarm  error               // the alarm raised on the created instance's authorization, when Done was entered
}

// New returns the wizard.
func New(svc wizard.Service, opts wizard.Options) *Model {
	opts = opts.WithDefaults()
	m := &Model{
		svc:    svc,
		opts:   opts,
		st:     theme.New(),
		keys:   newKeyMap(),
		help:   theme.NewHelp(),
		width:  80,
		height: 24,
		a:      wizard.NewAnswers(opts),
	}
	m.callbackSeen.Store(m.a.CallbackURL)
	if m.a.Complete() {
		m.step = stepSummary
	} else {
		m.step = stepCredentials
		m.form = m.credentialsForm()
	}
	return m
}

// Init implements tea.Model.
func (m *Model) Init() tea.Cmd {
	cmds := []tea.Cmd{}
	if m.form != nil {
		cmds = append(cmds, m.form.Init())
	}
	if m.svc.CanRemember() && m.a.Creds().LacksSecret() {
		cmds = append(cmds, loadRemembered(m.svc, m.a.BaseURL))
	}
	return tea.Batch(cmds...)
}

// Outcome returns how the wizard ended, once the program has returned.
func (m *Model) Outcome() wizard.Outcome { return m.res.Outcome() }

// goTo moves to a step, starting the animation tick when it needs one.
func (m *Model) goTo(s step) tea.Cmd {
	if s != m.step {
		m.scrollY = 0
	}
	m.step = s
	if steps[s].tick != nil && !m.ticking {
		m.ticking = true
		return m.tick()
	}
	return nil
}

func (m *Model) tick() tea.Cmd {
	return tea.Tick(m.opts.Tick, func(time.Time) tea.Msg { return tickMsg{} })
}

// quit leaves at once, unless the step says otherwise (while creating, the
// save finishes first).
func (m *Model) quit() (tea.Model, tea.Cmd) {
	if q := steps[m.step].quit; q != nil {
		return q(m)
	}
	return m.end()
}

// end ends the wizard at once.
func (m *Model) end() (tea.Model, tea.Cmd) {
	closing := m.endAuthorization()
	m.step = stepQuit
	return m, tea.Sequence(closing, tea.Quit) // the listener is closed before the program ends
}

// endAuthorization stops the waiting Cmd and forgets the authorization; the
// Cmd it returns closes the listener.
func (m *Model) endAuthorization() tea.Cmd {
	if m.authCancel != nil {
		m.authCancel()
		m.authCancel = nil
	}
	a := m.auth
	m.auth = nil
	return closeAuthorization(a)
}

func trim(s string) string { return strings.TrimSpace(s) }
