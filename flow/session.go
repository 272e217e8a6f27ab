package flow

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
	"github.com/connectwiz/connectwiz/keystore"
)

// Session is one connectwiz run: the one service that the wizard, the
// accessible prompts and the headless mode call, each step one method. It
// owns the rules that hold whichever front-end asks — saved answers, the
// sandbox's public secrets never remembered, pending records, recovery —
// so that no front-end or command repeats them.
type Session struct {
	// Store keeps tokens, the index, pending records, answers and
	// remembered secrets.
	Store *keystore.Store
	// Browser opens the authorize URL; NoBrowser says never to (the URL is
	// shown for the user to open).
	Browser   Opener
	NoBrowser bool
	// Remote says this is a remote (SSH) session without a display: no
	// browser is tried, and each authorization carries the port forwarding
	// that lets the user's own browser reach the listener
	// (Authorization.Forward), on Hostname, this machine's name.
	Remote   bool
	Hostname string
	// Terminal receives the OSC 52 clipboard sequence; Screen wraps it for
	// GNU screen.
	Terminal io.Writer
	Screen   bool
	// Sandbox says the platform is the embedded sandbox: its secrets are
	// public, so they are never remembered, and its URL changes every run,
	// so the answers are not saved.
	Sandbox bool
	// ApproveConsent plays the user at the sandbox's consent page; nil
	// outside the sandbox.
	ApproveConsent func(ctx context.Context, url string) error
	// OneOff holds the answers given for this run only (flags): saving the
	// answers for next time keeps the earlier value of each field set here.
	OneOff Credentials
	// Version goes into the User-Agent.
	Version string
	// Log records what happens (never a secret); nil is quiet.
	Log *slog.Logger

	ls listeners
	// tr is the transport of the session's clients (Client).
	tr     http.RoundTripper
	trOnce sync.Once
}

func (s *Session) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

// Client returns a platform client for creds. The session's clients share
// one transport, so that its calls (the secrets check, the authorize URL,
// the listing, the create) reuse one connection instead of opening one each.
func (s *Session) Client(creds Credentials) *platform.Client {
	c := platform.NewClient(creds.BaseURL, creds.UserSecret, creds.OrgSecret, s.Version)
	s.trOnce.Do(func() { s.tr = c.HTTP.Transport })
	c.HTTP.Transport = s.tr
	c.Log = s.Log
	return c
}

// SavedAnswers returns the non-secret answers of the last run (empty in
// the sandbox or when there are none).
func (s *Session) SavedAnswers() Credentials {
	if s.Sandbox {
		return Credentials{}
	}
	a, err := s.Store.LoadAnswers()
	if err != nil {
		s.log().Warn("saved answers unreadable", "err", err)
		return Credentials{}
	}
	return Credentials{BaseURL: a.BaseURL, Connector: a.Connector, ClientID: a.ClientID, CallbackURL: a.CallbackURL}
}

// saveAnswers keeps the non-secret answers for the next run; best effort.
func (s *Session) saveAnswers(c Credentials) {
	if s.Sandbox {
		return // the sandbox's URL changes every run
	}
	prev, _ := s.Store.LoadAnswers() // none yet, or unreadable: nothing to keep
	keep := func(given, now, before string) string {
		if given != "" {
			return before
		}
		return now
	}
	err := s.Store.SaveAnswers(keystore.Answers{
		BaseURL:     keep(s.OneOff.BaseURL, c.BaseURL, prev.BaseURL),
		Connector:   keep(s.OneOff.Connector, c.Connector, prev.Connector),
		ClientID:    keep(s.OneOff.ClientID, c.ClientID, prev.ClientID),
		CallbackURL: keep(s.OneOff.CallbackURL, c.CallbackURL, prev.CallbackURL),
	})
	if err != nil {
		s.log().Warn("answers not saved", "err", err)
	}
}

// CanRemember is the one rule for whether secrets are remembered in this
// run: never in the sandbox, whose secrets are public.
func (s *Session) CanRemember() bool { return !s.Sandbox }

// Remembered returns the secrets the user asked to have remembered for a
// platform, if any (never in the sandbox).
func (s *Session) Remembered(baseURL string) (Credentials, bool) {
	if !s.CanRemember() {
		return Credentials{}, false
	}
	r, err := s.Store.Remembered(baseURL)
	if err != nil {
		s.log().Info("no remembered secrets", "platform", keystore.Host(baseURL), "why", err)
		return Credentials{}, false
	}
	return Credentials{UserSecret: secret.Secret(r.UserSecret), OrgSecret: secret.Secret(r.OrgSecret), ClientSecret: secret.Secret(r.ClientSecret)}, true
}

// FillRemembered completes the secrets c lacks from the keychain. The
// keychain is asked only when a secret is missing.
func (s *Session) FillRemembered(c *Credentials) {
	if c.LacksSecret() {
		if r, ok := s.Remembered(c.BaseURL); ok {
			c.FillSecrets(r)
		}
	}
}

// ErrSandboxSecrets is why the sandbox's secrets are never remembered.
var ErrSandboxSecrets = errors.New("the sandbox's secrets are public and are never remembered")

// remember keeps a platform's secrets in the keychain.
func (s *Session) remember(c Credentials) error {
	if !s.CanRemember() {
		return ErrSandboxSecrets
	}
	return s.Store.Remember(c.BaseURL, keystore.Secrets{UserSecret: c.UserSecret.Reveal(), OrgSecret: c.OrgSecret.Reveal(), ClientSecret: c.ClientSecret.Reveal()})
}

// Authorize saves the answers for next time (saved when it returns),
// checks the secrets, starts the listener and gets the authorize URL (see
// Authorize).
func (s *Session) Authorize(ctx context.Context, creds Credentials) (*Authorization, error) {
	var saving sync.WaitGroup
	saving.Go(func() { s.saveAnswers(creds) }) // its fsyncs overlap the platform calls
	s.releaseUnbound()                         // an earlier authorization of this run is over
	a, err := Authorize(ctx, s.Client(creds), creds, s.Log)
	saving.Wait()
	if err != nil {
		return nil, maskSecrets(err, known(creds, "")...)
	}
	if a.Listener != nil {
		s.track(a.Listener) // serves until End: a later use is an alarm
		if s.Remote {
			a.Forward = ForwardCommand(s.Hostname, a.Listener.Addr, loopbackHostPort(a.URL))
		}
	}
	return a, nil
}

// loopbackHostPort is the host:port of a URL on this machine's loopback
// (an authorize URL the sandbox serves): the browser of the user's own
// machine needs it forwarded too. "" for any other URL.
func loopbackHostPort(raw string) string {
	if u, err := url.Parse(raw); err == nil && u.Port() != "" && callback.IsLoopbackHost(u.Host) {
		return u.Host
	}
	return ""
}

// ErrNoBrowser is why no browser is opened when the user said so.
var ErrNoBrowser = errors.New("opening a browser is turned off (--no-browser): open the URL yourself")

// ErrRemote is why no browser is opened in a remote (SSH) session without
// a display: it would open on this machine, not the user's.
var ErrRemote = errors.New("this is an SSH session without a display, so no browser is opened here: open the URL on your own machine")

// bareOpener can also open a URL as it is, in the browser's argv
// (browser.Browser.OpenBare).
type bareOpener interface {
	OpenBare(url string) error
}

// OpenBrowser opens an http(s) URL in the browser, through a private
// forwarding file (browser.Browser.Open). Only where the browser cannot read
// that file, and only for the listener's one-time link, is the link itself
// handed over (said in the log); the authorize URL, which carries the
// state, never is: the user opens it from the screen.
func (s *Session) OpenBrowser(url string) error {
	switch {
	case s.NoBrowser:
		return ErrNoBrowser
	case s.Remote:
		return ErrRemote
	case s.Browser == nil:
		return errors.New("no browser is configured")
	}
	err := s.Browser.Open(url)
	if !errors.Is(err, browser.ErrConfined) {
		return err
	}
	bo, ok := s.Browser.(bareOpener)
	if !ok || !callback.IsOneTimeLink(url) {
		s.log().Info("browser not opened: it cannot read the private forwarding file, and the authorize URL is never put in an argv", "why", err)
		return fmt.Errorf("%w; open the URL shown yourself", err)
	}
	s.log().Warn("the browser cannot read the private forwarding file: opening the bare one-time link (visible in its argv to local users; a second use of it alarms)", "why", err)
	return bo.OpenBare(url)
}

// Copy puts text on the terminal's clipboard (OSC 52).
func (s *Session) Copy(text string) error {
	if s.Terminal == nil {
		return errors.New("no terminal to copy through")
	}
	return termsafe.Copy(s.Terminal, text, s.Screen)
}

// Approve plays the user at the sandbox's consent page.
func (s *Session) Approve(ctx context.Context, url string) error {
	if s.ApproveConsent == nil {
		return errors.New("only the sandbox's consent can be approved here")
	}
	return s.ApproveConsent(ctx, url)
}

// DefaultName is the name offered when none is given: DefaultName's
// <connector>-<user>-<yyyymmdd>, or the first free one after it.
func (s *Session) DefaultName(c Credentials) string {
	return s.AvailableName(defaultName(c.Connector, time.Now()), c.BaseURL)
}

// AvailableName is the store's AvailableName: name, or the first free name-2,
// name-3, … on the platform (in the sandbox, whose platform is new every
// run, across all its runs, so 'token --sandbox NAME' finds one).
func (s *Session) AvailableName(name, baseURL string) string {
	return s.Store.AvailableName(name, baseURL)
}

// Create records a pending create, sends it, stores the token and the
// index entry, clears the record and, when asked, remembers the secrets.
// A create whose authorization raised an alarm is refused (*AlarmError);
// an alarm raised later is reported by Alarm, until End.
// It runs to the end even when ctx is cancelled, so an issued token is
// never dropped.
func (s *Session) Create(ctx context.Context, r CreateRequest) (Created, error) {
	l, err := s.checkBeforeCreate(r.Instance.Code)
	if err != nil {
		return Created{}, err
	}
	created, err := createAndSave(ctx, s.Client(r.Creds), s.Store, r)
	err = maskSecrets(err, known(r.Creds, r.Instance.Code)...)
	if err == nil || created.Instance.ID != "" {
		name := created.Saved.Entry.Name
		if name == "" {
			name = r.Instance.Name
		}
		if aerr := s.bound(l, name); aerr != nil {
			s.log().Warn("the authorization of the instance just created raised an alarm", "name", name)
		}
	}
	if err != nil || !r.Remember {
		return created, err
	}
	if rerr := s.remember(r.Creds); rerr != nil {
		created.RememberErr = rerr
	} else {
		created.Remembered = true
	}
	return created, nil
}

// ErrNothingPending is returned by Recover when the platform has no
// pending create to settle.
var ErrNothingPending = errors.New("no pending create to recover for this platform")

// Recover settles the pending creates of creds' platform (after a lost
// answer); it never creates anything. A record with several candidates is
// returned with them (Recovered.Candidates) and kept: Adopt settles it
// with the one the user chooses.
func (s *Session) Recover(ctx context.Context, creds Credentials) ([]Recovered, error) {
	found, err := s.recoverPlatform(ctx, creds)
	if err != nil {
		return found, maskSecrets(err, known(creds, "")...)
	}
	if len(found) == 0 {
		return nil, ErrNothingPending
	}
	return found, nil
}

// PendingReport says what settling the pending creates found.
type PendingReport struct {
	// Settled are the records settled: token stored, or nothing created.
	Settled []Recovered
	// Ambiguous are the records kept because several instances may each be
	// theirs (Recovered.Candidates): Adopt settles one.
	Ambiguous []Recovered
	// Problems are the platforms whose records could not be settled.
	Problems []PendingProblem
	// Left are the records still pending (not owned by a running process).
	Left []keystore.Pending
}

// PendingProblem is why the pending creates of one platform were not
// settled.
type PendingProblem struct {
	BaseURL string
	// NoSecrets is set when the platform's User and Organization secrets
	// are not known here; Err otherwise.
	NoSecrets bool
	// OtherPlatform is set with NoSecrets when secrets were given, but for
	// another platform.
	OtherPlatform bool
	Err           error
}

// RecoverPending settles the pending creates of creds' platform — or of
// every platform when all is set, with remembered secrets for the others —
// that no running process owns.
func (s *Session) RecoverPending(ctx context.Context, creds Credentials, all bool) (PendingReport, error) {
	var rep PendingReport
	pending, err := s.Store.PendingCreates()
	if err != nil {
		return rep, err
	}
	done := map[string]bool{}
	secretsFor := s.SecretsFor(creds)
	for _, p := range pending {
		base, key := strings.TrimRight(p.BaseURL, "/"), keystore.PlatformKey(p.BaseURL)
		if done[key] || p.InFlight() {
			continue
		}
		done[key] = true
		if !all && !keystore.SamePlatform(base, creds.BaseURL) {
			continue
		}
		pc := secretsFor(base)
		if !pc.HasPlatformSecrets() {
			given := creds.HasPlatformSecrets()
			rep.Problems = append(rep.Problems, PendingProblem{BaseURL: base, NoSecrets: true, OtherPlatform: given})
			continue
		}
		found, err := s.recoverPlatform(ctx, pc)
		for _, r := range found {
			if r.Settled() {
				rep.Settled = append(rep.Settled, r)
			} else {
				rep.Ambiguous = append(rep.Ambiguous, r)
			}
		}
		if err != nil {
			rep.Problems = append(rep.Problems, PendingProblem{BaseURL: base, Err: maskSecrets(err, known(pc, "")...)})
		}
	}
	left, err := s.Store.PendingCreates()
	if err != nil {
		return rep, err
	}
	for _, p := range left {
		if !p.InFlight() {
			rep.Left = append(rep.Left, p)
		}
	}
	return rep, nil
}

// String describes a problem for the user (without advice: the command
// that reports it knows which flags and variables to name).
func (p PendingProblem) String() string {
	switch {
	case p.OtherPlatform:
		return fmt.Sprintf("the pending creates on %s cannot be checked: the secrets given are for another platform", keystore.Host(p.BaseURL))
	case p.NoSecrets:
		return fmt.Sprintf("the pending creates on %s cannot be checked: its User and Organization secrets are not known here", keystore.Host(p.BaseURL))
	}
	return fmt.Sprintf("the pending creates on %s: %v", keystore.Host(p.BaseURL), p.Err)
}
