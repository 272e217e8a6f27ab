// Package wizardtest is the fake Service the wizard's and the line prompts' tests
// share: it plays flow and keystore, with known secret values no screen
// may ever show.
package wizardtest

import (
	"context"
	"errors"
	"slices"
	"sync"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// Known secret values: no view may ever contain them.
const (
	UserSecret   = "user-s3cret-value"
	OrgSecret    = "org-s3cret-value"
	ClientSecret = "client-s3cret-value"
	Code         = "c0de-s3cret-value"
	Token        = "t0ken-s3cret-value"
	State        = "st4te-s3cret-value-0123456789"
)

// AllSecrets are those values.
var AllSecrets = []string{UserSecret, OrgSecret, ClientSecret, Code, Token}

// Fake plays flow and keystore for the wizard's and the prompts' tests:
// each field sets what a call answers, or records what it was asked.
type Fake struct {
	Mu              sync.Mutex
	AuthErrs        []error       // returned by successive Authorize calls
	HoldAuth        chan struct{} // when set, Authorize waits on it
	HoldCreate      chan struct{} // when set, Create waits on it
	HoldName        chan struct{} // when set, AvailableName waits on it
	CreateErrs      []error       // returned by successive Create calls
	Paste           bool          // Authorize returns a paste-only authorization
	Storage         keystore.Location
	NameTaken       bool
	NotFound        bool // Recover finds no instance: the record is cleared, nothing was created
	OpenErr         error
	RememberedCreds *flow.Credentials
	RememberFor     string // when set, remembered is for this platform URL only
	Warning         string // the file fallback's warning, when set
	Asked           []string
	Done            chan callback.Result
	Creates         []platform.InstanceRequest
	Replaces        []bool // each create's Replace
	Authorizes      int
	Approves        int
	RememberErr     error
	Sandbox         bool                // CanRemember is false, as in the sandbox
	Forward         string              // the SSH session's forwarding line Authorize gives
	Candidates      []platform.Instance // Recover finds them, and Create fails unsettled with them when createErrs says so
	AdoptErr        error               // returned by AdoptCandidate
	Adopted         []platform.ID       // what AdoptCandidate was asked for
	AlarmErr        error               // returned by Alarm
	Ambiguous       bool                // NameIsAmbiguous
	Refusals        chan callback.Refusal
	AnswerLost      error // Create's instance was found after its answer was lost
}

// New is a fake whose tokens go to the keychain.
func New() *Fake { return &Fake{Storage: keystore.InKeychain} }

func (f *Fake) CanRemember() bool { return !f.Sandbox }

func (f *Fake) Remembered(baseURL string) (flow.Credentials, bool) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Asked = append(f.Asked, baseURL)
	if f.RememberedCreds == nil || (f.RememberFor != "" && baseURL != f.RememberFor) {
		return flow.Credentials{}, false
	}
	return *f.RememberedCreds, true
}

func (f *Fake) Authorize(_ context.Context, c flow.Credentials) (*flow.Authorization, error) {
	if f.HoldAuth != nil {
		<-f.HoldAuth
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Authorizes++
	if len(f.AuthErrs) > 0 {
		err := f.AuthErrs[0]
		f.AuthErrs = f.AuthErrs[1:]
		if err != nil {
			return nil, err
		}
	}
	a := &flow.Authorization{
		URL:         "https://login.provider.test/oauth2/authorize?client_id=" + c.ClientID + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8750%2Fcallback&response_type=code&state=STATE",
		State:       State,
		CallbackURL: c.CallbackURL,
		Forward:     f.Forward,
	}
	if !f.Paste {
		f.Done = make(chan callback.Result, 1)
		a.Done = f.Done
		f.Refusals = make(chan callback.Refusal, 4)
		a.Refusals = f.Refusals
	}
	return a, nil
}

// Deliver plays the browser coming back to the listener.
func (f *Fake) Deliver(r callback.Result) { send(f, &f.Done, r) }

// send sends v on the channel the latest Authorize made.
func send[T any](f *Fake, ch *chan T, v T) {
	f.Mu.Lock()
	c := *ch
	f.Mu.Unlock()
	c <- v
}

// WasAsked waits (5s at most) for the remembered secrets of baseURL to be
// asked for: the Cmd asking may still run when the program has ended.
func (f *Fake) WasAsked(baseURL string) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f.Mu.Lock()
		asked := slices.Contains(f.Asked, baseURL)
		f.Mu.Unlock()
		if asked {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

func (f *Fake) OpenBrowser(string) error { return f.OpenErr }

func (f *Fake) Copy(string) error { return nil }

func (f *Fake) Approve(context.Context, string) error {
	f.Mu.Lock()
	f.Approves++
	f.Mu.Unlock()
	f.Deliver(callback.Result{Code: Code})
	return nil
}

func (f *Fake) AvailableName(name, _ string) string {
	if f.HoldName != nil {
		<-f.HoldName
	}
	if f.NameTaken {
		return name + "-2"
	}
	return name
}

func (f *Fake) Create(_ context.Context, r flow.CreateRequest) (flow.Created, error) {
	c, req := r.Creds, r.Instance
	if f.HoldCreate != nil {
		<-f.HoldCreate
	}
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Creates = append(f.Creates, req)
	f.Replaces = append(f.Replaces, r.Replace)
	if len(f.CreateErrs) > 0 {
		err := f.CreateErrs[0]
		f.CreateErrs = f.CreateErrs[1:]
		if err != nil {
			return flow.Created{}, err
		}
	}
	inst := platform.Instance{ID: "4711", Name: req.Name, Token: Token, Connector: platform.Connector{Key: req.Connector}, Tags: req.Tags}
	account, err := testkit.TokenAccount(c.BaseURL, "4711")
	if err != nil {
		return flow.Created{}, err
	}
	saved := keystore.Saved{Entry: keystore.Entry{Name: req.Name, ID: "4711", Connector: req.Connector, BaseURL: c.BaseURL, Tags: req.Tags, Storage: f.Storage, KeyAccount: account}}
	if f.Storage == keystore.InFile {
		saved.Warning = "the token is stored UNENCRYPTED in /home/me/.config/connectwiz/tokens.json (mode 0600, readable only by you), because " + keystore.ProblemUnavailable.Advice()
		if f.Warning != "" {
			saved.Warning = f.Warning
		}
	}
	created := flow.Created{Instance: inst, Saved: saved, AnswerLost: f.AnswerLost}
	if r.Remember {
		created.Remembered, created.RememberErr = f.RememberErr == nil, f.RememberErr
	}
	return created, nil
}

// Refuse plays a request the listener refused.
func (f *Fake) Refuse(r callback.Refusal) { send(f, &f.Refusals, r) }

func (f *Fake) AdoptCandidate(_ context.Context, _ flow.Credentials, id platform.ID) (flow.Recovered, error) {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	f.Adopted = append(f.Adopted, id)
	if f.AdoptErr != nil {
		return flow.Recovered{}, f.AdoptErr
	}
	return flow.Recovered{
		Pending: keystore.Pending{Name: "drive"},
		Found:   true,
		Saved:   keystore.Saved{Entry: keystore.Entry{Name: "drive", ID: string(id), Storage: keystore.InKeychain}},
	}, nil
}

func (f *Fake) Alarm() error { return f.AlarmErr }

func (f *Fake) NameIsAmbiguous(string) bool { return f.Ambiguous }

func (f *Fake) Recover(context.Context, flow.Credentials) ([]flow.Recovered, error) {
	if len(f.Candidates) > 0 {
		return []flow.Recovered{{Pending: keystore.Pending{Name: "drive"}, Candidates: f.Candidates}}, nil
	}
	if f.NotFound {
		return []flow.Recovered{{Pending: keystore.Pending{Name: "drive", BaseURL: "https://platform.test/your_moms/api-v2"}}}, nil
	}
	return []flow.Recovered{{
		Pending: keystore.Pending{Name: "drive"},
		Found:   true,
		Saved:   keystore.Saved{Entry: keystore.Entry{Name: "drive", ID: "4711", Storage: keystore.InKeychain}},
	}}, nil
}

func (f *Fake) CreateCount() int {
	f.Mu.Lock()
	defer f.Mu.Unlock()
	return len(f.Creates)
}

// ErrUnreachable is flow's error for a platform that cannot be reached.
var ErrUnreachable = errors.New("could not get the authorize URL: cannot reach the platform at https://platform.test/api (dial tcp: connection refused); check the platform URL, your network and proxy settings (HTTPS_PROXY, NO_PROXY)")
