//go:build !windows

package cli

import (
	"context"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// A FIFO given as the debug log no longer hangs the run (nobody reads
// it): it is opened without blocking and refused as not a regular file.
func TestDebugLogFIFODoesNotHang(t *testing.T) {
	fifo := filepath.Join(t.TempDir(), "fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Skip(err)
	}
	f, _, errOut := testFactory(t, nil)
	done := make(chan int, 1)
	go func() { done <- run(t, context.Background(), f, "--debug", fifo, "list") }()
	select {
	case code := <-done:
		if code != exitUsage || !strings.Contains(errOut.String(), "not a regular file") {
			t.Fatalf("exit %d: %s", code, errOut)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("--debug on a FIFO hangs")
	}
}
