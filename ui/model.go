// Package ui is the connectwiz wizard: a Bubble Tea state machine that
// draws each step and turns keys into messages. It does no I/O itself:
// every side effect is a tea.Cmd calling the Service it is given.
package ui

import (
	"context"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
)

// Service is what the wizard asks of the rest of connectwiz; each step's
// Cmd calls one of its methods. *flow.Session implements it; tests use a
// fake.
type Service interface {
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
	// NameTaken reports whether an instance of this name exists locally.
	NameTaken(name, baseURL string) bool
	// Create creates the instance, stores its token and, when asked,
	// remembers the secrets.
	Create(ctx context.Context, r flow.CreateRequest) (flow.Created, error)
	// Recover settles the pending create of a lost answer.
	Recover(ctx context.Context, creds flow.Credentials) ([]flow.Recovered, error)
}

// Options configure a wizard run.
type Options struct {
	// Creds prefill the credentials step.
	Creds flow.Credentials
	// Sandbox says the platform is the embedded sandbox: Enter approves the
	// consent in-process.
	Sandbox  bool
	Insecure bool
	Remember bool
	// Wait bounds the wait for the callback (flow.DefaultWait when zero).
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
	// keeps an idle wait under 0.5 % of a core (see BENCHMARKS.md).
	Tick time.Duration
}

// step is where the wizard is.
type step int

const (
	stepCredentials step = iota
	stepFetching
	stepAuthorize
	stepWaiting
	stepTimedOut
	stepPaste
	stepDenied
	stepDetails
	stepReview
	stepCreating
	stepMissingConfig
	stepCreateError
	stepDone
)

// String implements fmt.Stringer.
func (s step) String() string {
	return [...]string{
		"credentials", "fetching", "authorize", "waiting", "timed out", "paste", "denied",
		"details", "review", "creating", "missing configuration", "create error", "done",
	}[s]
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
	ticking       bool
	quitting      bool
	quitAfterSave bool

	// Credentials as the form edits them.
	baseURL, userSecret, orgSecret, connector, clientID, clientSecret, callbackURL string
	remember                                                                       bool
	editing                                                                        bool
	credErr                                                                        error
	credFields                                                                     map[string]string

	form *huh.Form

	// The authorization in progress.
	auth       *flow.Authorization
	authCtx    context.Context
	authCancel context.CancelFunc
	authGen    int
	deadline   time.Time
	notice     string
	denied     *flow.AuthError
	code       flow.Secret
	callback   string
	pasteInput string

	// Details.
	name, tagsText, extraText string
	missing                   map[string]*string
	missingOrder              []string
	showCurl                  bool
	nameTaken                 bool // the name exists locally (checked on entering review)

	createErr error
	recovered string // what recovering a lost answer found
	created   *flow.Created
	finalNote string
}

// New returns the wizard.
func New(svc Service, opts Options) *Model {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Tick <= 0 {
		opts.Tick = time.Second
	}
	if opts.Wait <= 0 {
		opts.Wait = flow.DefaultWait
	}
	c := opts.Creds
	m := &Model{
		svc:          svc,
		opts:         opts,
		st:           newStyles(),
		keys:         newKeyMap(),
		help:         help.New(),
		width:        80,
		height:       24,
		baseURL:      orDefault(c.BaseURL, flow.DefaultBaseURL),
		userSecret:   c.UserSecret.Reveal(),
		orgSecret:    c.OrgSecret.Reveal(),
		connector:    orDefault(c.Connector, flow.DefaultConnector),
		clientID:     c.ClientID,
		clientSecret: c.ClientSecret.Reveal(),
		callbackURL:  orDefault(c.CallbackURL, flow.DefaultCallbackURL),
		remember:     opts.Remember,
		name:         orDefault(opts.Name, opts.DefaultName),
		tagsText:     strings.Join(opts.Tags, ", "),
		extraText:    extraLines(opts.Extra),
	}
	m.editing = !m.credentialsComplete()
	if m.editing {
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
	if !m.opts.Sandbox && (m.userSecret == "" || m.orgSecret == "" || m.clientSecret == "") {
		cmds = append(cmds, loadRemembered(m.svc, m.baseURL))
	}
	return tea.Batch(cmds...)
}

// Created returns the created instance, once there is one.
func (m *Model) Created() *flow.Created { return m.created }

func (m *Model) creds() flow.Credentials {
	return flow.Credentials{
		BaseURL:      trim(m.baseURL),
		UserSecret:   flow.Secret(trim(m.userSecret)),
		OrgSecret:    flow.Secret(trim(m.orgSecret)),
		Connector:    trim(m.connector),
		ClientID:     trim(m.clientID),
		ClientSecret: flow.Secret(trim(m.clientSecret)),
		CallbackURL:  trim(m.callbackURL),
	}
}

func (m *Model) credentialsComplete() bool {
	for _, f := range credentialFields {
		if f.validate(*f.value(m)) != nil {
			return false
		}
	}
	return true
}

func (m *Model) request() flow.InstanceRequest {
	c := m.creds()
	extra := parseExtra(m.extraText)
	for k, v := range m.missing {
		extra[k] = trim(*v)
	}
	return flow.InstanceRequest{
		Connector:    c.Connector,
		Code:         m.code,
		ClientID:     c.ClientID,
		ClientSecret: c.ClientSecret,
		CallbackURL:  m.callback,
		Extra:        extra,
		Tags:         flow.ParseTags(m.tagsText),
		Name:         trim(m.name),
	}
}

// animated reports whether the step shows a spinner or a countdown.
func (s step) animated() bool {
	return s == stepFetching || s == stepWaiting || s == stepCreating
}

// goTo moves to a step, starting the animation tick when it needs one.
func (m *Model) goTo(s step) tea.Cmd {
	m.step = s
	if s.animated() && !m.ticking {
		m.ticking = true
		return m.tick()
	}
	return nil
}

func (m *Model) tick() tea.Cmd {
	return tea.Tick(m.opts.Tick, func(time.Time) tea.Msg { return tickMsg{} })
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

// Err is the error the wizard ended on, when it quit after a failed create
// (nil once a lost answer was recovered).
func (m *Model) Err() error {
	if m.recovered != "" {
		return nil
	}
	return m.createErr
}
