package flow

import (
	"context"
	"errors"
	"fmt"
	"os/user"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/termsafe"
	"github.com/connectwiz/connectwiz/keystore"
)

// CreateRequest is one create as a front-end asks for it: the instance,
// the credentials it is sent with, and what to do with the secrets and the
// token afterwards.
type CreateRequest struct {
	Creds    Credentials
	Instance platform.InstanceRequest
	// Insecure stores the token in the 0600 file instead of the keychain.
	Insecure bool
	// Remember keeps the secrets in the keychain once the create succeeded
	// (never for the sandbox, whose secrets are public).
	Remember bool
	// Replace lets the instance take the local entry of the same name (the
	// user chose to); otherwise a name taken meanwhile gets the next free
	// one and no entry is ever replaced.
	Replace bool
}

// Created is the outcome of a create: the instance, where its token is,
// and what became of a request to remember the secrets.
type Created struct {
	Instance platform.Instance
	Saved    keystore.Saved
	// Remembered is set when the secrets were remembered in the keychain;
	// RememberErr when that was asked and failed (the create still stands).
	Remembered  bool
	RememberErr error
	// AnswerLost, when set, is why the create's answer was lost: the
	// instance was then found on the platform and its token stored.
	AnswerLost error
}

// ErrNotKept means the instance was created but its token could not be
// stored; the pending record is kept so that a recover can store it later.
var ErrNotKept = errors.New("the instance was created, but its token could not be stored")

// ErrNothingCreated means a create's answer left its outcome unknown, but
// the platform shows no instance it could have made: nothing was created,
// the pending record is cleared, and trying again makes no duplicate.
var ErrNothingCreated = errors.New("the platform shows no new instance: nothing was created, and trying again makes no duplicate")

// UnsettledError is a create whose outcome is unknown and that looking on
// the platform could not settle: several instances may each be its own
// (Candidates), or the platform could not be asked (Candidates empty). Its
// pending record is kept; it unwraps to platform.ErrAnswerLost.
type UnsettledError struct {
	Pending    keystore.Pending
	Candidates []platform.Instance
	// Lost is the create's error; Look, when set, why the platform could
	// not be asked.
	Lost, Look error
}

func (e *UnsettledError) Error() string {
	if len(e.Candidates) > 0 {
		return fmt.Sprintf("%v; %d instances on the platform may each be %q, none of them surely:%s\nits pending record is kept until one is chosen", e.Lost, len(e.Candidates), e.Pending.Name, describeCandidates(e.Candidates))
	}
	return fmt.Sprintf("%v; looking for it on the platform failed too (%v): its pending record is kept", e.Lost, e.Look)
}

func (e *UnsettledError) Unwrap() error { return e.Lost }

// settleLooks are the pauses before each look on the platform after a
// create whose outcome is unknown: a gateway may answer before the
// platform behind it has made the instance.
var settleLooks = []time.Duration{0, time.Second, 2 * time.Second}

// createAndSave lists the platform's instances (so that a later look can
// tell which one is new), records a pending create with the request's
// choices, sends it, stores the token and the index entry, then clears the
// record. An unknown outcome is settled at once by looking on the
// platform (settleLost). It runs to the end even when ctx is cancelled
// (the client timeout bounds it), so an issued token is never dropped.
func createAndSave(ctx context.Context, c *platform.Client, st *keystore.Store, r CreateRequest) (Created, error) {
	ctx = context.WithoutCancel(ctx)
	req := r.Instance
	rec := keystore.Pending{Name: req.Name, Connector: req.Connector, BaseURL: c.BaseURL, Tags: req.Tags, Insecure: r.Insecure, Remember: r.Remember, Replace: r.Replace}
	if list, err := c.Instances(ctx); err == nil {
		rec.Listed = true
		for _, in := range list {
			rec.Before = append(rec.Before, string(in.ID))
		}
	}
	p, err := st.Begin(rec)
	if err != nil {
		return Created{}, fmt.Errorf("not creating the instance: %w", err)
	}
	// Hold the record's claim while the create runs, so that no other
	// process settles it meanwhile, whatever its process check says.
	if release, ok, err := st.Claim(p); err == nil && ok {
		defer release()
	}
	inst, err := c.CreateInstance(ctx, req)
	switch platform.OutcomeOf(err) {
	case platform.Refused:
		_ = st.Clear(p) // the platform said no: nothing was created
		return Created{}, err
	case platform.Unknown:
		return settleLost(ctx, c, st, p, err)
	case platform.Created:
	}
	saved, err := saveInstance(st, c.BaseURL, req.Name, inst, r.Insecure, r.Replace)
	if err != nil {
		return Created{Instance: inst}, err
	}
	if err := st.Clear(p); err != nil {
		return Created{Instance: inst, Saved: saved}, err
	}
	return Created{Instance: inst, Saved: saved}, nil
}

// settleLost looks on the platform for the instance of a create whose
// outcome is unknown: found, its token is stored (Created.AnswerLost says
// how it was found); several candidates or a failed look keep the record
// (*UnsettledError); nothing after the last look clears it
// (ErrNothingCreated).
func settleLost(ctx context.Context, c *platform.Client, st *keystore.Store, p keystore.Pending, lost error) (Created, error) {
	for _, pause := range settleLooks {
		time.Sleep(pause)
		m, err := look(ctx, c, st, p)
		switch {
		case err != nil:
			if e, ok := platform.AsAPIError(err); ok {
				e.Unknown = true // its hint is no advice here: the create is settled by a recover
			}
			return Created{}, &UnsettledError{Pending: p, Lost: lost, Look: err}
		case len(m.Candidates) > 0:
			return Created{}, &UnsettledError{Pending: p, Lost: lost, Candidates: m.Candidates}
		case m.Found:
			r, err := adopt(ctx, c, st, p, m.Instance)
			if err != nil {
				return Created{}, &UnsettledError{Pending: p, Lost: lost, Look: err}
			}
			inst := m.Instance
			inst.Token = ""
			return Created{Instance: inst, Saved: r.Saved, AnswerLost: lost}, nil
		}
	}
	if err := st.Clear(p); err != nil {
		return Created{}, &UnsettledError{Pending: p, Lost: lost, Look: err}
	}
	return Created{}, fmt.Errorf("%w (%s)", ErrNothingCreated, strings.TrimPrefix(lost.Error(), platform.ErrAnswerLost.Error()+": "))
}

// saveInstance stores a created instance's token and index entry under the name
// the user asked for: the platform's answer never decides which local
// entry is written (a different name in the answer is recorded beside it).
// It replaces the entry of that name only with replace; otherwise a taken
// name gets the next free one.
func saveInstance(st *keystore.Store, baseURL, name string, inst platform.Instance, insecure, replace bool) (keystore.Saved, error) {
	created := inst.Created
	if created.IsZero() {
		created = time.Now().UTC()
	}
	platformName := ""
	if inst.Name != name {
		platformName = inst.Name
	}
	save := st.Save
	if replace {
		save = st.SaveReplacing
	}
	saved, err := save(keystore.Entry{
		Name:         name,
		PlatformName: platformName,
		ID:           string(inst.ID),
		Connector:    inst.Connector.Key,
		BaseURL:      baseURL,
		Tags:         inst.Tags,
		CreatedAt:    created,
	}, inst.Token.Reveal(), insecure)
	if err != nil {
		return saved, fmt.Errorf("%w: instance %s (%q): %w; its pending record is kept", ErrNotKept, inst.ID, name, err)
	}
	return saved, nil
}

// defaultName is the instance name offered by default:
// <connector>-<user>-<yyyymmdd>.
func defaultName(connector string, now time.Time) string {
	who := "me"
	if u, err := user.Current(); err == nil && u.Username != "" {
		who = u.Username
		if i := strings.LastIndexAny(who, `\/`); i >= 0 {
			who = who[i+1:]
		}
	}
	return fmt.Sprintf("%s-%s-%s", connector, strings.ToLower(who), now.Format("20060102"))
}

// MaxNameLen bounds an instance name.
const MaxNameLen = 200

// ValidName is the one rule for an instance name, in every front-end: not
// empty, at most MaxNameLen characters, printable, with no leading,
// trailing or repeated white space (it is printed, stored and typed back in
// 'connectwiz token NAME').
func ValidName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return errors.New("the instance name is empty")
	case utf8.RuneCountInString(name) > MaxNameLen:
		return fmt.Errorf("the instance name is longer than %d characters", MaxNameLen)
	case termsafe.Sanitize(name, MaxNameLen) != name:
		return errors.New("the instance name has control or format characters, or leading, trailing or repeated white space: give a plain name")
	}
	return nil
}

// ValidTags is the one rule for tags, in every front-end: each tag, as
// ParseTags splits them, is printable, at most MaxNameLen characters, with
// no repeated white space (the review shows them, the index keeps them).
func ValidTags(in ...string) error {
	for _, t := range ParseTags(in...) {
		if utf8.RuneCountInString(t) > MaxNameLen || termsafe.Sanitize(t, MaxNameLen) != t {
			return fmt.Errorf("the tag %q has control or format characters, repeated white space, or more than %d characters: give plain tags", t, MaxNameLen)
		}
	}
	return nil
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

// ParseConfig reads extra configuration entries: each input holds one or
// more KEY=VALUE lines (a --config flag, or the wizard's text box); blank
// lines are skipped, key and value are trimmed, a later key wins.
func ParseConfig(in ...string) (map[string]string, error) {
	out := map[string]string{}
	for _, s := range in {
		for _, line := range strings.Split(s, "\n") {
			line = strings.TrimSpace(line)
			if line == "" {
				continue
			}
			k, v, ok := strings.Cut(line, "=")
			k = strings.TrimSpace(k)
			if !ok || k == "" {
				return nil, fmt.Errorf("%q is not KEY=VALUE", line)
			}
			if k == platform.ConfigClientID || k == platform.ConfigClientSecret || k == platform.ConfigCallbackURL {
				return nil, fmt.Errorf("%s is set from the OAuth client id, client secret and callback URL; give those instead", k)
			}
			out[k] = strings.TrimSpace(v)
		}
	}
	return out, nil
}
