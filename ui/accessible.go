package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// The accessible mode: the wizard's steps as plain line prompts, each
// calling the Service method the wizard calls. The answers live in a Model,
// so the request, its review and the outcome are the wizard's own.

// RunAccessible runs the wizard as line prompts on in and out, and returns
// how it ended. It never prints a secret, and reads secrets without echo
// when in is a terminal. A cancelled ctx ends it at once, even from a
// prompt waiting for a line, except while creating: the create and the
// save finish first.
func RunAccessible(ctx context.Context, svc Service, in io.Reader, out io.Writer, opts Options) Outcome {
	a := &accessible{ctx: ctx, m: New(svc, opts), raw: in, in: &lineReader{r: in}, out: out, tty: isTerminal(in)}
	a.run()
	o := a.m.Outcome()
	if o.Kind == Aborted && o.Err == nil && ctx.Err() == nil {
		o.Err = a.err
	}
	return o
}

var (
	// ErrInputEnded ends the prompts when the input ends before an answer
	// (missing input: exit 2).
	ErrInputEnded = errors.New("the input ended before the questions were answered, so nothing was created: answer each prompt, or run with --no-input to use flags and the environment")
	// errAuthorizeAgain asks for a new authorization with the same answers.
	errAuthorizeAgain = errors.New("authorize again")
)

// accessible is one run of the prompts. Its first error ends it: every
// later prompt answers at once (the current value, or no), silently.
type accessible struct {
	ctx     context.Context
	m       *Model
	raw     io.Reader   // the input as given: a terminal's secrets are read from its fd
	in      *lineReader // the input the line prompts read
	out     io.Writer
	tty     bool
	err     error
	offered string // a taken name the free name was offered for
	replace string // a taken name the user chose to replace
}

func (a *accessible) fail(err error) { a.err = cmp.Or(a.err, err) }

func (a *accessible) say(format string, args ...any) {
	if a.err == nil {
		fmt.Fprintf(a.out, format+"\n", args...)
	}
}

func (a *accessible) run() {
	m := a.m
	if m.svc.CanRemember() && m.creds().LacksSecret() {
		if c, ok := m.svc.Remembered(m.creds().BaseURL); ok {
			m.onRemembered(rememberedMsg{c, m.creds().BaseURL}) // the wizard's rule: fill what is missing, remember again
		}
	}
	if m.notice != "" {
		a.say("%s", m.notice)
		m.notice = ""
	}
	a.askCredentials(nil)
	if m.svc.CanRemember() {
		m.remember = a.confirm("Remember the secrets in the keychain?", m.remember)
	}
	if w := flow.PlainHTTPWarning(m.creds().BaseURL); w != "" {
		a.say("Warning: %s.", w)
	}
	a.authorize()
	for a.err == nil {
		a.askDetails()
		a.say("%s", a.review())
		if a.confirm("Create it?", true) {
			a.create()
			return
		}
		a.say("Back to the details: Enter keeps each answer.")
	}
}

// askCredentials asks every credential but the prefilled secrets or, with
// refused (errorFields of an authorize error), only those it names.
func (a *accessible) askCredentials(refused map[string]string) {
	for _, f := range credentialFields {
		msg, concerned := refused[f.title]
		v := f.value(a.m)
		if (refused != nil && !concerned) || (refused == nil && f.secret && *v != "") {
			continue
		}
		*v = a.ask(strings.TrimSuffix(f.title+", "+msg, ", "), *v, f.secret, f.validate)
	}
}

// authorize gets the code: Authorize (asking again what it refuses), then
// the browser's callback or the pasted redirect.
func (a *accessible) authorize() {
	m := a.m
	for a.err == nil {
		auth, err := m.svc.Authorize(a.ctx, m.creds())
		switch {
		case err != nil && a.ctx.Err() != nil:
			a.fail(a.ctx.Err())
		case err != nil:
			a.refused(err)
		default:
			code, note, err := a.callback(auth)
			auth.Close()
			if errors.Is(err, errAuthorizeAgain) {
				continue
			}
			a.fail(err)
			m.code, m.callback, m.finalNote = code, auth.CallbackURL, note
			return
		}
	}
}

// refused says why Authorize failed and asks again the fields the wizard
// marks for the error (only the secrets, when they were refused).
func (a *accessible) refused(err error) {
	fields := errorFields(err)
	for _, f := range credentialFields {
		if _, ok := fields[f.title]; ok {
			a.say("✗ %v", err)
			a.say("Check the answers asked again below (Enter keeps one); connectwiz then tries again. ctrl+c quits.")
			a.askCredentials(fields)
			return
		}
	}
	a.fail(err)
}

// callback shows the URL, opens the browser (or approves the sandbox's
// consent here) and waits for the code, or reads the pasted redirect.
func (a *accessible) callback(auth *flow.Authorization) (secret.Secret, string, error) {
	a.say("Open this URL in a browser to authorize connectwiz:\n\n  %s\n", auth.URL)
	if auth.Done == nil {
		a.openBrowser(auth, false)
		a.say("The callback URL %s is not on this machine: after approving, paste the URL the browser was sent to (or just the code).", auth.CallbackURL)
		return a.paste(auth, false)
	}
	if a.openBrowser(auth, true); a.err != nil {
		return "", "", a.err
	}
	wait := a.m.opts.Wait
	a.say("Waiting for the browser to come back to %s (up to %s; ctrl+c to stop)…", auth.CallbackURL, wait)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case r := <-auth.Done:
		if r.Err != nil {
			return "", "", a.denied(r.Err)
		}
		return r.Code, "", nil
	case <-t.C:
		a.say("✗ No callback arrived in %s.", wait)
		return a.paste(auth, true)
	case <-a.ctx.Done():
		return "", "", a.ctx.Err()
	}
}

// openBrowser opens the browser on the authorization or, in the sandbox
// when asked, offers to approve the consent here instead.
func (a *accessible) openBrowser(auth *flow.Authorization, approve bool) {
	if approve && a.m.opts.Sandbox && a.confirm("Approve the sandbox's consent here?", true) {
		err := a.m.svc.Approve(a.ctx, auth.URL)
		if err == nil {
			return
		}
		a.say("Approving in the sandbox failed (%v): approve in the browser instead.", err)
	}
	if a.err != nil {
		return
	}
	if err := a.m.svc.OpenBrowser(auth.BrowserURL()); err != nil {
		a.say("The browser was not opened (%v): open the URL above yourself.", err)
	}
}

// paste reads the redirect URL or the bare code, masked, checking the
// state; after a timeout, an empty answer authorizes again.
func (a *accessible) paste(auth *flow.Authorization, timedOut bool) (secret.Secret, string, error) {
	title := "Redirect URL or code"
	if timedOut {
		title += " (empty to authorize again)"
	}
	var p callback.Pasted
	var denied *callback.AuthError
	text := a.ask(title, "", true, func(s string) (err error) {
		if p, err = callback.ParsePasted(s, auth.State); errors.As(err, &denied) || (timedOut && trim(s) == "") {
			return nil
		}
		return err
	})
	switch {
	case a.err != nil:
		return "", "", a.err
	case denied != nil:
		return "", "", a.denied(denied)
	case text == "":
		return "", "", errAuthorizeAgain
	case !p.StateChecked:
		return p.Code, "A bare code was pasted: its state could not be checked.", nil
	}
	return p.Code, "", nil
}

// denied says what the provider (or an alarm) said; it may authorize again.
func (a *accessible) denied(e *callback.AuthError) error {
	a.say("✗ Nothing was created: %v.", e)
	if a.confirm("Authorize again?", true) {
		return errAuthorizeAgain
	}
	return cmp.Or(a.err, error(e))
}

func (a *accessible) askDetails() {
	m := a.m
	for free := false; !free && a.err == nil; {
		m.name = a.ask(titleName, m.name, false, validName)
		free = a.nameFree()
	}
	m.tagsText = a.ask(titleTags+" (comma-separated, optional)", m.tagsText, false, func(string) error { return nil })
	a.askExtra()
}

// nameFree reports whether the name is free here, or its local entry is
// to be replaced (the taken name typed again, and confirmed); otherwise the
// free name becomes the answer offered.
func (a *accessible) nameFree() bool {
	m := a.m
	name := trim(m.name)
	free := m.svc.AvailableName(name, m.creds().BaseURL)
	if free == name || name == a.replace {
		return true
	}
	if name == a.offered && a.confirm(fmt.Sprintf("Replace the local entry %q? Its token is removed here; the old instance stays on the platform.", name), false) {
		a.replace = name
		return true
	}
	a.say("An instance named %q already exists on this machine for this platform. Enter names this one %q and keeps both; type %q again to replace the local entry; or type another name.", name, free, name)
	a.offered, m.name = name, free
	return false
}

// askExtra asks configuration entries, one KEY=VALUE a prompt, until an
// empty answer; KEY= removes one.
func (a *accessible) askExtra() {
	extra := parseExtra(a.m.extraText)
	for a.err == nil {
		entries, _ := flow.ParseConfig(a.ask(titleExtra+", KEY=VALUE (empty to finish; KEY= removes one)", "", false, func(s string) error {
			_, err := flow.ParseConfig(s)
			return err
		}))
		if len(entries) == 0 {
			break
		}
		for k, v := range entries {
			extra[k] = v
			if v == "" {
				delete(extra, k)
			}
		}
	}
	a.m.extraText = extraLines(extra)
}

// review is the wizard's review of the request (secrets masked) as text.
func (a *accessible) review() string {
	a.m.nameChecked, a.m.nameTaken = true, false // the prompts settled the name with AvailableName
	return "\n" + trailingSpace.ReplaceAllString(ansi.Strip(a.m.reviewView()), "") + "\n"
}

var trailingSpace = regexp.MustCompile(`(?m) +$`)

// create sends the create: again with the configuration the platform
// says is missing (same code); a lost answer offers recovery; another
// error, a retry.
func (a *accessible) create() {
	m := a.m
	for a.err == nil {
		a.say("Creating %s on %s…", trim(m.name), m.creds().Host())
		c, err := m.svc.Create(a.ctx, flow.CreateRequest{Creds: m.creds(), Instance: m.request(), Insecure: m.opts.Insecure, Remember: m.remember, Replace: a.replace != "" && trim(m.name) == a.replace})
		m.createErr = err
		e, _ := platform.AsAPIError(err)
		switch {
		case err == nil:
			m.created = &c
			return
		case a.ctx.Err() != nil:
			a.fail(err)
		case e != nil && len(e.Missing) > 0:
			a.askMissing(e.Missing)
		case instanceMayExist(err): // no "send it again": it would create a duplicate
			a.say("✗ The create did not succeed: %v", err)
			a.answerLost(err)
			return
		default:
			a.say("✗ The create did not succeed: %v", err)
			if !a.confirm("Send it again?", true) {
				a.fail(err)
			}
		}
	}
}

// askMissing asks the missing entries as the wizard does (sorted, earlier
// answers kept), secret-looking ones masked.
func (a *accessible) askMissing(keys []string) {
	m := a.m
	m.askMissing(keys)
	a.say("The platform needs more configuration for this connector: %s. Give each entry and the create is sent again.", strings.Join(m.missingOrder, ", "))
	for _, k := range m.missingOrder {
		*m.missing[k] = a.ask(k, *m.missing[k], secret.IsSecretKey(k), required)
	}
}

// answerLost offers to look the instance up: it may exist (or does, its
// token not stored), so the create is not sent again.
func (a *accessible) answerLost(lost error) {
	if errors.Is(lost, flow.ErrNotKept) {
		a.say("The instance exists, but its token is not stored yet. Its pending record is kept, so the token is not lost.")
	} else {
		a.say("The instance may exist. Its pending record is kept either way, so the token is not lost.")
	}
	for a.confirm("Look the instance up now?", true) {
		found, err := a.m.svc.Recover(a.ctx, a.m.creds())
		if err == nil {
			if a.m.settleRecovered(found); !foundAny(found) {
				a.say("✗ The answer was lost, and the platform has no such instance: nothing was created.")
			}
			return
		}
		a.say("✗ Looking the instance up failed: %v.", err)
	}
	a.say("Run 'connectwiz recover' later: it stores the token of the instance if it was created.")
	a.fail(lost)
}
