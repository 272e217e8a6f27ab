package lines

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"time"
)

func TestLines(t *testing.T) {
	r := New(strings.NewReader("one\r\ntwo\n\nlast"))
	for _, want := range []string{"one", "two", "", "last"} {
		if got, err := r.ReadLine(context.Background()); got != want || err != nil {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	if _, err := r.ReadLine(context.Background()); !errors.Is(err, io.EOF) {
		t.Fatalf("after the end: %v", err)
	}
	if r.Terminal() {
		t.Fatal("a string is no terminal")
	}
}

func TestLongLineCut(t *testing.T) {
	r := New(strings.NewReader(strings.Repeat("x", MaxLine+5000) + "\nnext\n"))
	if got, _ := r.ReadLine(context.Background()); len(got) != MaxLine {
		t.Fatalf("a long line is %d long", len(got))
	}
	if got, _ := r.ReadLine(context.Background()); got != "next" {
		t.Fatalf("after a long line: %q", got)
	}
}

// A caller that stops waiting leaves its line to the next: nothing is
// eaten by a read left behind.
func TestAbandonedReadGoesToTheNextCaller(t *testing.T) {
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	r := New(pr)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	if _, err := r.ReadLine(ctx); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("an abandoned read: %v", err)
	}
	go func() { _, _ = io.WriteString(pw, "answer\nnext\n") }()
	for _, want := range []string{"answer", "next"} {
		if got, err := r.ReadLine(context.Background()); got != want || err != nil {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
}
