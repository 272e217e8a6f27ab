package cli_test

import (
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestVersionStamped builds the binary as a release does, with the
// version, commit and date stamped, and checks --version prints them.
// (The unstamped version and the completions are
// testdata/script/version_completion.txtar.)
func TestVersionStamped(t *testing.T) {
	t.Parallel()
	bin := filepath.Join(t.TempDir(), "connectwiz")
	build := exec.Command("go", "build", "-o", bin, "-ldflags",
		"-X github.com/connectwiz/connectwiz/cli.version=9.8.7 -X github.com/connectwiz/connectwiz/cli.commit=abc1234 -X github.com/connectwiz/connectwiz/cli.date=2026-11-28T00:00:00Z",
		"github.com/connectwiz/connectwiz")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		out, err := exec.Command(bin, args...).Output()
		if err != nil || strings.TrimSpace(string(out)) != "connectwiz version 9.8.7 (commit abc1234, built 2026-11-28T00:00:00Z)" {
			t.Errorf("%v: %q %v", args, out, err)
		}
	}
}
