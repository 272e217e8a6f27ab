package prompts

import (
	"cmp"
	"errors"
	"strings"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// authorize gets the code: Authorize (asking again what it refuses), then
// the browser's callback or the pasted redirect.
func (a *accessible) authorize() {
	for a.err == nil {
		auth, err := a.svc.Authorize(a.ctx, a.ans.Creds())
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
			a.ans.Code, a.ans.Callback, a.res.Note = code, auth.CallbackURL, note
			return
		}
	}
}

// refused says why Authorize failed and asks again the fields the wizard
// marks for the error (only the secrets, when they were refused).
func (a *accessible) refused(err error) {
	fields := wizard.ErrorFields(err)
	for _, f := range wizard.Fields {
		if _, ok := fields[f.Title]; ok {
			a.say("✗ %v", err)
			a.say("Check the answers asked again below (Enter keeps one); connectwiz then tries again. ctrl+c quits.")
			a.askCredentials(fields, false)
			return
		}
	}
	a.fail(err)
}

// callback shows the URL, opens the browser (or approves the sandbox's
// consent here) and waits for whichever comes first: the browser's
// callback, or the redirect pasted here (as the wizard's p does).
func (a *accessible) callback(auth *flow.Authorization) (secret.Secret, string, error) {
	a.say("%s", flow.SayOpenURL(auth.URL))
	if auth.Forward != "" {
		a.say("%s", flow.SayForward(auth.Forward))
	}
	if auth.Done == nil {
		a.openBrowser(auth, false)
		a.say("%s", flow.SayPasteWanted(auth.CallbackURL))
		return a.paste(auth, false)
	}
	approved := a.openBrowser(auth, true)
	if a.err != nil {
		return "", "", a.err
	}
	wait := a.opts.Wait
	if !approved { // else the callback is there: nothing to wait for
		a.say("%s", flow.SayWaiting(auth.CallbackURL, wait, true))
	}
	got, err := auth.WaitOrPaste(a.ctx, wait, a.in, waitNotes{a})
	var denied *callback.AuthError
	switch {
	case errors.As(err, &denied):
		return "", "", a.denied(denied)
	case errors.Is(err, callback.ErrTimeout):
		a.say("✗ %s", flow.SayNoCallback(wait))
		return a.paste(auth, true)
	case err != nil:
		return "", "", err
	}
	return got.Code, got.Note(), nil
}

// openBrowser opens the browser on the authorization (flow.Browse). In
// the sandbox, when asked, the consent is approved here instead: at once
// when the answers come from a pipe (no one is at a browser), else when
// the user says so. A user who says no opens the URL in a browser, or
// pastes the redirect; it is not approved behind their back when no
// browser opens. It reports whether the consent was approved here.
func (a *accessible) openBrowser(auth *flow.Authorization, approve bool) bool {
	here := approve && a.opts.Sandbox && (!a.in.Terminal() || a.confirm("Approve the sandbox's consent here?", true))
	if a.err != nil {
		return false
	}
	b := flow.Browse(a.ctx, a.svc, auth, here, here)
	for _, line := range b.Say() {
		a.say("%s", line)
	}
	return b.Approved
}

// waitNotes says what happens while the prompts wait for the callback.
type waitNotes struct{ a *accessible }

func (n waitNotes) WrongPaste(err error)  { n.a.say("%s", flow.SayWrongPaste(err)) }
func (n waitNotes) Refused(reason string) { n.a.say("%s", flow.SayRefused(reason)) }

// paste reads the redirect URL or the bare code, without echo, checking
// the state; after a timeout, an empty answer authorizes again.
func (a *accessible) paste(auth *flow.Authorization, timedOut bool) (secret.Secret, string, error) {
	title := "Redirect URL or code"
	if timedOut {
		title += " (empty to authorize again)"
	}
	check := wizard.PasteCheck(auth.State)
	text := a.ask(title, "", true, func(s string) error {
		if timedOut && strings.TrimSpace(s) == "" {
			return nil
		}
		return check(s)
	})
	switch {
	case a.err != nil:
		return "", "", a.err
	case text == "":
		return "", "", errAuthorizeAgain
	}
	p, err := callback.ParsePasted(text, auth.State) // it passed the check: a code, or the provider's refusal
	var denied *callback.AuthError
	if errors.As(err, &denied) {
		return "", "", a.denied(denied)
	}
	return p.Code, flow.GotPasted(p).Note(), nil
}

// denied says what the provider (or an alarm) said; it may authorize again.
func (a *accessible) denied(e *callback.AuthError) error {
	a.say("✗ Nothing was created: %v.", e)
	if a.confirm("Authorize again?", true) {
		return errAuthorizeAgain
	}
	return cmp.Or(a.err, error(e))
}
