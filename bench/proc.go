package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"
)

// term is a program in a pseudo-terminal that answers the queries a real
// terminal answers (background colour, cursor position).
type term struct {
	cmd  *exec.Cmd
	ptmx *os.File
	mu   sync.Mutex
	out  bytes.Buffer
	seen int
}

func startTerm(bin string, args, env []string) (*term, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(append(os.Environ(), "TERM=xterm-256color"), env...)
	ptmx, err := pty.StartWithSize(cmd, &pty.Winsize{Rows: 24, Cols: 80})
	if err != nil {
		return nil, err
	}
	t := &term{cmd: cmd, ptmx: ptmx}
	go func() {
		buf := make([]byte, 32<<10)
		for {
			n, err := ptmx.Read(buf)
			if n > 0 {
				if bytes.Contains(buf[:n], []byte("\x1b]11;?")) {
					_, _ = ptmx.WriteString("\x1b]11;rgb:0000/0000/0000\x1b\\")
				}
				if bytes.Contains(buf[:n], []byte("\x1b[6n")) {
					_, _ = ptmx.WriteString("\x1b[1;1R")
				}
				t.mu.Lock()
				t.out.Write(buf[:n])
				t.mu.Unlock()
			}
			if err != nil {
				return
			}
		}
	}()
	return t, nil
}

func (t *term) waitFor(text string, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		t.mu.Lock()
		s := ansi.Strip(t.out.String())
		i := strings.Index(s[min(t.seen, len(s)):], text)
		if i >= 0 {
			t.seen += i + len(text)
		}
		t.mu.Unlock()
		if i >= 0 {
			return nil
		}
		time.Sleep(200 * time.Microsecond)
	}
	return fmt.Errorf("%s: %q never showed", filepath.Base(t.cmd.Path), text)
}

func (t *term) stop() {
	_ = t.cmd.Process.Kill()
	_ = t.cmd.Wait()
	_ = t.ptmx.Close()
}

func firstScreen(bin string, args, env []string) (time.Duration, error) {
	start := time.Now()
	t, err := startTerm(bin, args, env)
	if err != nil {
		return 0, err
	}
	defer t.stop()
	if err := t.waitFor("User secret", 20*time.Second); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// cpuTime is the CPU time the process's threads have run so far, in
// nanoseconds, from /proc/PID/task/*/schedstat (finer than the 10 ms ticks
// of /proc/PID/stat).
func cpuTime(pid int) (time.Duration, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("no schedstat for %d", pid)
	}
	var total int64
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue // the thread ended
		}
		f := strings.Fields(string(b))
		ns, _ := strconv.ParseInt(f[0], 10, 64)
		total += ns
	}
	return time.Duration(total), nil
}

func peakRSS(pid int) (float64, error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 64)
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmHWM")
}

func sampleCPU(pid int, d time.Duration) (float64, error) {
	time.Sleep(time.Second) // let start-up settle
	c0, err := cpuTime(pid)
	if err != nil {
		return 0, err
	}
	t0 := time.Now()
	time.Sleep(d)
	c1, err := cpuTime(pid)
	if err != nil {
		return 0, err
	}
	return 100 * float64(c1-c0) / float64(time.Since(t0)), nil
}
