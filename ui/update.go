package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
)

// Update implements tea.Model. It only dispatches: a Cmd's message to the
// phase that sent the Cmd, a key to the current step. The step's form is
// then fitted to the room left for it.
func (m *Model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	next, cmd := m.update(msg)
	cmd = tea.Batch(cmd, m.fitForm())
	m.callbackSeen.Store(m.a.CallbackURL) // before the Cmds run
	return next, cmd
}

func (m *Model) update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		return m.resize(msg)
	case tea.KeyMsg:
		if key.Matches(msg, m.keys.Quit) {
			return m.quit()
		}
		if m.tooSmall() {
			return m, nil // the screen is hidden: no key acts unseen
		}
	case SignalMsg:
		// A signal (SIGINT, SIGTERM, SIGHUP) asks to stop: same as ctrl+c.
		return m.quit()
	case tickMsg:
		return m.onTick()
	case rememberedMsg:
		return m.onRemembered(msg)
	case authorizedMsg:
		return m.onAuthorized(msg)
	case callbackMsg:
		return m.onCallback(msg)
	case refusalMsg:
		return m.onRefusal(msg)
	case browserMsg:
		return m.onBrowser(msg)
	case copiedMsg:
		return m.onCopied(msg)
	case approvedMsg:
		return m.onApproved(msg)
	case nameTakenMsg:
		return m.onNameTaken(msg)
	case createdMsg:
		return m.onCreated(msg)
	case recoveredMsg:
		return m.onRecovered(msg)
	case adoptedMsg:
		return m.onAdopted(msg)
	}

	if m.form != nil && steps[m.step].form {
		return m.updateForm(msg)
	}
	if k, ok := msg.(tea.KeyMsg); ok {
		return m.onKey(k)
	}
	return m, nil
}

// resize takes the window's new size. After a change (not on the first
// size), the screen is cleared and the frame drawn afresh: narrowing the
// window makes the terminal reflow the last frame's lines, so the
// renderer's cursor no longer goes back up to the frame's top and a stale
// copy of its first lines would stay above it. The clear also wipes what
// was printed above the view, so that is printed again.
func (m *Model) resize(msg tea.WindowSizeMsg) (tea.Model, tea.Cmd) {
	if msg.Width <= 0 || msg.Height <= 0 {
		return m, nil // size unknown: keep the last one
	}
	// Only a narrower window needs the screen cleared: the terminal
	// reflows the old frame's lines into more rows than Bubble Tea v1's
	// renderer erases, leaving pieces of it behind. Clearing (ED 2) is the
	// one way v1 offers, and tmux (scroll-on-clear) and most terminals keep
	// the cleared frame in their scrollback: so it is done for a narrower
	// window only, the least v1 allows. A wider or taller window is
	// repainted in place by the renderer, the text printed above intact.
	narrower := m.sized && msg.Width < m.width
	m.sized = true
	m.width, m.height = msg.Width, msg.Height
	m.scrollY = 0
	var cmds []tea.Cmd
	if m.form != nil {
		f, cmd := m.form.WithWidth(m.contentWidth()).Update(msg)
		m.form = f.(*huh.Form)
		cmds = append(cmds, cmd)
	}
	if narrower {
		cmds = append(cmds, tea.Sequence(tea.ClearScreen, m.reprint()))
	}
	return m, tea.Batch(cmds...)
}

// onTick turns the animation's frame and lets the step act on the tick;
// a step that is not animated (any more) lets the tick stop.
func (m *Model) onTick() (tea.Model, tea.Cmd) {
	tick := steps[m.step].tick
	if tick == nil {
		m.ticking = false
		return m, nil
	}
	m.frame++
	return m, tick(m)
}

// updateForm forwards a message to the step's form and acts on its end.
func (m *Model) updateForm(msg tea.Msg) (tea.Model, tea.Cmd) {
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, m.keys.Back) {
		return m.back()
	}
	f, cmd := m.form.Update(msg)
	m.form = f.(*huh.Form)
	// Update then re-measures it (fitForm): a validation error grows the
	// group's footer, and huh sizes its viewport only on a WindowSizeMsg.
	switch m.form.State {
	case huh.StateAborted:
		return m.quit()
	case huh.StateCompleted:
		if done := steps[m.step].done; done != nil {
			return done(m)
		}
	default: // still filling in
	}
	return m, cmd
}

// onKey handles the keys of the steps without a form: esc, scrolling,
// then the step's own.
func (m *Model) onKey(k tea.KeyMsg) (tea.Model, tea.Cmd) {
	if key.Matches(k, m.keys.Back) {
		return m.back()
	}
	if m.scrollKey(k) {
		return m, nil
	}
	if handle := steps[m.step].key; handle != nil {
		return handle(m, k)
	}
	return m, nil // the step takes no keys but quit
}

// back goes one step back where that makes sense.
func (m *Model) back() (tea.Model, tea.Cmd) {
	if back := steps[m.step].back; back != nil {
		return back(m)
	}
	return m, nil
}
