package ui

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// The paste step (stepPaste): the redirect URL, or the bare code, pasted
// by hand.

// pasteBack returns to the URL when a listener waits for the callback;
// otherwise it is authorizeBack.
func (m *Model) pasteBack() (tea.Model, tea.Cmd) {
	if m.listening() {
		m.form = nil
		return m, m.goTo(stepAuthorize)
	}
	return m.authorizeBack()
}

func (m *Model) pasteForm() *huh.Form {
	m.pasteInput = ""
	state := secret.Secret("")
	if m.auth != nil {
		state = m.auth.State
	}
	return m.newForm(huh.NewGroup(
		huh.NewInput().Title("Redirect URL or code").Value(&m.pasteInput).
			EchoMode(huh.EchoModePassword). // it carries the code: never on screen
			Description("Paste the whole URL the browser was sent to after approving (or just the code).").
			Validate(wizard.PasteCheck(state)), // a refusal is shown on its own screen
	))
}

func (m *Model) pasteDone() (tea.Model, tea.Cmd) {
	p, err := callback.ParsePasted(m.pasteInput, m.auth.State)
	var denied *callback.AuthError
	if errors.As(err, &denied) {
		m.denied, m.alarm = denied, nil
		return m, tea.Batch(m.endAuthorization(), m.goTo(stepDenied))
	}
	if err != nil { // the field's validation makes this rare
		m.notice = err.Error()
		m.form = m.pasteForm()
		return m, m.form.Init()
	}
	m.res.Note = flow.GotPasted(p).Note()
	return m.gotCode(p.Code, m.auth.CallbackURL)
}
