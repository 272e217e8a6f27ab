// Package lines reads the lines a user types, for every prompt and wait of
// one run: the accessible prompts, a wait that takes a pasted redirect,
// headless mode's paste. One reader owns the input, so that a wait that
// ends (the browser came back first) leaves no read of its own behind to
// eat a later answer: the line it was reading goes to the next caller.
package lines

import (
	"bufio"
	"context"
	"io"
	"strings"
	"sync"

	"github.com/charmbracelet/x/term"
)

// MaxLine bounds a line (a pasted redirect URL is well below it); the rest
// of a longer line is dropped.
const MaxLine = 16 << 10

// Reader reads lines from one input, one read in flight at a time.
type Reader struct {
	br  *bufio.Reader
	fd  uintptr
	tty bool

	mu      sync.Mutex
	pending chan result // the read in flight, or its result not yet taken
	back    []string    // lines given back (Unread), the last first
}

type result struct {
	line string
	err  error
}

// New returns a Reader of in; it is the only reader of in from then on.
func New(in io.Reader) *Reader {
	r := &Reader{br: bufio.NewReaderSize(in, 4096)}
	if f, ok := in.(interface{ Fd() uintptr }); ok && term.IsTerminal(f.Fd()) {
		r.fd, r.tty = f.Fd(), true
	}
	return r
}

// Terminal reports whether the input is a terminal.
func (r *Reader) Terminal() bool { return r.tty }

// ReadLine returns the next line, without its line end; io.EOF once the
// input has ended (a last line without a line end is a line). When ctx ends
// first it returns ctx's error, and the line being read is kept for the
// next call.
func (r *Reader) ReadLine(ctx context.Context) (string, error) {
	r.mu.Lock()
	if n := len(r.back); n > 0 {
		line := r.back[n-1]
		r.back = r.back[:n-1]
		r.mu.Unlock()
		return line, nil
	}
	ch := r.pending
	if ch == nil {
		ch = make(chan result, 1)
		r.pending = ch
		go func() {
			line, err := r.read()
			ch <- result{line, err}
		}()
	}
	r.mu.Unlock()
	select {
	case res := <-ch:
		r.mu.Lock()
		if r.pending == ch {
			r.pending = nil
		}
		r.mu.Unlock()
		return res.line, res.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Unread gives a line back: the next ReadLine returns it. A caller that
// read a line it no longer wants (its wait ended meanwhile) gives it back,
// so that it is not lost.
func (r *Reader) Unread(line string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.back = append(r.back, line)
}

// ReadSecret is ReadLine without echo when the input is a terminal (the
// line is not shown, not even as bullets a screen reader reads out); the
// echo is back on when it returns.
func (r *Reader) ReadSecret(ctx context.Context) (string, error) {
	if r.tty {
		if restore, err := noEcho(r.fd); err == nil {
			defer restore()
		}
	}
	return r.ReadLine(ctx)
}

// read reads one line from the input.
func (r *Reader) read() (string, error) {
	var b strings.Builder
	for {
		chunk, err := r.br.ReadSlice('\n')
		if b.Len() < MaxLine {
			b.Write(chunk[:min(len(chunk), MaxLine-b.Len())])
		}
		switch {
		case err == bufio.ErrBufferFull:
			continue
		case err == io.EOF && b.Len() > 0:
			return strings.TrimRight(b.String(), "\r\n"), nil
		case err != nil:
			return "", err
		}
		return strings.TrimRight(b.String(), "\r\n"), nil
	}
}
