// Package prompts is connectwiz's line front-end (accessible mode, dumb
// terminals): the wizard's steps as plain line prompts, each calling the
// Service method the wizard calls, with the run's answers and rules
// (ui/wizard) the wizard uses, so the request, its review and the outcome are
// the wizard's own.
package prompts

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/connectwiz/connectwiz/flow"
	linein "github.com/connectwiz/connectwiz/flow/lines"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// Run runs the wizard as line prompts on in and out, and returns
// how it ended. It never prints a secret, and reads secrets without echo
// when in is a terminal. A cancelled ctx ends it at once, even from a
// prompt waiting for a line, except while creating: the create and the
// save finish first.
func Run(ctx context.Context, svc wizard.Service, in io.Reader, out io.Writer, opts wizard.Options) wizard.Outcome {
	opts = opts.WithDefaults()
	a := &accessible{ctx: ctx, svc: svc, opts: opts, ans: wizard.NewAnswers(opts), in: linein.New(in), out: out}
	a.run()
	o := a.res.Outcome()
	if o.Kind == wizard.Aborted && o.Err == nil && ctx.Err() == nil {
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
	svc     wizard.Service
	opts    wizard.Options
	ans     wizard.Answers // what the user answered
	res     wizard.Result  // what the run has come to
	in      *linein.Reader // the run's one reader of the input: prompts and the wait share it
	out     io.Writer
	err     error
	offered string // a taken name the free name was offered for
	replace string // a taken name the user chose to replace
}

func (a *accessible) fail(err error) { a.err = cmp.Or(a.err, err) }

func (a *accessible) run() {
	a.fillRemembered()
	summarized := a.ans.Complete() && a.summary() // the summary shows a plain-http warning
	if !summarized {
		a.askCredentials(nil, a.ans.Complete())
	}
	if a.svc.CanRemember() {
		a.ans.Remember = a.confirm(wizard.TitleRemember, a.ans.Remember)
	}
	if w := flow.PlainHTTPWarning(a.ans.Creds().BaseURL); w != "" && !summarized {
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
	a.rows(wizard.SaySummary, a.ans.Summary())
	if w := flow.PlainHTTPWarning(a.ans.Creds().BaseURL); w != "" {
		a.say("Warning: %s.\n", w)
	}
	return a.confirm("Continue with these?", true)
}

// askCredentials asks every credential but the prefilled secrets (all of
// them with all) or, with refused (errorFields of an authorize error), only
// those it names.
func (a *accessible) askCredentials(refused map[string]string, all bool) {
	for _, f := range wizard.Fields {
		msg, concerned := refused[f.Title]
		v := f.Value(&a.ans)
		if (refused != nil && !concerned) || (refused == nil && !all && f.Secret && *v != "") {
			continue
		}
		*v = a.ask(strings.TrimSuffix(f.Title+", "+msg, ", "), *v, f.Secret, f.Validate)
	}
	a.dropForeignSecrets()
}

// fillRemembered fills the secrets the keychain remembers for the
// platform, where none is given (the wizard's rule: remember them again).
func (a *accessible) fillRemembered() {
	base := a.ans.Creds().BaseURL
	if !a.svc.CanRemember() || !a.ans.Creds().LacksSecret() {
		return
	}
	if c, ok := a.svc.Remembered(base); ok && a.ans.FillRemembered(c, base) {
		a.say("%s", wizard.SayFilled)
	}
}

// dropForeignSecrets: secrets filled from the keychain for one platform
// are never sent to another. When the platform URL now names another,
// they are cleared, that platform's own are looked up, and what is still
// missing is asked.
func (a *accessible) dropForeignSecrets() {
	note := a.ans.DropForeignSecrets()
	if note == "" {
		return
	}
	a.say("%s", note)
	a.fillRemembered()
	for _, f := range wizard.Fields {
		if v := f.Value(&a.ans); f.Secret && strings.TrimSpace(*v) == "" {
			*v = a.ask(f.Title, "", true, f.Validate)
		}
	}
}

func (a *accessible) askDetails() {
	for free := false; !free && a.err == nil; {
		a.ans.Name = a.ask(wizard.TitleName, a.ans.Name, false, wizard.ValidName)
		free = a.nameFree()
	}
	a.ans.Tags = a.ask(wizard.TitleTags+" (comma-separated, optional)", a.ans.Tags, false, wizard.ValidTags)
	a.askExtra()
}

// nameFree reports whether the name is free here, or its local entry is
// to be replaced (the taken name typed again, and confirmed); otherwise the
// free name becomes the answer offered.
func (a *accessible) nameFree() bool {
	name := strings.TrimSpace(a.ans.Name)
	free := a.svc.AvailableName(name, a.ans.Creds().BaseURL)
	if free == name || name == a.replace {
		return true
	}
	if name == a.offered && a.confirm(fmt.Sprintf("Replace the local entry %q? Its token is removed here; the old instance stays on the platform.", name), false) {
		a.replace = name
		return true
	}
	a.say("An instance named %q already exists on this machine for this platform. Enter names this one %q and keeps both; type %q again to replace the local entry; or type another name.", name, free, name)
	a.offered, a.ans.Name = name, free
	return false
}

// askExtra asks configuration entries, one KEY=VALUE a prompt, until an
// empty answer; KEY= removes one.
func (a *accessible) askExtra() {
	extra := wizard.ParseExtra(a.ans.Extra)
	for a.err == nil {
		entries, _ := flow.ParseConfig(a.ask(wizard.TitleExtra+", KEY=VALUE (empty to finish; KEY= removes one)", "", false, wizard.ValidExtra))
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
	a.ans.Extra = wizard.ExtraLines(extra)
}

// reviewed shows the wizard's review of the request (secrets masked) and
// asks to create it; c shows the same request as a curl command (the
// wizard's v) and asks again.
func (a *accessible) reviewed() bool {
	a.rows(wizard.SayReview, a.ans.Review())
	for a.err == nil {
		yes, curl := a.choose("Create it?", true, "c", "(c shows it as a curl command)")
		if !curl {
			return yes
		}
		req := a.ans.Request()
		a.say("\n%s\n\n%s\n", req.Curl(a.ans.Creds().BaseURL), wizard.CurlSecretsNote(req))
	}
	return false
}

// rows says a summary's or a review's rows under their heading, a line
// each, as a screen reader reads them: no escape sequences, and "(hidden)"
// where the wizard draws a secret's mask (its bullets would be read out
// one by one).
func (a *accessible) rows(heading string, rs []wizard.Row) {
	a.say("\n%s\n", heading)
	for _, r := range rs {
		v := strings.ReplaceAll(r.Value, secret.Mask, "(hidden)")
		switch {
		case r.Entry:
			a.say("  %s = %s", r.Label, v)
		default: // the label in a column, as the wizard draws it
			a.say("%s", strings.TrimRight(fmt.Sprintf("%-20s %s", r.Label, v), " "))
		}
	}
	a.say("")
}

// create sends the create: again with the configuration the platform
// says is missing (same code); a lost answer offers recovery; another
// error, a retry.
func (a *accessible) create() {
	for a.err == nil {
		name := strings.TrimSpace(a.ans.Name)
		a.say("Creating %s on %s…", name, a.ans.Creds().Host())
		c, err := a.send(a.ans.CreateRequest(a.opts.Insecure, a.replace != "" && name == a.replace))
		a.res.Err = err
		e, _ := platform.AsAPIError(err)
		u, unsettled := wizard.Unsettled(err)
		switch {
		case err == nil:
			a.res.Created = &c
			return
		case a.ctx.Err() != nil:
			a.fail(err)
		case e != nil && len(e.Missing) > 0:
			a.askMissing(e.Missing)
		case unsettled: // several instances may each be it: the user picks
			a.say("✗ The create did not succeed: %v.", u.Lost)
			a.pick(u.Candidates)
			return
		case wizard.InstanceMayExist(err): // no "send it again": it would create a duplicate
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
		c, err := a.svc.Create(a.ctx, r)
		done <- result{c, err}
	}()
	select {
	case res := <-done:
		return res.c, res.err
	case <-a.ctx.Done():
		if a.in.Terminal() {
			fmt.Fprintln(a.out) // after the ^C the terminal echoed
		}
		a.say("%s", wizard.SayFinishing)
	}
	res := <-done
	return res.c, res.err
}

// askMissing asks the missing entries as the wizard does (sorted, earlier
// answers kept), secret-looking ones masked.
func (a *accessible) askMissing(keys []string) {
	a.ans.AskMissing(keys)
	a.say("The platform needs more configuration for this connector: %s. Give each entry and the create is sent again.", strings.Join(a.ans.MissingOrder, ", "))
	for _, k := range a.ans.MissingOrder {
		*a.ans.Missing[k] = a.ask(k, *a.ans.Missing[k], secret.IsSecretKey(k), wizard.Required)
	}
}
