package ui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/flow"
)

// Done (stepDone): the created instance, where its token is and the
// command that gets it back, drawn so that it runs as copied.

func init() {
	define(stepDone, stepInfo{
		name: "done", phase: 6, noNotice: true,
		key: (*Model).exitKey, view: (*Model).doneView, help: (*Model).exitHelp,
	})
}

func (m *Model) doneView() string {
	rep := m.res.Created.ReportFor(m.opts.TokenCommand, m.ambiguous)
	var b strings.Builder
	b.WriteString(m.st.Good.Render("✓ "+rep.Title) + "\n\n")
	if alarm := m.alarmNote(); alarm != "" {
		b.WriteString(alarm + "\n\n")
	}
	for _, r := range rep.Rows {
		b.WriteString(m.row(r.Label, r.Value) + "\n")
	}
	if rep.AnswerLost != "" {
		b.WriteString("\n" + m.st.Warn.Render(m.wrap(rep.AnswerLost)) + "\n")
	}
	if rep.Warning != "" {
		b.WriteString("\n" + m.st.Warn.Render(m.wrap("⚠ "+storageWarning(rep.Warning))) + "\n")
	}
	if rep.Renamed != "" {
		b.WriteString("\n" + m.st.Warn.Render(m.wrap(rep.Renamed)) + "\n")
	}
	if m.res.Note != "" {
		b.WriteString("\n" + m.st.Muted.Render(m.wrap(m.res.Note)) + "\n")
	}
	b.WriteString("\n" + rep.TokenHint + "\n" + m.command(rep.TokenCommand))
	return b.String()
}

// alarmNote is the alarm raised on the created instance's authorization
// (Service.Alarm when Done was entered), and how to remove the instance;
// empty when none was.
func (m *Model) alarmNote() string {
	var a *flow.AlarmError
	if !errors.As(m.doneAlarm, &a) {
		return ""
	}
	what := make([]string, len(a.Alarms))
	for i, e := range a.Alarms {
		what[i] = e.Error()
	}
	head := fmt.Sprintf("⚠ The instance %q may be bound to someone else's account: %s. If you did not cause this, remove it with:", a.Name, strings.Join(what, "; "))
	return m.st.Bad.Render(m.wrap(head)) + "\n" + m.command(a.RemoveCommand())
}

// command draws a shell command to be copied, indented; when it does not
// fit, it is broken so that it still runs as copied (wrapCommand): a cut
// one would name another instance.
func (m *Model) command(cmd string) string {
	return "  " + m.st.KeyHint.Render(strings.ReplaceAll(wrapCommand(cmd, m.contentWidth()-2), "\n", "\n  "))
}

// wrapCommand breaks a shell command into lines of at most width cells
// that still run when copied together: each broken line ends with a line
// continuation (" \\"). It breaks at the spaces between words (never
// inside a quoted name); a word too wide for a line is split with a bare
// "\\" (inside single quotes, closing and reopening them), which the shell
// joins back.
func wrapCommand(cmd string, width int) string {
	width = max(width, 8)
	words := shellWords(cmd)
	var lines []string
	line := ""
	for i, w := range words {
		limit := width - 2 // room for " \\"
		if i == len(words)-1 {
			limit = width
		}
		switch {
		case line == "":
			line = w
		case ansi.StringWidth(line)+1+ansi.StringWidth(w) <= limit:
			line += " " + w
		default:
			lines = append(lines, line+" \\")
			line = w
		}
		if ansi.StringWidth(line) > limit {
			pieces := splitWord(line, width-2)
			lines = append(lines, pieces[:len(pieces)-1]...)
			line = pieces[len(pieces)-1]
		}
	}
	return strings.Join(append(lines, line), "\n")
}

// shellScan follows a shell word's quoting, one rune at a time.
type shellScan struct{ quoted, escaped bool }

// next takes r; it reports whether r stands outside quotes and escapes.
func (s *shellScan) next(r rune) (bare bool) {
	switch {
	case s.escaped:
		s.escaped = false
	case s.quoted:
		s.quoted = r != '\''
	case r == '\\':
		s.escaped = true
	case r == '\'':
		s.quoted = true
	default:
		return true
	}
	return false
}

// shellWords splits a command at its spaces outside single quotes and
// backslash escapes.
func shellWords(cmd string) []string {
	var words []string
	var cur strings.Builder
	var scan shellScan
	for _, r := range cmd {
		if scan.next(r) && r == ' ' {
			if cur.Len() > 0 {
				words = append(words, cur.String())
				cur.Reset()
			}
			continue
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		words = append(words, cur.String())
	}
	return words
}

// splitWord cuts a word too wide for a line into pieces of at most width
// cells but the last, each ended by a "\\" the shell removes with the line
// break; inside single quotes the piece closes them first and the next
// piece reopens them. An escape (\\x) is never cut.
func splitWord(w string, width int) []string {
	var pieces []string
	var cur strings.Builder
	var scan shellScan
	for _, r := range w {
		if !scan.escaped && ansi.StringWidth(cur.String())+ansi.StringWidth(string(r)) > width-2 {
			end, reopen := "\\", ""
			if scan.quoted {
				end, reopen = "'\\", "'"
			}
			pieces = append(pieces, cur.String()+end)
			cur.Reset()
			cur.WriteString(reopen)
		}
		scan.next(r)
		cur.WriteRune(r)
	}
	return append(pieces, cur.String())
}
