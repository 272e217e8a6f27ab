package ui

import (
	"fmt"
	"slices"
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/lipgloss"
)

// Fitting the window: a body taller than the room left by the header and
// the help line scrolls in a viewport (keys pgup/pgdown/up/down, on the
// steps without a form); a step's form is sized to the room, so that huh
// scrolls it itself and its validation errors stay in sight; the help line
// drops its least important keys until it fits.

// bodyRoom is the number of lines the body may take: the window less the
// header, the help line, the blank lines between them and one spare line.
func (m *Model) bodyRoom() int { return max(3, m.height-5) }

// scrollKeys are the viewport's keys: only these, since the steps use
// letters (b, d, f, u, j, k would clash).
func scrollKeys() viewport.KeyMap {
	none := key.NewBinding(key.WithDisabled())
	return viewport.KeyMap{
		PageDown:     key.NewBinding(key.WithKeys("pgdown")),
		PageUp:       key.NewBinding(key.WithKeys("pgup")),
		Down:         key.NewBinding(key.WithKeys("down")),
		Up:           key.NewBinding(key.WithKeys("up")),
		HalfPageUp:   none,
		HalfPageDown: none,
		Left:         none,
		Right:        none,
	}
}

// viewport is the body in a viewport at the current scroll offset, the
// last line kept for the scroll hint; over says the body does not fit.
func (m *Model) viewport(body string) (vp viewport.Model, over bool) {
	room := m.bodyRoom()
	vp = viewport.New(m.contentWidth(), room-1)
	vp.KeyMap = scrollKeys()
	vp.SetContent(body)
	vp.SetYOffset(m.scrollY)
	return vp, lipgloss.Height(body) > room
}

// overflows says the current body does not fit the window.
func (m *Model) overflows() bool {
	return lipgloss.Height(m.fullBody()) > m.bodyRoom()
}

// scrollView is the body as it fits the window: whole, or the part the
// scroll offset shows and a line saying what is hidden.
func (m *Model) scrollView() string {
	body := m.fullBody()
	vp, over := m.viewport(body)
	if !over {
		return body
	}
	above := vp.YOffset
	below := vp.TotalLineCount() - vp.YOffset - vp.VisibleLineCount()
	var hint string
	switch {
	case above > 0 && below > 0:
		hint = fmt.Sprintf("… %s above, %d below (↑/↓, pgup/pgdn)", nLines(above), below)
	case below > 0:
		hint = fmt.Sprintf("… %s more below (↓, pgdn)", nLines(below))
	default:
		hint = fmt.Sprintf("… %s above (↑, pgup)", nLines(above))
	}
	return vp.View() + "\n" + m.st.Muted.Render(hint)
}

func nLines(n int) string {
	if n == 1 {
		return "1 line"
	}
	return fmt.Sprintf("%d lines", n)
}

// scrollKey scrolls a body that does not fit; handled says k was a
// scrolling key.
func (m *Model) scrollKey(k tea.KeyMsg) (handled bool) {
	keys := scrollKeys()
	if !key.Matches(k, keys.PageDown, keys.PageUp, keys.Down, keys.Up) {
		return false
	}
	vp, over := m.viewport(m.fullBody())
	if !over {
		m.scrollY = 0
		return true
	}
	vp, _ = vp.Update(k)
	m.scrollY = vp.YOffset
	return true
}

// fitForm sizes the step's form to the room the body leaves it, so that
// the focused field and the validation errors below it stay in sight. The
// form's Cmds are returned: its fields compute their dynamic descriptions
// in them.
func (m *Model) fitForm() tea.Cmd {
	if m.form == nil || !steps[m.step].form {
		return nil
	}
	other := strings.Count(m.stepView(), "\n")
	if m.notice != "" {
		other += 1 + lipgloss.Height(m.wrap(m.notice))
	}
	room := m.bodyRoom() - other
	h := room
	var cmds []tea.Cmd
	for range 2 { // the second pass corrects for the blank line above a group's errors
		f, cmd := m.form.Update(tea.WindowSizeMsg{Width: m.width, Height: max(h, 4)})
		m.form = f.(*huh.Form)
		cmds = append(cmds, cmd)
		excess := lipgloss.Height(m.form.View()) - room
		if excess <= 0 {
			break
		}
		h -= excess
	}
	return tea.Batch(cmds...)
}

// helpView is the help line, fitted to the width.
func (m *Model) helpView() string {
	bs := m.bindings()
	if len(bs) == 0 {
		return ""
	}
	if !steps[m.step].form && m.overflows() {
		scroll := key.NewBinding(key.WithKeys("up", "down", "pgup", "pgdown"), key.WithHelp("↑/↓", "scroll"))
		i := len(bs)
		for i > 0 && essential(bs[i-1]) {
			i--
		}
		bs = slices.Insert(slices.Clone(bs), i, scroll)
	}
	return fitHelp(m.help, bs, m.contentWidth())
}

// fitHelp drops bindings until the help line fits width: the last of the
// ordinary keys first, then the scroll hint; never esc and ctrl+c.
func fitHelp(h help.Model, bs []key.Binding, width int) string {
	for {
		s := h.ShortHelpView(bs)
		if lipgloss.Width(s) <= width {
			return s
		}
		drop := -1
		for i := len(bs) - 1; i >= 0; i-- {
			if essential(bs[i]) {
				continue
			}
			if drop < 0 || isScroll(bs[drop]) {
				drop = i
			}
			if !isScroll(bs[i]) {
				break
			}
		}
		if drop < 0 {
			return s
		}
		bs = slices.Delete(slices.Clone(bs), drop, drop+1)
	}
}

// essential bindings are never dropped from the help line.
func essential(b key.Binding) bool {
	k := b.Help().Key
	return k == "esc" || k == "ctrl+c"
}

func isScroll(b key.Binding) bool { return b.Help().Desc == "scroll" }
