package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// Picking among candidates: a create's answer was lost and several
// instances on the platform may each be its own (*flow.UnsettledError, or
// a flow.Recovered with Candidates). The user picks one (stepPickCandidate),
// whose token is then stored (stepAdopting), or none: the pending record
// is kept for 'connectwiz recover'.

func init() {
	define(stepPickCandidate, stepInfo{ // no going back: one of them may be the create's
		name: "pick a candidate", phase: 5, form: true,
		done: (*Model).pickDone, quit: (*Model).leavePick, view: (*Model).pickIntro, help: (*Model).pickHelp,
	})
	define(stepAdopting, stepInfo{
		name: "adopting", phase: 5, tick: (*Model).tick,
		quit: (*Model).adoptThenQuit, view: (*Model).adoptingView, help: (*Model).quitHelp,
	})
}

// nextPick opens the picker for the first recovered record that has
// candidates; when none has, the recovery is shown.
func (m *Model) nextPick() tea.Cmd {
	if cands, ok := m.res.NextCandidates(); ok {
		return m.startPick(cands)
	}
	return m.goTo(stepRecovered)
}

// startPick opens the picker on cands.
func (m *Model) startPick(cands []platform.Instance) tea.Cmd {
	m.candidates, m.pick = cands, cands[0].ID // the first one is focused, not "none"
	opts := make([]huh.Option[platform.ID], 0, len(cands)+1)
	for _, c := range cands {
		opts = append(opts, huh.NewOption(wizard.CandidateLabel(c), c.ID))
	}
	opts = append(opts, huh.NewOption(wizard.SayNone, platform.ID("")))
	// Value before Options: Options focuses the option of the value it
	// holds, and its scroll stays there.
	m.form = m.newForm(huh.NewGroup(huh.NewSelect[platform.ID]().
		Title(wizard.SayWhich).Value(&m.pick).Options(opts...)))
	return tea.Batch(m.goTo(stepPickCandidate), m.form.Init())
}

// pickDone adopts the instance picked, or quits keeping the record.
func (m *Model) pickDone() (tea.Model, tea.Cmd) {
	m.form = nil
	if m.pick == "" {
		return m.leavePick()
	}
	m.notice = ""
	return m, tea.Batch(m.goTo(stepAdopting), adoptCandidate(m.svc, m.a.Creds(), m.pick))
}

// leavePick ends the run without choosing (none of these, ctrl+c): the
// record is kept, and the outcome says how to settle it later.
func (m *Model) leavePick() (tea.Model, tea.Cmd) {
	m.res.LeaveCandidates()
	return m.end()
}

// adoptThenQuit: quitting while the token is stored waits for the save.
func (m *Model) adoptThenQuit() (tea.Model, tea.Cmd) {
	m.pickQuit = true
	return m, nil
}

func (m *Model) onAdopted(msg adoptedMsg) (tea.Model, tea.Cmd) {
	if msg.err != nil {
		m.notice = "Could not store that instance's token: " + msg.err.Error()
		if m.pickQuit {
			return m.leavePick()
		}
		return m, m.startPick(m.candidates)
	}
	m.res.Adopted(msg.rec)
	if m.pickQuit {
		m.step = stepQuit
		return m, tea.Quit
	}
	return m, m.nextPick()
}

// Views.

func (m *Model) pickIntro() string {
	return m.st.Warn.Render(m.wrap(wizard.SayCandidates(len(m.candidates)))) + "\n\n" +
		m.wrap("Choose yours: its token is then stored. Or choose none: the pending record is kept, "+wizard.LaterHint+".") + "\n\n"
}

func (m *Model) adoptingView() string {
	return m.working("Storing the token of instance " + m.st.KeyHint.Render(string(m.pick)) + "…")
}

func (m *Model) pickHelp() []key.Binding { return append(m.form.KeyBinds(), m.keys.Quit) }
