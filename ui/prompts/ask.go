package prompts

import (
	"cmp"
	"errors"
	"fmt"
	"io"
	"strings"
)

// The accessible mode's prompts: one plain line each (no colours, no
// escape sequences a screen reader would stumble on), read through the
// run's one line reader, which the wait for the callback shares.

// say prints a line, unless the run has failed.
func (a *accessible) say(format string, args ...any) {
	if a.err == nil {
		fmt.Fprintf(a.out, format+"\n", args...)
	}
}

// ask asks one line until its answer is valid. A current value is shown
// (a secret's never) and kept on an empty answer; a secret is read without
// echo from a terminal (no bullets for a screen reader to spell out).
func (a *accessible) ask(title, current string, secret bool, validate func(string) error) string {
	prompt := title
	switch {
	case secret && current != "":
		prompt += " (Enter keeps the one given)"
	case current != "":
		prompt += " [" + current + "]"
	}
	for {
		line, ok := a.readLine(prompt+": ", secret)
		if !ok {
			return current
		}
		v := cmp.Or(strings.TrimSpace(line), current)
		if err := validate(v); err != nil {
			a.say("✗ %s: %v; answer again", title, err)
			continue
		}
		return v
	}
}

// confirm asks a yes/no question; no after an error.
func (a *accessible) confirm(title string, def bool) bool {
	yes, _ := a.choose(title, def, "", "")
	return yes
}

// choose asks a yes/no question that also takes the letter other (when
// not empty; hint says what it does): it reports yes, or that other was
// answered. No after an error.
func (a *accessible) choose(title string, def bool, other, hint string) (yes, chose bool) {
	opts := "[y/N]"
	if def {
		opts = "[Y/n]"
	}
	for {
		line, ok := a.readLine(strings.TrimSuffix(title+" "+opts+" "+hint, " ")+" ", false)
		switch answer := strings.ToLower(strings.TrimSpace(line)); {
		case !ok:
			return false, false
		case answer == "":
			return def, false
		case answer == "y" || answer == "yes":
			return true, false
		case answer == "n" || answer == "no":
			return false, false
		case other != "" && answer == other:
			return false, true
		}
		if other != "" {
			a.say("✗ Answer y, n or %s.", other)
		} else {
			a.say("✗ Answer y or n.")
		}
	}
}

// readLine prints the prompt and reads the answer, and reports whether
// there is one. It returns at once when ctx ends, and fails at the input's
// end.
func (a *accessible) readLine(prompt string, secret bool) (string, bool) {
	if a.err != nil {
		return "", false
	}
	fmt.Fprint(a.out, prompt)
	read := a.in.ReadLine
	if secret {
		read = a.in.ReadSecret
	}
	line, err := read(a.ctx)
	switch {
	case a.ctx.Err() != nil:
		fmt.Fprintln(a.out) // the report starts on a line of its own
		a.fail(a.ctx.Err())
	case errors.Is(err, io.EOF):
		fmt.Fprintln(a.out)
		a.fail(ErrInputEnded)
	case err != nil:
		a.fail(fmt.Errorf("reading the answer: %w", err))
	case !a.in.Terminal() || secret:
		fmt.Fprintln(a.out) // a terminal echoes the answer's line end, but not without echo; a pipe never
	}
	return line, a.err == nil
}
