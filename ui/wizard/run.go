// Package wizard is one run of the wizard, whatever presents it: the Bubble
// Tea wizard (ui) and the line prompts (ui/prompts) both take its Options,
// ask its Service, keep the user's Answers with the rules that check them,
// and end with its Outcome. Neither presenter imports the other; the words
// and rules they share live here, or in flow.
package wizard

import (
	"context"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
)

// Service is what a run asks of the rest of connectwiz; each step calls
// one of its methods. *flow.Session implements it; tests use a fake.
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

// Options configure a run.
type Options struct {
	// Creds prefill the credentials step.
	Creds flow.Credentials
	// Sandbox says the platform is the embedded sandbox: its consent may
	// be approved in-process.
	Sandbox bool
	// Insecure stores the token in a file rather than the keychain.
	Insecure bool
	// Remember prefills the "remember the secrets" answer.
	Remember bool
	// Wait bounds the wait for the callback (callback.DefaultWait when zero).
	Wait time.Duration
	// Name, Tags and Extra prefill the details step.
	Name  string
	Tags  []string
	Extra map[string]string
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

// WithDefaults is o with its zero values set to their defaults.
func (o Options) WithDefaults() Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.TokenCommand == "" {
		o.TokenCommand = "connectwiz token"
	}
	if o.Tick <= 0 {
		o.Tick = time.Second
	}
	if o.Wait <= 0 {
		o.Wait = callback.DefaultWait
	}
	return o
}
