package ui

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
	userSecret   = "user-s3cret-value"
	orgSecret    = "org-s3cret-value"
	clientSecret = "client-s3cret-value"
	theCode      = "c0de-s3cret-value"
	theToken     = "t0ken-s3cret-value"
	theState     = "st4te-s3cret-value-0123456789"
)

var allSecrets = []string{userSecret, orgSecret, clientSecret, theCode, theToken}

// fakeService plays flow and keystore for the wizard's tests.
type fakeService struct {
	mu          sync.Mutex
	authErrs    []error       // returned by successive Authorize calls
	holdAuth    chan struct{} // when set, Authorize waits on it
	holdCreate  chan struct{} // when set, Create waits on it
	holdName    chan struct{} // when set, AvailableName waits on it
	createErrs  []error       // returned by successive Create calls
	paste       bool          // Authorize returns a paste-only authorization
	storage     keystore.Location
	nameTaken   bool
	notFound    bool // Recover finds no instance: the record is cleared, nothing was created
	openErr     error
	remembered  *flow.Credentials
	rememberFor string // when set, remembered is for this platform URL only
	warning     string // the file fallback's warning, when set
	asked       []string
	done        chan callback.Result
	creates     []platform.InstanceRequest
	replaces    []bool // each create's Replace
	authorizes  int
	approves    int
	rememberErr error
	sandbox     bool                // CanRemember is false, as in the sandbox
	forward     string              // the SSH session's forwarding line Authorize gives
	candidates  []platform.Instance // Recover finds them, and Create fails unsettled with them when createErrs says so
	adoptErr    error               // returned by AdoptCandidate
	adopted     []platform.ID       // what AdoptCandidate was asked for
	alarm       error               // returned by Alarm
	ambiguous   bool                // NameIsAmbiguous
	refusals    chan callback.Refusal
	answerLost  error // Create's instance was found after its answer was lost
}

func newFake() *fakeService { return &fakeService{storage: keystore.InKeychain} }

func (f *fakeService) CanRemember() bool { return !f.sandbox }

func (f *fakeService) Remembered(baseURL string) (flow.Credentials, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.asked = append(f.asked, baseURL)
	if f.remembered == nil || (f.rememberFor != "" && baseURL != f.rememberFor) {
		return flow.Credentials{}, false
	}
	return *f.remembered, true
}

func (f *fakeService) Authorize(_ context.Context, c flow.Credentials) (*flow.Authorization, error) {
	if f.holdAuth != nil {
		<-f.holdAuth
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.authorizes++
	if len(f.authErrs) > 0 {
		err := f.authErrs[0]
		f.authErrs = f.authErrs[1:]
		if err != nil {
			return nil, err
		}
	}
	a := &flow.Authorization{
		URL:         "https://login.provider.test/oauth2/authorize?client_id=" + c.ClientID + "&redirect_uri=http%3A%2F%2F127.0.0.1%3A8750%2Fcallback&response_type=code&state=STATE",
		State:       theState,
		CallbackURL: c.CallbackURL,
		Forward:     f.forward,
	}
	if !f.paste {
		f.done = make(chan callback.Result, 1)
		a.Done = f.done
		f.refusals = make(chan callback.Refusal, 4)
		a.Refusals = f.refusals
	}
	return a, nil
}

// deliver plays the browser coming back to the listener.
func (f *fakeService) deliver(r callback.Result) {
	f.mu.Lock()
	ch := f.done
	f.mu.Unlock()
	ch <- r
}

// wasAsked waits (5s at most) for the remembered secrets of baseURL to be
// asked for: the Cmd asking may still run when the program has ended.
func (f *fakeService) wasAsked(baseURL string) bool {
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		f.mu.Lock()
		asked := slices.Contains(f.asked, baseURL)
		f.mu.Unlock()
		if asked {
			return true
		}
		time.Sleep(5 * time.Millisecond)
	}
	return false
}

func (f *fakeService) OpenBrowser(string) error { return f.openErr }

func (f *fakeService) Copy(string) error { return nil }

func (f *fakeService) Approve(context.Context, string) error {
	f.mu.Lock()
	f.approves++
	f.mu.Unlock()
	f.deliver(callback.Result{Code: theCode})
	return nil
}

func (f *fakeService) AvailableName(name, _ string) string {
	if f.holdName != nil {
		<-f.holdName
	}
	if f.nameTaken {
		return name + "-2"
	}
	return name
}

func (f *fakeService) Create(_ context.Context, r flow.CreateRequest) (flow.Created, error) {
	c, req := r.Creds, r.Instance
	if f.holdCreate != nil {
		<-f.holdCreate
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.creates = append(f.creates, req)
	f.replaces = append(f.replaces, r.Replace)
	if len(f.createErrs) > 0 {
		err := f.createErrs[0]
		f.createErrs = f.createErrs[1:]
		if err != nil {
			return flow.Created{}, err
		}
	}
	inst := platform.Instance{ID: "4711", Name: req.Name, Token: theToken, Connector: platform.Connector{Key: req.Connector}, Tags: req.Tags}
	account, err := testkit.TokenAccount(c.BaseURL, "4711")
	if err != nil {
		return flow.Created{}, err
	}
	saved := keystore.Saved{Entry: keystore.Entry{Name: req.Name, ID: "4711", Connector: req.Connector, BaseURL: c.BaseURL, Tags: req.Tags, Storage: f.storage, KeyAccount: account}}
	if f.storage == keystore.InFile {
		saved.Warning = "the token is stored UNENCRYPTED in /home/me/.config/connectwiz/tokens.json (mode 0600, readable only by you), because " + keystore.ProblemUnavailable.Advice()
		if f.warning != "" {
			saved.Warning = f.warning
		}
	}
	created := flow.Created{Instance: inst, Saved: saved, AnswerLost: f.answerLost}
	if r.Remember {
		created.Remembered, created.RememberErr = f.rememberErr == nil, f.rememberErr
	}
	return created, nil
}

// refuse plays a request the listener refused.
func (f *fakeService) refuse(r callback.Refusal) {
	f.mu.Lock()
	ch := f.refusals
	f.mu.Unlock()
	ch <- r
}

func (f *fakeService) AdoptCandidate(_ context.Context, _ flow.Credentials, id platform.ID) (flow.Recovered, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.adopted = append(f.adopted, id)
	if f.adoptErr != nil {
		return flow.Recovered{}, f.adoptErr
	}
	return flow.Recovered{
		Pending: keystore.Pending{Name: "drive"},
		Found:   true,
		Saved:   keystore.Saved{Entry: keystore.Entry{Name: "drive", ID: string(id), Storage: keystore.InKeychain}},
	}, nil
}

func (f *fakeService) Alarm() error { return f.alarm }

func (f *fakeService) NameIsAmbiguous(string) bool { return f.ambiguous }

func (f *fakeService) Recover(context.Context, flow.Credentials) ([]flow.Recovered, error) {
	if len(f.candidates) > 0 {
		return []flow.Recovered{{Pending: keystore.Pending{Name: "drive"}, Candidates: f.candidates}}, nil
	}
	if f.notFound {
		return []flow.Recovered{{Pending: keystore.Pending{Name: "drive", BaseURL: "https://platform.test/your_moms/api-v2"}}}, nil
	}
	return []flow.Recovered{{
		Pending: keystore.Pending{Name: "drive"},
		Found:   true,
		Saved:   keystore.Saved{Entry: keystore.Entry{Name: "drive", ID: "4711", Storage: keystore.InKeychain}},
	}}, nil
}

func (f *fakeService) createCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.creates)
}

var errUnreachable = errors.New("could not get the authorize URL: cannot reach the platform at https://platform.test/api (dial tcp: connection refused); check the platform URL, your network and proxy settings (HTTPS_PROXY, NO_PROXY)")
