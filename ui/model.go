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
	"cmp"
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
	"github.com/connectwiz/connectwiz/flow/secret"
)

// Service is what the wizard asks of the rest of connectwiz; each step's
// Cmd calls one of its methods. *flow.Session implements it; tests use a
// fake.
type Service interface {
	// CanRemember says whether secrets are remembered in this run (never
	// in the sandbox).
	CanRemember() bool
	// Remembered returns secrets the user asked to have remembered for a
	// platform (keychain), if any.
	Remembered(baseURL string) (flow.Credentials, bool)
	// Authorize saves the answers, checks the secrets, starts the listener
	// and gets the URL.
	Authorize(ctx context.Context, creds flow.Credentials) (*flow.Authorization, error)
	// OpenBrowser opens an http(s) URL.
	OpenBrowser(url string) error
	// Copy puts text on the clipboard (OSC 52).
	Copy(text string) error
	// Approve plays the user at the sandbox's consent page.
	Approve(ctx context.Context, url string) error
	// AvailableName is name when no local instance of the platform has it, else
	// the first free name-2, name-3, ….
	AvailableName(name, baseURL string) string
	// Create creates the instance, stores its token and, when asked,
	// remembers the secrets.
	Create(ctx context.Context, r flow.CreateRequest) (flow.Created, error)
	// Recover settles the pending create of a lost answer.
	Recover(ctx context.Context, creds flow.Credentials) ([]flow.Recovered, error)
	// AdoptCandidate settles the pending create that has instance id
	// among its candidates with that instance: the user chose it.
	AdoptCandidate(ctx context.Context, creds flow.Credentials, id platform.ID) (flow.Recovered, error)
	// Alarm is the alarm raised on the authorization of an instance this
	// run created (*flow.AlarmError), or nil.
	Alarm() error
	// NameIsAmbiguous reports whether the local index has name on several
	// platforms ('connectwiz token' then needs --base-url).
	NameIsAmbiguous(name string) bool
}

// Options configure a wizard run.
type Options struct {
	// Creds prefill the credentials step.
	Creds flow.Credentials
	// Sandbox says the platform is the embedded sandbox: Enter approves the
	// consent in-process.
	Sandbox bool
	// Insecure stores the token in a file rather than the keychain.
	Insecure bool
	// Remember prefills the "remember the secrets" answer.
	Remember bool
	// Wait bounds the wait for the callback (callback.DefaultWait when zero).
	Wait time.Duration
	// Name, Tags and Extra prefill the details step; DefaultName is offered
	// when Name is empty.
	Name        string
	DefaultName string
	Tags        []string
	Extra       map[string]string
	// Now is the clock (time.Now when nil).
	Now func() time.Time
	// Tick is the animation interval (spinner, time left); default 1s, which
	// keeps an idle wait within the budget of BENCHMARKS.md.
	Tick time.Duration
	// TokenCommand is the command the done screen offers for getting the
	// token back, as the user started connectwiz ("connectwiz token" when
	// empty; "go run . token --sandbox" for a sandbox run under go run).
	TokenCommand string
}

// Minimum terminal size.
const (
	minWidth  = 60
	minHeight = 20
)

// Model is the wizard's root model.
type Model struct {
	svc  Service
	opts Options
	st   styles
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

	// Credentials as the form edits them.
	baseURL, userSecret, orgSecret, connector, clientID, clientSecret, callbackURL string
	remember                                                                       bool
	credErr                                                                        error
	credErrFor                                                                     flow.Credentials // the answers credErr refused: edited, it no longer shows
	credFields                                                                     map[string]string
	callbackSeen                                                                   atomic.Value // callbackURL as of the last Update, for Cmds to read
	// The secrets filled from the keychain, and the platform URL they are
	// remembered for: they are never sent to another platform.
	filled    flow.Credentials
	filledFor string

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
	code       secret.Secret
	callback   string
	pasteInput string

	// Details.
	name, tagsText, extraText string
	missing                   map[string]*string
	missingOrder              []string
	nameChecked               bool   // the name check for the name under review has answered
	nameTaken                 bool   // the name exists locally (checked on entering review)
	freeName                  string // a free name offered instead, when it is taken
	createHeld                bool   // Enter was pressed at the review before the check answered
	replace                   bool   // R at the review: the create takes the taken name's local entry

	createErr  error
	recovered  []flow.Recovered    // what recovering a lost answer found
	candidates []platform.Instance // the instances the user picks from (stepPickCandidate)
	pick       platform.ID         // the one picked; empty: quit, keeping the record
	pickQuit   bool                // ctrl+c while the picked one's token is stored: quit after
	created    *flow.Created
	ambiguous  bool   // the created name is on several platforms: the token command names this one
	doneAlarm  error  // the alarm raised on the created instance's authorization, when Done was entered
	finalNote  string // for the done screen and the outcome: how the code was got, what the save did
}

// New returns the wizard.
func New(svc Service, opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenCommand == "" {
		opts.TokenCommand = "connectwiz token"
	}
	if opts.Tick <= 0 {
		opts.Tick = time.Second
	}
	if opts.Wait <= 0 {
		opts.Wait = callback.DefaultWait
	}
	c := opts.Creds
	m := &Model{
		svc:          svc,
		opts:         opts,
		st:           newStyles(),
		keys:         newKeyMap(),
		help:         newHelp(),
		width:        80,
		height:       24,
		baseURL:      orDefault(c.BaseURL, platform.DefaultBaseURL),
		userSecret:   c.UserSecret.Reveal(),
		orgSecret:    c.OrgSecret.Reveal(),
		connector:    orDefault(c.Connector, platform.DefaultConnector),
		clientID:     c.ClientID,
		clientSecret: c.ClientSecret.Reveal(),
		callbackURL:  orDefault(c.CallbackURL, platform.DefaultCallbackURL),
		remember:     opts.Remember,
		name:         orDefault(opts.Name, opts.DefaultName),
		tagsText:     strings.Join(opts.Tags, ", "),
		extraText:    extraLines(opts.Extra),
	}
	m.callbackSeen.Store(m.callbackURL)
	if m.credentialsComplete() {
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
	if m.svc.CanRemember() && m.creds().LacksSecret() {
		cmds = append(cmds, loadRemembered(m.svc, m.baseURL))
	}
	return tea.Batch(cmds...)
}

// OutcomeKind says how the wizard ended.
type OutcomeKind int

const (
	// Aborted: the user (or a signal) quit; Outcome.Err says why when a
	// create failed.
	Aborted OutcomeKind = iota
	// Created: an instance was created and its token stored
	// (Outcome.Created).
	Created
	// Recovered: the create's answer was lost, and "r recover now" found
	// the instance, or the user picked it among candidates, and its token
	// is stored (Outcome.Recovered). When it found
	// no instance, nothing was created: the outcome is Aborted, its Err
	// saying so.
	Recovered
)

// String implements fmt.Stringer.
func (k OutcomeKind) String() string {
	switch k {
	case Created:
		return "created"
	case Recovered:
		return "recovered"
	default: // Aborted
	}
	return "aborted"
}

// Outcome is how the wizard ended, for the command to report.
type Outcome struct {
	Kind OutcomeKind
	// Created is the created instance, for Created.
	Created *flow.Created
	// Recovered is what recovering the lost answer found, for Recovered.
	Recovered []flow.Recovered
	// Err is the create error the wizard quit on, if any, for Aborted; or
	// that recovering a lost answer found no instance (nothing created).
	Err error
	// Note is a final note for the report, for Created: the pasted bare
	// code's state could not be checked; the secrets were, or could not
	// be, remembered.
	Note string
}

// Outcome returns how the wizard ended, once the program has returned.
func (m *Model) Outcome() Outcome {
	switch {
	case m.created != nil:
		return Outcome{Kind: Created, Created: m.created, Note: m.finalNote}
	case foundAny(m.recovered):
		return Outcome{Kind: Recovered, Recovered: m.recovered}
	}
	return Outcome{Kind: Aborted, Err: m.createErr}
}

func (m *Model) creds() flow.Credentials {
	return flow.Credentials{
		BaseURL:      platformURL(m.baseURL),
		UserSecret:   secret.Secret(trim(m.userSecret)),
		OrgSecret:    secret.Secret(trim(m.orgSecret)),
		Connector:    trim(m.connector),
		ClientID:     trim(m.clientID),
		ClientSecret: secret.Secret(trim(m.clientSecret)),
		CallbackURL:  trim(m.callbackURL),
	}
}

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

// orDefault is s, or def when s is blank (cmp.Or, blank counting as
// empty).
func orDefault(s, def string) string { return cmp.Or(trim(s), def) }

// platformURL is the platform URL as flow normalises it (as typed while
// it does not pass the check).
func platformURL(s string) string {
	if u, err := platform.NormalizeBaseURL(s); err == nil {
		return u
	}
	return trim(s)
}
