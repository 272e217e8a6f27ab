package ui

import (
	"errors"
	"fmt"
	"io"
	"sync/atomic"

	"github.com/charmbracelet/huh"
	"github.com/charmbracelet/x/term"
)

// The accessible mode's prompts: one line each, read through huh's
// accessible fields.

// ask asks one line. A current value is shown (a secret's never) and kept
// on an empty answer; a secret is read without echo from a terminal.
func (a *accessible) ask(title, current string, secret bool, validate func(string) error) string {
	value, name := current, title
	in := huh.NewInput().Value(&value).Validate(func(s string) error {
		if trim(s) == "" {
			s = current
		}
		if err := validate(s); err != nil {
			return fmt.Errorf("✗ %s: %w; answer again", name, err)
		}
		return nil
	})
	switch {
	case secret && current != "":
		title += " (Enter keeps the one given)"
	case current != "":
		title += " [" + current + "]"
	}
	in.Title(title + ":")
	r := io.Reader(a.in)
	if secret && a.tty {
		in.EchoMode(huh.EchoModePassword)
		r = a.raw // the terminal reads it without echo; the line reader holds nothing back
	}
	done := make(chan string, 1)
	if !a.prompt(in, r, func() { done <- value }) {
		return current
	}
	return trim(orDefault(<-done, current))
}

// confirm asks a yes/no question; no after an error.
func (a *accessible) confirm(title string, def bool) bool {
	value := def
	done := make(chan bool, 1)
	return a.prompt(huh.NewConfirm().Title(title).Value(&value), a.in, func() { done <- value }) && <-done
}

// prompt runs a field in huh's accessible mode, then got, and reports
// whether it was answered. It returns at once when ctx ends, leaving the
// field blocked on its read (its value unread), and fails at the input's end.
func (a *accessible) prompt(f huh.Field, r io.Reader, got func()) bool {
	if a.err != nil {
		return false
	}
	f.Focus()
	before := a.in.dry.Load()
	errc := make(chan error, 1)
	go func() {
		err := f.RunAccessible(a.out, r)
		got()
		errc <- err
	}()
	select {
	case err := <-errc:
		if !a.tty {
			fmt.Fprintln(a.out) // a terminal echoes the answer's line end; a pipe does not
		}
		switch {
		case errors.Is(err, io.EOF), err == nil && a.in.dry.Load() > before:
			a.fail(ErrInputEnded)
		case err != nil:
			a.fail(fmt.Errorf("reading the answer: %w", err))
		}
	case <-a.ctx.Done():
		fmt.Fprintln(a.out) // the report starts on a line of its own
		a.fail(a.ctx.Err())
	}
	return a.err == nil
}

// lineReader hands over a line at most per Read, reading a byte at a time:
// each huh prompt reads through a new bufio.Scanner, which would swallow
// lines typed ahead. It counts the reads that met the input's end, which
// huh's prompts take for an answer.
type lineReader struct {
	r   io.Reader
	dry atomic.Int32
}

// Read implements io.Reader.
func (l *lineReader) Read(p []byte) (n int, err error) {
	for k := 0; n < len(p) && err == nil && (n == 0 || p[n-1] != '\n'); n += k {
		k, err = l.r.Read(p[n : n+1])
	}
	if n == 0 && err != nil {
		l.dry.Add(1)
	}
	return n, err
}

func isTerminal(r io.Reader) bool {
	f, ok := r.(interface{ Fd() uintptr })
	return ok && term.IsTerminal(f.Fd())
}
