// Package iostreams holds a command's standard streams, whether they are
// terminals and how wide, and the aligned columns list and status print.
package iostreams

import (
	"io"
	"os"

	"github.com/charmbracelet/x/term"
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
