package flow

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"os/user"
	"strings"
	"syscall"
	"time"

	"github.com/connectwiz/connectwiz/keystore"
)

// Keeper keeps what a create produces; *keystore.Store implements it.
type Keeper interface {
	Begin(p keystore.Pending) (keystore.Pending, error)
	Clear(p keystore.Pending) error
	Save(e keystore.Entry, token string, insecure bool) (keystore.Saved, error)
	Find(name, baseURL string) (keystore.Entry, error)
	Entries() ([]keystore.Entry, error)
	PendingCreates() ([]keystore.Pending, error)
}

// Opener opens a URL in a browser; Browser implements it.
type Opener interface {
	Open(url string) error
}

// Authorization is an authorize step in progress: the URL to open, and the
// listener waiting for the browser to come back (nil when the callback URL
// is not loopback and the redirect must be pasted).
type Authorization struct {
	URL         string
	State       Secret
	CallbackURL string
	Listener    *Listener
	// Done delivers the callback; nil when the redirect must be pasted.
	Done <-chan CallbackResult
}

// Close stops the listener, if any.
func (a *Authorization) Close() {
	if a != nil && a.Listener != nil {
		a.Listener.Close()
	}
}

// Authorize checks the platform secrets (a refused secret is found before
// the browser trip, not after), starts the listener when the callback URL is
// loopback, and then asks the platform for the authorize URL — in that
// order, so the listener is up before any browser is opened.
func Authorize(ctx context.Context, c *Client, creds Credentials, log *slog.Logger) (*Authorization, error) {
	if err := c.CheckSecrets(ctx); err != nil {
		if e, ok := AsAPIError(err); !ok || e.Unauthorized() {
			return nil, err
		}
		// Other answers say nothing about the secrets; the create will tell.
	}
	a := &Authorization{State: NewState(), CallbackURL: creds.CallbackURL}
	if LoopbackCallback(creds.CallbackURL) {
		l, err := Listen(creds.CallbackURL, a.State, log)
		if err != nil {
			return nil, err
		}
		a.Listener, a.CallbackURL, a.Done = l, l.URL, l.Done()
	}
	u, err := c.AuthURL(ctx, AuthURLRequest{
		Connector:    creds.Connector,
		ClientID:     creds.ClientID,
		ClientSecret: creds.ClientSecret,
		CallbackURL:  a.CallbackURL,
		State:        a.State,
	})
	if err != nil {
		a.Close()
		return nil, err
	}
	a.URL = u
	return a, nil
}

// Created is the outcome of a create: the instance and where its token is.
type Created struct {
	Instance Instance
	Saved    keystore.Saved
}

// ErrAnswerLost means the create was sent but its answer never came: the
// instance may exist, and its pending record is kept for 'connectwiz recover'.
var ErrAnswerLost = errors.New("the platform's answer to the create was lost; the instance may exist — run 'connectwiz recover' to find it and store its token (it never creates a duplicate)")

// CreateAndSave records a pending create, sends it, stores the token and
// the index entry, then clears the record. It runs to the end even when ctx
// is cancelled (the client timeout bounds it), so an issued token is never
// dropped.
func CreateAndSave(ctx context.Context, c *Client, k Keeper, req InstanceRequest, insecure bool) (Created, error) {
	ctx = context.WithoutCancel(ctx)
	p, err := k.Begin(keystore.Pending{Name: req.Name, Connector: req.Connector, BaseURL: c.BaseURL, Tags: req.Tags})
	if err != nil {
		return Created{}, fmt.Errorf("not creating the instance: %w", err)
	}
	inst, err := c.CreateInstance(ctx, req)
	if err != nil {
		if answerLost(err) {
			return Created{}, fmt.Errorf("%w (%v)", ErrAnswerLost, err)
		}
		_ = k.Clear(p) // the platform said no: nothing was created
		return Created{}, err
	}
	saved, err := Keep(k, c.BaseURL, inst, insecure)
	if err != nil {
		return Created{Instance: inst}, err
	}
	if err := k.Clear(p); err != nil {
		return Created{Instance: inst, Saved: saved}, err
	}
	return Created{Instance: inst, Saved: saved}, nil
}

// Keep stores a created instance's token and index entry.
func Keep(k Keeper, baseURL string, inst Instance, insecure bool) (keystore.Saved, error) {
	created := inst.Created
	if created.IsZero() {
		created = time.Now().UTC()
	}
	saved, err := k.Save(keystore.Entry{
		Name:      inst.Name,
		ID:        string(inst.ID),
		Connector: inst.Connector.Key,
		BaseURL:   baseURL,
		Tags:      inst.Tags,
		CreatedAt: created,
	}, inst.Token.Reveal(), insecure)
	if err != nil {
		return saved, fmt.Errorf("instance %s (%q) was created, but %w; the pending record is kept: run 'connectwiz recover' once this is fixed", inst.ID, inst.Name, err)
	}
	return saved, nil
}

// answerLost reports whether a create error leaves it unknown whether the
// instance exists: the request may have arrived but its answer did not.
func answerLost(err error) bool {
	if _, ok := AsAPIError(err); ok {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) {
		return false // never reached the platform
	}
	var dns *net.DNSError
	return !errors.As(err, &dns)
}

// DefaultName is the instance name offered by default:
// <connector>-<user>-<yyyymmdd>.
func DefaultName(connector string, now time.Time) string {
	who := "me"
	if u, err := user.Current(); err == nil && u.Username != "" {
		who = u.Username
		if i := strings.LastIndexAny(who, `\/`); i >= 0 {
			who = who[i+1:]
		}
	}
	return fmt.Sprintf("%s-%s-%s", connector, strings.ToLower(who), now.Format("20060102"))
}

// ParseTags splits comma- or line-separated tags, trimmed and de-duplicated.
func ParseTags(in ...string) []string {
	out := []string{}
	seen := map[string]bool{}
	for _, s := range in {
		for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '\n' || r == '\r' }) {
			t = strings.TrimSpace(t)
			if t != "" && !seen[t] {
				seen[t] = true
				out = append(out, t)
			}
		}
	}
	return out
}
