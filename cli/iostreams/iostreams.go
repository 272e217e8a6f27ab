// Package iostreams holds a command's standard streams, whether they are
// terminals and how wide, and the aligned columns list and status print.
package iostreams

import (
	"io"
	"os"
	"strings"

	"github.com/charmbracelet/x/term"
	"github.com/xo/terminfo"
)

// IOStreams are a command's standard streams and whether they are
// terminals. Commands never touch os.Stdin/os.Stdout themselves; tests
// hand them fakes (see Test).
type IOStreams struct {
	In     io.Reader
	Out    io.Writer
	ErrOut io.Writer

	stdinTTY, stdoutTTY bool
	// width asks the terminal's width; nil is 80 columns.
	width func() int
}

// System returns the process's own streams.
func System() *IOStreams {
	return &IOStreams{
		In: os.Stdin, Out: os.Stdout, ErrOut: os.Stderr,
		stdinTTY:  term.IsTerminal(os.Stdin.Fd()),
		stdoutTTY: term.IsTerminal(os.Stdout.Fd()),
		width: func() int {
			w, _, err := term.GetSize(os.Stdout.Fd())
			if err != nil {
				return 0
			}
			return w
		},
	}
}

// Test returns streams of the given reader and writers, none a terminal;
// SetTTY makes them pretend.
func Test(in io.Reader, out, errOut io.Writer) *IOStreams {
	return &IOStreams{In: in, Out: out, ErrOut: errOut}
}

// SetTTY sets whether stdin and stdout count as terminals.
func (s *IOStreams) SetTTY(stdin, stdout bool) { s.stdinTTY, s.stdoutTTY = stdin, stdout }

// IsStdinTTY reports whether stdin is a terminal.
func (s *IOStreams) IsStdinTTY() bool { return s.stdinTTY }

// IsStdoutTTY reports whether stdout is a terminal.
func (s *IOStreams) IsStdoutTTY() bool { return s.stdoutTTY }

// CanPrompt reports whether a full-screen wizard or prompts can run.
func (s *IOStreams) CanPrompt() bool { return s.stdinTTY && s.stdoutTTY }

// DefaultWidth is the width assumed when the terminal does not say.
const DefaultWidth = 80

// TerminalWidth is stdout's width in columns when it is a terminal that
// says, DefaultWidth otherwise.
func (s *IOStreams) TerminalWidth() int {
	if s.width != nil {
		if w := s.width(); w > 0 {
			return w
		}
	}
	return DefaultWidth
}

// SetWidth sets the width TerminalWidth reports (for tests).
func (s *IOStreams) SetWidth(w int) { s.width = func() int { return w } }

// NoCursorAddressing reports whether a terminal of type term cannot move
// its cursor (TERM=dumb, as in Emacs' shell, or a terminfo entry without
// cup): a full-screen wizard would print garbage there, so it gets the
// line prompts, as gh and huh do.
func NoCursorAddressing(term string) bool {
	if term == "dumb" {
		return true
	}
	if term == "" {
		return false // unknown: Windows consoles set no TERM
	}
	for _, known := range []string{"xterm", "screen", "tmux", "rxvt", "linux", "vt1", "vt2", "alacritty", "kitty", "wezterm", "foot", "konsole", "gnome", "st-", "putty"} {
		if strings.HasPrefix(term, known) {
			return false // a terminal that addresses the cursor: no terminfo lookup (a millisecond)
		}
	}
	ti, err := terminfo.Load(term)
	if err != nil {
		return false // no entry here: assume a capable terminal
	}
	return len(ti.Strings[terminfo.CursorAddress]) == 0
}
