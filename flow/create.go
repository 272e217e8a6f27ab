package flow

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os/user"
	"strings"
	"syscall"
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
}

// ErrNotKept means the instance was created but its token could not be
// stored; the pending record is kept so that a recover can store it later.
var ErrNotKept = errors.New("the instance was created, but its token could not be stored")

// createAndSave records a pending create, sends it, stores the token and
// the index entry, then clears the record. It runs to the end even when ctx
// is cancelled (the client timeout bounds it), so an issued token is never
// dropped.
func createAndSave(ctx context.Context, c *platform.Client, st *keystore.Store, req platform.InstanceRequest, insecure, replace bool) (Created, error) {
	ctx = context.WithoutCancel(ctx)
	p, err := st.Begin(keystore.Pending{Name: req.Name, Connector: req.Connector, BaseURL: c.BaseURL, Tags: req.Tags})
	if err != nil {
		return Created{}, fmt.Errorf("not creating the instance: %w", err)
	}
	// Hold the record's claim while the create runs, so that no other
	// process settles it meanwhile, whatever its process check says.
	if release, ok, err := st.Claim(p); err == nil && ok {
		defer release()
	}
	inst, err := c.CreateInstance(ctx, req)
	if err != nil {
		if errors.Is(err, platform.ErrAnswerLost) {
			return Created{}, err
		}
		if answerLost(err) {
			// The platform was reached: this is no network advice case.
			cause := err
			if u := errors.Unwrap(err); u != nil {
				cause = u
			}
			return Created{}, fmt.Errorf("%w: the request reached the platform, but the connection ended before its answer (%s)", platform.ErrAnswerLost, termsafe.Sanitize(cause.Error(), 200))
		}
		_ = st.Clear(p) // the platform said no: nothing was created
		return Created{}, err
	}
	saved, err := saveInstance(st, c.BaseURL, req.Name, inst, insecure, replace)
	if err != nil {
		return Created{Instance: inst}, err
	}
	if err := st.Clear(p); err != nil {
		return Created{Instance: inst, Saved: saved}, err
	}
	return Created{Instance: inst, Saved: saved}, nil
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

// answerLost reports whether a create error leaves it unknown whether the
// instance exists: the request may have arrived but its answer did not.
// Errors before the request could be sent — refused or failed dial, name
// resolution, TLS handshake — are not.
func answerLost(err error) bool {
	if _, ok := platform.AsAPIError(err); ok {
		return false
	}
	var (
		dns    *net.DNSError
		op     *net.OpError
		verify *tls.CertificateVerificationError
		record tls.RecordHeaderError
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &dns), errors.As(err, &verify), errors.As(err, &record):
		return false
	case errors.As(err, &op) && op.Op == "dial":
		return false
	}
	return true
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
