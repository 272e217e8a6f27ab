package flow

import (
	"context"
	"log/slog"

	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// Opener opens a URL in a browser; Browser implements it.
type Opener interface {
	Open(url string) error
}

// Authorization is an authorize step in progress: the URL to open, and the
// listener waiting for the browser to come back (nil when the callback URL
// is not loopback and the redirect must be pasted).
type Authorization struct {
	URL         string
	State       secret.Secret
	CallbackURL string
	Listener    *callback.Listener
	// Done delivers the callback; nil when the redirect must be pasted.
	Done <-chan callback.Result
	// Forward, in a remote (SSH) session with a listener, is the command
	// to run on the user's own machine so that its browser reaches the
	// listener: "ssh -L 8750:127.0.0.1:8750 HOST" (ForwardCommand); said
	// with SayForward. Empty otherwise.
	Forward string
	// Refusals delivers the listener's refused requests (Listener.Refusals); nil when pasted.
	Refusals <-chan callback.Refusal
}

// BrowserURL is the URL to hand Session.OpenBrowser: a fresh one-time link
// on the listener that redirects to the authorize URL; the authorize URL
// itself when the redirect is pasted. OpenBrowser puts neither in the
// browser's argv (readable by every local user): the browser opens a
// private file that forwards to it. The screen shows URL, never this link.
func (a *Authorization) BrowserURL() string {
	if a.Listener == nil {
		return a.URL
	}
	return a.Listener.BrowserURL(a.URL)
}

// Close stops the listener, if any.
func (a *Authorization) Close() {
	if a != nil && a.Listener != nil {
		a.Listener.Close()
	}
}

// Authorize checks the platform secrets (a refused secret is found before
// the browser trip, not after), starts the listener when the callback URL is
// loopback, and asks the platform for the authorize URL. The check runs
// beside the other two (they are independent, and each mostly waits on the
// network), and its verdict comes first: a refused secret is the error,
// whatever the rest did. The listener is up before the URL is returned, so
// before any browser is opened.
func Authorize(ctx context.Context, c *platform.Client, creds Credentials, log *slog.Logger) (*Authorization, error) {
	checked := make(chan error, 1)
	go func() { checked <- secretsRefused(c.CheckSecrets(ctx)) }()
	a, err := listenAndAsk(ctx, c, creds, log)
	if refused := <-checked; refused != nil {
		a.Close()
		return nil, refused
	}
	if err != nil {
		a.Close()
		return nil, err
	}
	return a, nil
}

// secretsRefused is the secrets check's verdict: its error when the secrets
// were refused or the platform could not be asked; nil otherwise, for other
// answers say nothing about the secrets (the create will tell).
func secretsRefused(err error) error {
	if e, ok := platform.AsAPIError(err); err != nil && (!ok || e.Unauthorized()) {
		return err
	}
	return nil
}

// listenAndAsk starts the listener when the callback URL is loopback, then
// asks the platform for the authorize URL (for the listener's URL, whose
// port may have been picked). On an error the authorization returned, if
// any, still holds the listener, for the caller to close.
func listenAndAsk(ctx context.Context, c *platform.Client, creds Credentials, log *slog.Logger) (*Authorization, error) {
	a := &Authorization{State: callback.NewState(), CallbackURL: creds.CallbackURL}
	if callback.IsLoopback(creds.CallbackURL) {
		l, err := callback.Listen(creds.CallbackURL, a.State, log)
		if err != nil {
			return nil, err
		}
		a.Listener, a.CallbackURL, a.Done, a.Refusals = l, l.URL, l.Done(), l.Refusals()
	}
	u, err := c.AuthURL(ctx, platform.AuthURLRequest{
		Connector:    creds.Connector,
		ClientID:     creds.ClientID,
		ClientSecret: creds.ClientSecret,
		CallbackURL:  a.CallbackURL,
		State:        a.State,
	})
	a.URL = u
	return a, err
}
