package cli

import (
	"cmp"
	"fmt"
	"io"
	"os"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/ui"
	"github.com/connectwiz/connectwiz/ui/prompts"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// wizardOptions are the wizard's options for a create.
func wizardOptions(f *Factory, s *flow.Session, o *CreateOptions, in createInput) wizard.Options {
	return wizard.Options{
		Creds:        in.creds,
		Sandbox:      s.Sandbox,
		Insecure:     o.Insecure,
		Remember:     o.Remember && s.CanRemember(),
		Wait:         o.Timeout,
		Name:         in.nameOr(s),
		Tags:         in.tags,
		Extra:        in.extra,
		TokenCommand: tokenCommand(f, s.Sandbox),
	}
}

// runWizard runs the full-screen wizard and reports how it ended.
func runWizard(f *Factory, s *flow.Session, o *CreateOptions, in createInput) error {
	recoverPending(o.Ctx, f, s, in.creds, false)
	m := ui.New(s, wizardOptions(f, s, o, in))
	p := tea.NewProgram(m, tea.WithInput(o.IO.In), tea.WithOutput(o.IO.Out), tea.WithoutSignalHandler(),
		// The renderer checks for a new frame 60 times a second. That is most
		// of what an idle wait costs (~1 % of a core on the benchmark VM), but
		// fewer checks delay the first frame by up to one period; see
		// BENCHMARKS.md for the trade-off measured.
		tea.WithFPS(60))
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-o.Ctx.Done():
			p.Send(ui.SignalMsg{})
		case <-stop:
		}
	}()
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("the wizard failed: %w", err)
	}
	return reportOutcome(f, o, m.Outcome())
}

// reportOutcome reports how the wizard ended: from its typed outcome,
// never guessed.
func reportOutcome(f *Factory, o *CreateOptions, out wizard.Outcome) error {
	switch out.Kind {
	case wizard.Created:
		return reportCreated(f, o, *out.Created, out.Note)
	case wizard.Recovered:
		found := false
		for _, r := range out.Recovered {
			if r.Found {
				found = true
				fmt.Fprintf(f.IO.Out, "The create's answer was lost, but the instance was found: %s.\n", r)
			} else {
				fmt.Fprintf(f.IO.Out, "The create's answer was lost: %s.\n", r)
			}
		}
		if found {
			return nil
		}
		// Nothing found is no success (the wizard reports it as Aborted).
		return cmp.Or(out.Err, wizard.ErrNothingCreated)
	default:
	}
	if out.Err != nil {
		return out.Err
	}
	return errInterrupted
}

// runAccessible runs the wizard as plain line prompts, for screen readers,
// and reports how it ended as runWizard does. A signal ends the prompts at
// once, even one waiting for a line (a create in flight finishes first),
// and the terminal is left as it was, even by a secret's prompt without
// echo.
func runAccessible(f *Factory, s *flow.Session, o *CreateOptions, in createInput) error {
	recoverPending(o.Ctx, f, s, in.creds, false)
	defer keepTerminalState(o.IO.In)()
	return reportOutcome(f, o, prompts.Run(o.Ctx, s, o.IO.In, o.IO.ErrOut, wizardOptions(f, s, o, in)))
}

// keepTerminalState returns a func that restores the state of in, when it
// is a terminal.
func keepTerminalState(in io.Reader) func() {
	if t, ok := in.(*os.File); ok && term.IsTerminal(t.Fd()) {
		if st, err := term.GetState(t.Fd()); err == nil {
			return func() { _ = term.Restore(t.Fd(), st) }
		}
	}
	return func() {}
}
