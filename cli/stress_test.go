package cli_test

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// Many headless creates in parallel against a sandbox that answers each
// create three seconds after making the instance, under a suffixed name;
// some processes are killed while their answer is in flight. After `recover`, every instance the
// sandbox holds has its token retrievable with `token`, exactly once, and
// no pending record is left. Bounded: 10 creates, loopback only.
func TestStressParallelCreatesKillsRecover(t *testing.T) {
	if testing.Short() {
		t.Skip("stress test")
	}
	const n = 10
	killed := map[int]bool{0: true, 3: true, 6: true, 9: true}
	sb := testkit.Sandbox(t, sandbox.Options{AnswerDelay: 3 * time.Second, Rename: true}) // long enough that a kill lands first, even on a loaded machine
	cfg := t.TempDir()
	env := binaryEnv(t, sb, cfg, browserEnv(t), "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback")

	type run struct {
		cmd    *exec.Cmd
		stderr bytes.Buffer
	}
	runs := make([]*run, n)
	for i := range runs {
		r := &run{cmd: exec.Command(connectwizBinary(t), "create", "--no-input", "--name", fmt.Sprint("stress-", i))}
		r.cmd.Env, r.cmd.Stderr = env, &r.stderr
		if err := r.cmd.Start(); err != nil {
			t.Fatal(err)
		}
		runs[i] = r
	}
	t.Cleanup(func() {
		for _, r := range runs {
			_ = r.cmd.Process.Kill()
			_ = r.cmd.Wait()
		}
	})

	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i, r := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if killed[i] {
				// Kill once the platform has made the instance: its answer is
				// still seconds away, so it is lost.
				name := fmt.Sprint("stress-", i)
				deadline := time.Now().Add(30 * time.Second)
				for !hasInstance(sb, name) {
					if time.Now().After(deadline) {
						errs <- fmt.Errorf("%s never reached the sandbox", name)
						return
					}
					time.Sleep(5 * time.Millisecond)
				}
				_ = r.cmd.Process.Signal(syscall.SIGKILL)
				_ = r.cmd.Wait() // reaped: its pending record's owner is gone
				return
			}
			if err := r.cmd.Wait(); err != nil {
				errs <- fmt.Errorf("stress-%d: %v\n%s", i, err, r.stderr.String())
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}

	// A create that starts late settles the records of those killed
	// before it (every create recovers first); recover settles the rest.
	start := time.Now()
	rec := runBinary(t, env, "recover")
	t.Logf("recover after %d kills took %s", len(killed), time.Since(start).Round(time.Millisecond))
	if rec.code != 0 || !strings.Contains(rec.stdout, "All pending creates are settled") {
		t.Fatalf("recover: exit %d\n%s\n%s", rec.code, rec.stdout, rec.stderr)
	}
	said := rec.stderr
	for _, r := range runs {
		said += r.stderr.String()
	}
	if got := strings.Count(said, "Pending create: recovered"); got != len(killed) {
		t.Fatalf("%d creates recovered, want one per kill (%d):\n%s", got, len(killed), said)
	}
	if left, _ := filepath.Glob(filepath.Join(cfg, "pending", "*.json")); len(left) != 0 {
		t.Fatalf("%d pending records left after recover", len(left))
	}

	checkOnePerCreate(t, sb, env, n, nil)
	if _, err := os.Stat(filepath.Join(cfg, "tokens.json")); err == nil && os.Getenv("DBUS_SESSION_BUS_ADDRESS") != "" {
		t.Log("some tokens went to the file (the keychain did not take them)")
	}
}

func hasInstance(sb *sandbox.Running, name string) bool {
	for _, in := range sb.Instances() {
		if askedName(in.Name) == name {
			return true
		}
	}
	return false
}
