package ui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/ui/wizard"
)

// The details phase: the details form (stepDetails), the review of the
// request (stepReview) and the same request as curl (stepCurl).

func init() {
	define(stepDetails, stepInfo{
		name: "details", phase: 3, form: true,
		done: (*Model).detailsDone, back: (*Model).detailsBack, help: (*Model).formHelp,
	})
	define(stepReview, stepInfo{
		name: "review", phase: 4,
		key: (*Model).reviewKey, back: (*Model).reviewBack,
		view: (*Model).reviewView, help: (*Model).reviewHelp,
	})
	define(stepCurl, stepInfo{
		name: "review as curl", phase: 4,
		key: (*Model).curlKey, back: (*Model).reviewBack, printed: (*Model).printCurl,
		view: (*Model).curlView, help: (*Model).reviewHelp,
	})
}

func (m *Model) detailsForm() *huh.Form {
	return m.newForm(huh.NewGroup(
		huh.NewInput().Title(wizard.TitleName).Value(&m.a.Name).Validate(wizard.ValidName).
			Description("Unique on this machine for this platform."),
		huh.NewText().Title(wizard.TitleTags).Value(&m.a.Tags).Lines(2).ExternalEditor(false).Validate(wizard.ValidTags).
			Description("Comma-separated (optional); enter moves on, alt+enter starts a line."),
		huh.NewText().Title(wizard.TitleExtra).Value(&m.a.Extra).Lines(2).ExternalEditor(false).Validate(wizard.ValidExtra).
			Description("KEY=VALUE (optional); alt+enter starts the next, enter moves on."),
	).Title("Instance"))
}

// Handlers.

// detailsDone moves on to the review and checks the name meanwhile: no
// create starts before the check has answered.
func (m *Model) detailsDone() (tea.Model, tea.Cmd) {
	m.form = nil
	m.nameChecked, m.nameTaken, m.createHeld, m.replace = false, false, false, false
	return m, tea.Batch(m.goTo(stepReview), checkName(m.svc, trim(m.a.Name), m.a.Creds().BaseURL))
}

// onNameTaken takes the name check's answer for the name under review (an
// answer for another name is dropped). An Enter held while the check was
// out creates now if the name is free; if it is taken, the user chooses.
func (m *Model) onNameTaken(msg nameTakenMsg) (tea.Model, tea.Cmd) {
	if msg.name != trim(m.a.Name) || m.nameChecked {
		return m, nil
	}
	m.nameChecked, m.nameTaken, m.freeName = true, msg.taken, msg.free
	held := m.createHeld && (m.step == stepReview || m.step == stepCurl)
	m.createHeld = false
	if held && !m.nameTaken {
		return m, m.startCreate()
	}
	return m, nil
}

// reviewKey handles the keys of the review: v shows it as curl, the rest
// creates (createKey).
func (m *Model) reviewKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.Curl) {
		return m, tea.Batch(m.goTo(stepCurl), m.printCurl())
	}
	return m.createKey(k)
}

// curlKey handles the keys of the review as curl: v goes back to the
// review, the rest creates (createKey).
func (m *Model) curlKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.Curl) {
		return m, m.goTo(stepReview)
	}
	return m.createKey(k)
}

// createKey handles the create keys of the review and curl steps. Until
// the name check has answered, Enter is held (see onNameTaken) and R does
// nothing.
func (m *Model) createKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	switch {
	case !m.nameChecked && key.Matches(k, m.keys.Create):
		m.createHeld = true
		return m, nil
	case !m.nameChecked && key.Matches(k, m.keys.Replace):
		return m, nil
	case key.Matches(k, m.keys.Create) && m.nameTaken:
		// The default keeps both: the new instance takes the free name.
		m.a.Name, m.nameTaken = m.freeName, false
		return m, m.startCreate()
	case key.Matches(k, m.keys.Replace) && m.nameTaken:
		m.replace = true // the user chose to: the store replaces that entry
		return m, m.startCreate()
	case key.Matches(k, m.keys.Create):
		return m, m.startCreate()
	}
	return m, nil
}

// detailsBack returns from the details to the authorize step (the code
// is kept until the user authorizes again).
func (m *Model) detailsBack() (tea.Model, tea.Cmd) {
	m.createHeld = false
	m.form = nil
	return m, m.goTo(stepAuthorize)
}

// reviewBack returns from the review to the details form.
func (m *Model) reviewBack() (tea.Model, tea.Cmd) {
	m.createHeld = false
	m.form = m.detailsForm()
	return m, tea.Batch(m.goTo(stepDetails), m.form.Init())
}

// Views.

func (m *Model) reviewView() string {
	var b strings.Builder
	b.WriteString(m.wrap(wizard.SayReview) + "\n\n")
	b.WriteString(m.rows(m.a.Review()))
	if !m.nameChecked {
		b.WriteString("\n\n" + m.st.Muted.Render(m.wrap("Checking the name… Enter creates once it is known to be free.")))
	}
	if m.nameTaken {
		b.WriteString("\n\n" + m.st.Warn.Render(m.wrap(fmt.Sprintf("An instance named %q already exists on this machine for this platform. Enter creates this one as %q and keeps both; R replaces the local entry (its token is removed, the old instance stays on the platform). Esc to choose another name.", trim(m.a.Name), m.freeName))))
	}
	return b.String()
}

// curlView: the command itself is printed above the view (print.go), its
// lines unbroken and without a margin, so that it runs when pasted.
func (m *Model) curlView() string {
	return m.wrap("The same request as a curl command is printed above this screen, ready to paste into a shell. "+wizard.CurlSecretsNote(m.a.Request())) + "\n\n" +
		m.st.Muted.Render(m.wrap("v goes back to the review; enter sends the request from here."))
}

// reviewHelp: Enter is held until the name check answers; a taken name
// offers keeping both or replacing.
func (m *Model) reviewHelp() []key.Binding {
	k := m.keys
	if !m.nameChecked {
		return []key.Binding{k.Back, k.Curl, k.Quit}
	}
	if m.nameTaken {
		keep := key.NewBinding(key.WithKeys("enter"), key.WithHelp("enter", "keep both"))
		return []key.Binding{keep, k.Replace, k.Back, k.Curl, k.Quit}
	}
	return []key.Binding{k.Create, k.Back, k.Curl, k.Quit}
}
