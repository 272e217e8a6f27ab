//go:build linux || darwin

package lines

import (
	"context"
	"io"
	"testing"
	"time"

	"github.com/creack/pty"
	"golang.org/x/sys/unix"
)

// On a terminal a secret is read without echo, and the echo is back after.
func TestReadSecretWithoutEcho(t *testing.T) {
	ptmx, tty, err := pty.Open()
	if err != nil {
		t.Skip("no pty:", err)
	}
	defer func() { _ = ptmx.Close(); _ = tty.Close() }()
	echo := func() bool {
		tio, err := unix.IoctlGetTermios(int(tty.Fd()), getTermios)
		if err != nil {
			t.Fatal(err)
		}
		return tio.Lflag&unix.ECHO != 0
	}
	r := New(tty)
	if !r.Terminal() || !echo() {
		t.Fatal("the pty is not a terminal with echo")
	}
	got := make(chan string, 1)
	go func() {
		line, _ := r.ReadSecret(context.Background())
		got <- line
	}()
	deadline := time.Now().Add(5 * time.Second)
	for echo() {
		if time.Now().After(deadline) {
			t.Fatal("the echo stays on while a secret is read")
		}
		time.Sleep(5 * time.Millisecond)
	}
	if _, err := io.WriteString(ptmx, "s3cret\n"); err != nil {
		t.Fatal(err)
	}
	if line := <-got; line != "s3cret" {
		t.Fatalf("read %q", line)
	}
	if !echo() {
		t.Fatal("the echo is not back on")
	}
}
