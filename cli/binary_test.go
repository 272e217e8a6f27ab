package cli_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// The Go tests that run the binary (pseudo-terminal, paste, leak scan of
// the wizard) run the command TestMain registered: testscript.Main put it
// first on PATH as connectwiz.

// connectwizBinary is the registered command on PATH.
func connectwizBinary(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("connectwiz")
	if err != nil {
		t.Fatalf("connectwiz is not on PATH (TestMain registers it): %v", err)
	}
	first, _, _ := strings.Cut(os.Getenv("PATH"), string(filepath.ListSeparator))
	if filepath.Dir(p) != first {
		t.Fatalf("connectwiz on PATH is %s, not the registered command in %s", p, first)
	}
	return p
}

// binaryEnv is the environment of a connectwiz run against sb with the
// config dir cfg: the sandbox's credentials, CI's throwaway Secret Service
// or else an unusable bus address (testkit.ChildBus) and extra.
func binaryEnv(t *testing.T, sb *sandbox.Running, cfg string, extra ...string) []string {
	t.Helper()
	o := sb.Options()
	bus := testkit.ChildBus(t.TempDir())
	env := []string{
		"PATH=" + os.Getenv("PATH"),
		"HOME=" + t.TempDir(),
		"DBUS_SESSION_BUS_ADDRESS=" + bus,
		"CONNECTWIZ_CONFIG_DIR=" + cfg,
		"CONNECTWIZ_BASE_URL=" + sb.BaseURL,
		platform.EnvUserSecret + "=" + o.UserSecret,
		platform.EnvOrgSecret + "=" + o.OrgSecret,
		"CONNECTWIZ_CLIENT_ID=" + o.ClientID,
		platform.EnvClientSecret + "=" + o.ClientSecret,
		"CONNECTWIZ_KEYRING_TIMEOUT=3s",
		"GORACE=" + goRace(),
	}
	return append(env, extra...)
}

// browserEnv makes the sandbox consent command the browser.
func browserEnv(t *testing.T) string {
	return "BROWSER=" + connectwizBinary(t) + " sandbox consent"
}

type result struct {
	code           int
	stdout, stderr string
}

// runBinary runs connectwiz to its end (bounded).
func runBinary(t *testing.T, env []string, args ...string) result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, connectwizBinary(t), args...)
	cmd.Env = env
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	r := result{stdout: out.String(), stderr: errb.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running connectwiz %v: %v", args, err)
	}
	return r
}

// instanceNamed is the sandbox's one instance of that name.
func instanceNamed(t *testing.T, sb *sandbox.Running, name string) sandbox.Instance {
	t.Helper()
	var found []sandbox.Instance
	for _, in := range sb.Instances() {
		if in.Name == name {
			found = append(found, in)
		}
	}
	if len(found) != 1 {
		t.Fatalf("the sandbox holds %d instances named %q, want 1 (%d in all)", len(found), name, len(sb.Instances()))
	}
	return found[0]
}

// syncBuffer is a bytes.Buffer a process and a test can share.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// waitOutput waits (bounded) until out shows text.
func waitOutput(t *testing.T, out *syncBuffer, text string) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for !strings.Contains(out.String(), text) {
		if time.Now().After(deadline) {
			t.Fatalf("%q never printed:\n%s", text, out.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// exitCode waits (bounded) for cmd and returns its exit code.
func exitCode(t *testing.T, cmd *exec.Cmd) int {
	t.Helper()
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case err := <-done:
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode()
		}
		if err != nil {
			t.Fatal(err)
		}
		return 0
	case <-time.After(20 * time.Second):
		_ = cmd.Process.Kill()
		<-done
		t.Fatal("connectwiz did not exit")
		return -1
	}
}
