package cli_test

import (
	"bytes"
	"fmt"
	"os/exec"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// renamedRe is a name as a sandbox with Rename stores it.
var renamedRe = regexp.MustCompile(`^(.*) \(\d+\)$`)

// askedName is the name a create asked for, as a renaming sandbox holds it.
func askedName(platformName string) string {
	if m := renamedRe.FindStringSubmatch(platformName); m != nil {
		return m[1]
	}
	return platformName
}

// Parallel headless creates against a platform behind a faulty gateway:
// the first creates get a 503 page before anything is made, the next ones
// are made and then answered with a 504 page, every instance is renamed
// (suffixed), the provider answers by form_post, and older instances of
// the same names (a colleague's) are already there. Each create that
// says nothing was created is run again, once. In the end: exactly one
// instance per create asked for, its token here, no pending record, and
// the colleague's instances untouched and unclaimed.
func TestStressGatewayFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("stress test")
	}
	const n = 8
	sb := testkit.Sandbox(t, sandbox.Options{FailCreate: 2, FailStatus: 503, LoseCreates: 3, LoseStatus: 504, Rename: true, FormPost: true})
	colleague := map[int64]bool{}
	for _, name := range []string{"gw-1", "gw-2 (1)", "gw-3"} {
		in := sb.Put(sandbox.Instance{Name: name, Connector: platform.DefaultConnector, Tags: []string{}, Created: time.Now().Add(-time.Hour)})
		colleague[in.ID] = true
	}
	cfg := t.TempDir()
	env := binaryEnv(t, sb, cfg, browserEnv(t), "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback")

	create := func(i int) (int, string) {
		cmd := exec.Command(connectwizBinary(t), "create", "--no-input", "--name", fmt.Sprint("gw-", i))
		var stderr bytes.Buffer
		cmd.Env, cmd.Stderr = env, &stderr
		err := cmd.Run()
		if ee, ok := err.(*exec.ExitError); ok {
			return ee.ExitCode(), stderr.String()
		} else if err != nil {
			t.Error(err)
		}
		return 0, stderr.String()
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	var again []int
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			code, stderr := create(i)
			mu.Lock()
			defer mu.Unlock()
			switch {
			case code == 0:
			case strings.Contains(stderr, "nothing was created") && strings.Contains(stderr, "run the same create again"):
				again = append(again, i)
			default:
				t.Errorf("gw-%d: exit %d\n%s", i, code, stderr)
			}
			if strings.Contains(stderr, "try again later") {
				t.Errorf("gw-%d advised a retry on an unknown outcome:\n%s", i, stderr)
			}
		}()
	}
	wg.Wait()
	if len(again) != 2 {
		t.Errorf("%d creates said nothing was created, want the 2 the gateway refused first", len(again))
	}
	for _, i := range again {
		if code, stderr := create(i); code != 0 {
			t.Errorf("gw-%d again: exit %d\n%s", i, code, stderr)
		}
	}
	if rec := runBinary(t, env, "recover"); rec.code != 0 || !strings.Contains(rec.stdout, "Nothing to recover") {
		t.Errorf("recover: exit %d\n%s\n%s", rec.code, rec.stdout, rec.stderr)
	}
	checkOnePerCreate(t, sb, env, n, colleague)
}

// checkOnePerCreate checks the platform holds one instance per create
// asked for (besides others'), each with its token here under the name
// asked for.
func checkOnePerCreate(t *testing.T, sb *sandbox.Running, env []string, n int, others map[int64]bool) {
	t.Helper()
	byName := map[string][]sandbox.Instance{}
	for _, in := range sb.Instances() {
		if !others[in.ID] {
			byName[askedName(in.Name)] = append(byName[askedName(in.Name)], in)
		}
	}
	if len(sb.Instances()) != n+len(others) {
		t.Errorf("the platform holds %d instances, want %d (one per create) and %d others'", len(sb.Instances()), n, len(others))
	}
	for name, ins := range byName {
		if len(ins) != 1 {
			t.Errorf("%d instances for the create of %s", len(ins), name)
			continue
		}
		tok := runBinary(t, env, "token", name)
		if tok.code != 0 || strings.TrimSpace(tok.stdout) != ins[0].Token {
			t.Errorf("token %s: exit %d, not the token of instance %d (%s)", name, tok.code, ins[0].ID, tok.stderr)
		}
	}
	list := runBinary(t, env, "list")
	if got := strings.Count(list.stdout, "\n"); got != n {
		t.Errorf("list shows %d entries, want %d:\n%s", got, n, list.stdout)
	}
}
