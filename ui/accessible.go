package ui

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/flow"
	linein "github.com/connectwiz/connectwiz/flow/lines"
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
	a := &accessible{ctx: ctx, m: New(svc, opts), in: linein.New(in), out: out}
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
	in      *linein.Reader // the run's one reader of the input: prompts and the wait share it
	out     io.Writer
	err     error
	offered string // a taken name the free name was offered for
	replace string // a taken name the user chose to replace
}

func (a *accessible) fail(err error) { a.err = cmp.Or(a.err, err) }

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
	summarized := m.credentialsComplete() && a.summary() // the summary shows a plain-http warning
	if !summarized {
		a.askCredentials(nil, m.credentialsComplete())
	}
	if m.svc.CanRemember() {
		m.remember = a.confirm("Remember the secrets in the keychain?", m.remember)
	}
	if w := flow.PlainHTTPWarning(m.creds().BaseURL); w != "" && !summarized {
		a.say("Warning: %s.", w)
	}
	a.authorize()
	for a.err == nil {
		a.askDetails()
		if a.reviewed() {
			a.create()
			return
		}
		a.say("Back to the details: Enter keeps each answer.")
	}
}

// summary shows the credentials when every one is known, as the wizard's
// summary does, and asks whether to go on with them.
func (a *accessible) summary() bool {
	a.say("\n%s\n", plain(a.m.summaryView()))
	return a.confirm("Continue with these?", true)
}

// askCredentials asks every credential but the prefilled secrets (all of
// them with all) or, with refused (errorFields of an authorize error), only
// those it names.
func (a *accessible) askCredentials(refused map[string]string, all bool) {
	for _, f := range credentialFields {
		msg, concerned := refused[f.title]
		v := f.value(a.m)
		if (refused != nil && !concerned) || (refused == nil && !all && f.secret && *v != "") {
			continue
		}
		*v = a.ask(strings.TrimSuffix(f.title+", "+msg, ", "), *v, f.secret, f.validate)
	}
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

// reviewed shows the wizard's review of the request (secrets masked) and
// asks to create it; c shows the same request as a curl command (the
// wizard's v) and asks again.
func (a *accessible) reviewed() bool {
	a.m.nameChecked, a.m.nameTaken = true, false // the prompts settled the name with AvailableName
	a.say("\n%s\n", plain(a.m.reviewView()))
	for a.err == nil {
		yes, curl := a.choose("Create it?", true, "c", "(c shows it as a curl command)")
		if !curl {
			return yes
		}
		a.say("\n%s\n\n%s\n", a.m.request().Curl(a.m.creds().BaseURL), curlSecretsNote(a.m.request()))
	}
	return false
}

// plain is a view as plain text: no escape sequences, no trailing blanks.
// A screen reader reads the mask's bullets out one by one: the line
// prompts say "(hidden)" where the wizard draws the mask.
func plain(view string) string {
	return trailingSpace.ReplaceAllString(strings.ReplaceAll(ansi.Strip(view), secret.Mask, "(hidden)"), "")
}

var trailingSpace = regexp.MustCompile(`(?m) +$`)

// create sends the create: again with the configuration the platform
// says is missing (same code); a lost answer offers recovery; another
// error, a retry.
func (a *accessible) create() {
	m := a.m
	for a.err == nil {
		a.say("Creating %s on %s…", trim(m.name), m.creds().Host())
		c, err := a.send(flow.CreateRequest{Creds: m.creds(), Instance: m.request(), Insecure: m.opts.Insecure, Remember: m.remember, Replace: a.replace != "" && trim(m.name) == a.replace})
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

// send sends the create and waits for it to finish, even after ctrl+c
// (the token is stored first), saying at once that it does so.
func (a *accessible) send(r flow.CreateRequest) (flow.Created, error) {
	type result struct {
		c   flow.Created
		err error
	}
	done := make(chan result, 1)
	go func() {
		c, err := a.m.svc.Create(a.ctx, r)
		done <- result{c, err}
	}()
	select {
	case res := <-done:
		return res.c, res.err
	case <-a.ctx.Done():
		if a.in.Terminal() {
			fmt.Fprintln(a.out) // after the ^C the terminal echoed
		}
		a.say("%s", finishingNote)
	}
	res := <-done
	return res.c, res.err
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
