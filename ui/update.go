package ui

import (
	"context"
	"errors"
	"sort"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow"
)

// Update implements tea.Model.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		if msg.Width <= 0 || msg.Height <= 0 {
			return m, nil // size unknown: keep the last one
		}
		m.width, m.height = msg.Width, msg.Height
		m.help.Width = m.contentWidth()
		if m.form != nil {
			f, cmd := m.form.WithWidth(m.contentWidth()).Update(msg)
			m.form = f.(*huh.Form)
			return m, cmd
		}
		return m, nil
	case tea.KeyMsg:
		if key.Matches(msg, m.keys.Quit) {
			return m.quit()
		}
	case SignalMsg:
		// A signal (SIGINT, SIGTERM, SIGHUP) asks to stop: same as ctrl+c.
		return m.quit()
	case tickMsg:
		return m.onTick()
	case rememberedMsg:
		return m.onRemembered(msg.creds)
	case authorizedMsg:
		return m.onAuthorized(msg)
	case callbackMsg:
		if msg.gen != m.authGen || (m.step != stepWaiting && m.step != stepAuthorize && m.step != stepTimedOut) {
			return m, nil
		}
		if msg.res.Err != nil {
			m.denied = msg.res.Err
			return m, tea.Batch(m.endAuthorization(), m.goTo(stepDenied))
		}
		return m.gotCode(msg.res.Code, m.auth.CallbackURL)
	case browserMsg:
		if msg.err != nil {
			m.notice = "Could not open a browser: " + msg.err.Error() + "."
			if m.opts.Sandbox {
				m.notice += " Press a to approve here."
			} else {
				m.notice += " c copies the URL; p pastes the redirect."
			}
		}
		return m, nil
	case copiedMsg:
		m.notice = "URL copied to the clipboard (OSC 52)."
		if msg.err != nil {
			m.notice = "Could not copy: " + msg.err.Error()
		}
		return m, nil
	case approvedMsg:
		if msg.err != nil {
			m.notice = "Approving in the sandbox failed: " + msg.err.Error()
		}
		return m, nil
	case createdMsg:
		return m.onCreated(msg)
	case nameTakenMsg:
		m.nameTaken = msg.taken && msg.name == trim(m.name)
		return m, nil
	case recoveredMsg:
		if msg.err != nil {
			m.notice = "Recovery failed: " + msg.err.Error()
		} else {
			m.recovered = msg.what
		}
		return m, nil
	}

	if m.form != nil && m.stepHasForm() {
		return m.updateForm(msg)
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		return m.onKey(k)
	}
	return m, nil
}

func (m *Model) stepHasForm() bool {
	switch m.step {
	case stepCredentials:
		return m.editing
	case stepPaste, stepDetails, stepMissingConfig:
		return true
	default: // the other steps do nothing here
	}
	return false
}

// quit leaves at once, except while creating: then the save finishes first.
func (m *Model) quit() (tea.Model, tea.Cmd) {
	if m.step == stepCreating {
		m.quitAfterSave = true
		return m, nil
	}
	closing := m.endAuthorization()
	m.quitting = true
	return m, tea.Sequence(closing, tea.Quit) // the listener is closed before the program ends
}

func (m *Model) onTick() (tea.Model, tea.Cmd) {
	if !m.step.animated() {
		m.ticking = false
		return m, nil
	}
	m.frame++
	if m.step == stepWaiting && m.timeLeft() <= 0 {
		m.ticking = false
		return m, m.goTo(stepTimedOut)
	}
	return m, m.tick()
}

func (m *Model) onRemembered(c flow.Credentials) (tea.Model, tea.Cmd) {
	if m.step != stepCredentials {
		return m, nil
	}
	cur := flow.Credentials{UserSecret: flow.Secret(m.userSecret), OrgSecret: flow.Secret(m.orgSecret), ClientSecret: flow.Secret(m.clientSecret)}
	if !cur.FillSecrets(c) {
		return m, nil
	}
	m.userSecret, m.orgSecret, m.clientSecret = cur.UserSecret.Reveal(), cur.OrgSecret.Reveal(), cur.ClientSecret.Reveal()
	m.remember = true
	m.notice = "Secrets prefilled from the keychain."
	m.editing = !m.credentialsComplete()
	if m.editing {
		m.form = m.credentialsForm()
		return m, m.form.Init()
	}
	m.form = nil
	return m, nil
}

func (m *Model) startAuthorize() tea.Cmd {
	closing := m.endAuthorization()
	m.notice, m.credErr, m.credFields = "", nil, nil
	return tea.Batch(closing, m.goTo(stepFetching), authorize(m.svc, m.creds()))
}

func (m *Model) onAuthorized(msg authorizedMsg) (tea.Model, tea.Cmd) {
	if m.step != stepFetching {
		return m, closeAuthorization(msg.auth) // a late answer: nobody waits for it
	}
	if msg.err != nil {
		m.credErr = msg.err
		m.credFields = errorFields(msg.err)
		m.editing = true
		m.form = m.credentialsForm()
		return m, tea.Batch(m.goTo(stepCredentials), m.form.Init())
	}
	m.auth = msg.auth
	m.authGen++
	m.authCtx, m.authCancel = context.WithCancel(context.Background())
	m.denied = nil
	if m.auth.Done == nil {
		m.form = m.pasteForm()
		return m, tea.Batch(m.goTo(stepPaste), m.form.Init())
	}
	return m, tea.Batch(m.goTo(stepAuthorize), waitCallback(m.authCtx, m.auth.Done, m.authGen))
}

// errorFields maps an error to the credential fields it concerns.
func errorFields(err error) map[string]string {
	short := "see the message above"
	if e, ok := flow.AsAPIError(err); ok {
		switch {
		case e.Unauthorized():
			return map[string]string{titleUserSecret: "refused by the platform", titleOrgSecret: "refused by the platform"}
		case e.Status == 404: // not found: the connector key, or the base URL's path
			return map[string]string{titleConnector: "not found on this platform", titleBaseURL: "check the path too"}
		case strings.Contains(strings.ToLower(e.Message+e.ProviderMessage), "client"):
			return map[string]string{titleClientID: "refused by the provider", titleClientSecret: "refused by the provider"}
		}
		return map[string]string{titleBaseURL: short}
	}
	if errors.Is(err, flow.ErrListen) {
		return map[string]string{titleCallbackURL: "cannot listen here"}
	}
	return map[string]string{titleBaseURL: "cannot reach the platform"}
}

func (m *Model) gotCode(code flow.Secret, callbackURL string) (tea.Model, tea.Cmd) {
	m.code, m.callback = code, callbackURL
	closing := m.endAuthorization()
	m.notice = ""
	m.form = m.detailsForm()
	return m, tea.Batch(closing, m.goTo(stepDetails), m.form.Init())
}

func (m *Model) startCreate() tea.Cmd {
	m.createErr = nil
	return tea.Batch(m.goTo(stepCreating), create(m.svc, flow.CreateRequest{Creds: m.creds(), Instance: m.request(), Insecure: m.opts.Insecure, Remember: m.remember}))
}

func (m *Model) onCreated(msg createdMsg) (tea.Model, tea.Cmd) {
	if msg.err == nil {
		m.created = &msg.created
		m.finalNote = msg.note
		m.step = stepDone
		if m.quitAfterSave {
			m.quitting = true
			return m, tea.Quit
		}
		return m, nil
	}
	if m.quitAfterSave {
		m.createErr = msg.err
		m.quitting = true
		return m, tea.Quit
	}
	if e, ok := flow.AsAPIError(msg.err); ok && len(e.Missing) > 0 {
		if m.missing == nil {
			m.missing = map[string]*string{}
		}
		m.missingOrder = nil
		for _, k := range e.Missing {
			if _, ok := m.missing[k]; !ok {
				v := ""
				m.missing[k] = &v
			}
			m.missingOrder = append(m.missingOrder, k)
		}
		sort.Strings(m.missingOrder)
		m.createErr = msg.err
		m.form = m.missingForm()
		return m, tea.Batch(m.goTo(stepMissingConfig), m.form.Init())
	}
	m.createErr = msg.err
	return m, m.goTo(stepCreateError)
}

// updateForm forwards a message to the step's form and acts on its end.
func (m *Model) updateForm(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, m.keys.Back) {
		return m.back()
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	if _, ok := msg.(tea.KeyMsg); ok {
		// Re-measure: a validation error grows the group's footer, and huh
		// sizes its viewport only on a WindowSizeMsg.
		f, _ = m.form.Update(tea.WindowSizeMsg{Width: m.width, Height: m.height})
		m.form = f.(*huh.Form)
	}
	if m.form.State != huh.StateCompleted {
		if m.form.State == huh.StateAborted {
			return m.quit()
		}
		return m, cmd
	}
	switch m.step {
	case stepCredentials:
		m.editing = false
		m.form = nil
		return m, m.startAuthorize()
	case stepPaste:
		p, err := flow.ParsePasted(m.pasteInput, m.auth.State)
		var denied *flow.AuthError
		if errors.As(err, &denied) {
			m.denied = denied
			return m, tea.Batch(m.endAuthorization(), m.goTo(stepDenied))
		}
		if err != nil { // the field's validation makes this rare
			m.notice = err.Error()
			m.form = m.pasteForm()
			return m, m.form.Init()
		}
		if !p.StateChecked {
			m.finalNote = "A bare code was pasted: its state could not be checked."
		}
		return m.gotCode(p.Code, m.auth.CallbackURL)
	case stepDetails:
		m.form = nil
		m.showCurl, m.nameTaken = false, false
		return m, tea.Batch(m.goTo(stepReview), checkName(m.svc, trim(m.name), m.creds().BaseURL))
	case stepMissingConfig:
		m.form = nil
		return m, m.startCreate()
	default: // the other steps do nothing here
	}
	return m, cmd
}

// back goes one step back where that makes sense.
func (m *Model) back() (tea.Model, tea.Cmd) {
	switch m.step {
	case stepCredentials:
		if m.editing && m.credentialsComplete() && m.credErr == nil {
			m.editing, m.form = false, nil
		}
		return m, nil
	case stepAuthorize, stepTimedOut, stepDenied:
		closing := m.endAuthorization()
		_, cmd := m.editCredentials()
		return m, tea.Batch(closing, cmd)
	case stepWaiting:
		return m, m.goTo(stepAuthorize)
	case stepPaste:
		if m.auth != nil && m.auth.Done != nil {
			m.form = nil
			return m, m.goTo(stepAuthorize)
		}
		closing := m.endAuthorization()
		_, cmd := m.editCredentials()
		return m, tea.Batch(closing, cmd)
	case stepDetails:
		return m.editCredentials()
	case stepReview:
		m.form = m.detailsForm()
		return m, tea.Batch(m.goTo(stepDetails), m.form.Init())
	case stepMissingConfig, stepCreateError:
		if errors.Is(m.createErr, flow.ErrAnswerLost) {
			return m, nil // the instance may exist: no going back
		}
		m.form = nil
		return m, m.goTo(stepReview)
	default: // the other steps do nothing here
	}
	return m, nil
}

func (m *Model) editCredentials() (tea.Model, tea.Cmd) {
	m.code = ""
	m.editing = true
	m.form = m.credentialsForm()
	return m, tea.Batch(m.goTo(stepCredentials), m.form.Init())
}

// onKey handles the keys of the steps without a form.
func (m *Model) onKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.Back) {
		return m.back()
	}
	switch m.step {
	case stepCredentials: // the prefilled summary
		switch {
		case key.Matches(k, m.keys.Continue):
			return m, m.startAuthorize()
		case key.Matches(k, m.keys.Edit):
			return m.editCredentials()
		}
	case stepAuthorize, stepWaiting, stepTimedOut:
		return m.onAuthorizeKey(k)
	case stepDenied:
		if key.Matches(k, m.keys.Retry) {
			return m, m.startAuthorize()
		}
	case stepReview:
		switch {
		case key.Matches(k, m.keys.Create):
			return m, m.startCreate()
		case key.Matches(k, m.keys.Curl):
			m.showCurl = !m.showCurl
		}
	case stepCreateError:
		switch {
		case m.recovered != "" && key.Matches(k, m.keys.Exit):
			m.quitting = true
			return m, tea.Quit
		case m.recovered != "":
		case errors.Is(m.createErr, flow.ErrAnswerLost) && key.Matches(k, m.keys.Recover):
			return m, recoverNow(m.svc, m.creds())
		case key.Matches(k, m.keys.Retry) && !errors.Is(m.createErr, flow.ErrAnswerLost):
			return m, m.startCreate()
		}
	case stepDone:
		if key.Matches(k, m.keys.Exit) {
			m.quitting = true
			return m, tea.Quit
		}
	default: // the other steps do nothing here
	}
	return m, nil
}

func (m *Model) onAuthorizeKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if m.auth == nil {
		return m, nil
	}
	switch {
	case m.step == stepTimedOut && key.Matches(k, m.keys.Retry):
		return m, m.startAuthorize()
	case key.Matches(k, m.keys.Copy):
		return m, copyURL(m.svc, m.auth.URL)
	case key.Matches(k, m.keys.Paste):
		m.notice = ""
		m.form = m.pasteForm()
		return m, tea.Batch(m.goTo(stepPaste), m.form.Init())
	case m.step == stepTimedOut:
		return m, nil
	case key.Matches(k, m.keys.Open) && m.opts.Sandbox, key.Matches(k, m.keys.Approve) && m.opts.Sandbox:
		m.notice = "Approving in the sandbox…"
		return m, tea.Batch(m.startWaiting(), approve(m.svc, m.auth.URL))
	case key.Matches(k, m.keys.Open), m.opts.Sandbox && k.String() == "o":
		return m, tea.Batch(m.startWaiting(), openBrowser(m.svc, m.auth.URL))
	}
	return m, nil
}

func (m *Model) startWaiting() tea.Cmd {
	if m.step == stepAuthorize {
		m.deadline = m.opts.Now().Add(m.opts.Wait)
	}
	return m.goTo(stepWaiting)
}
