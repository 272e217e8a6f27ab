// Command bench measures connectwiz against a floor program (the same stack
// with one input) and against the documented curl sequence, and writes the
// results: go run ./bench [-reps 7] [-idle 5s] [-write BENCHMARKS.md]
// [-only status|headless].
//
// The keychain measurements need a Secret Service: without a D-Bus session
// the bench runs itself again inside dbus-run-session with a throwaway,
// unlocked gnome-keyring (both end with the session), or, when those are
// not installed, keeps the tokens in the file and skips token.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow/sandbox"
)

func main() {
	reps := flag.Int("reps", 7, "repetitions of each measurement")
	idle := flag.Duration("idle", 5*time.Second, "how long to sample CPU on the waiting screen")
	write := flag.String("write", "", "write the report to this file (e.g. BENCHMARKS.md)")
	entries := flag.Int("entries", 1000, "instances in the index that list reads")
	only := flag.String("only", "", "measure only this group (first, keychain, status, headless) and print its rows; -write is refused with it")
	flag.Parse()
	if *only != "" && (!slices.Contains([]string{"first", "keychain", "status", "headless"}, *only) || *write != "") {
		fmt.Fprintln(os.Stderr, "bench: -only takes first, keychain, status or headless, and prints its rows without -write")
		os.Exit(2)
	}
	if *only == "" || *only == "keychain" { // the other rows need no keychain
		if code, done := inOwnSession(); done {
			os.Exit(code)
		}
	}
	if err := run(*reps, *idle, *entries, *write, *only); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

type result struct {
	name, unit string
	ours, base float64
	baseName   string
	budget     float64 // max ratio ours/base, or max absolute when base is 0
	absolute   bool
	// skipped says why the measurement was not made.
	skipped string
	// why explains a missed budget, for "Budgets not met, and why".
	why string
}

func (r result) verdict() string {
	if r.skipped != "" {
		return "skipped: " + r.skipped
	}
	v := r.ours
	if !r.absolute {
		v = r.ours / r.base
	}
	if v <= r.budget {
		return "met"
	}
	return "MISSED"
}

func run(reps int, idle time.Duration, entries int, write, only string) error {
	dir, err := os.MkdirTemp("", "connectwiz-bench")
	if err != nil {
		return err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	cw, floor, httpFloor := filepath.Join(dir, "connectwiz"), filepath.Join(dir, "floor"), filepath.Join(dir, "httpfloor")
	for bin, pkg := range map[string]string{cw: ".", floor: "./bench/floor", httpFloor: "./bench/httpfloor"} {
		// As the release builds it (.goreleaser.yaml): without HTTP/2.
		cmd := exec.Command("go", "build", "-trimpath", "-tags", "nethttpomithttp2", "-ldflags", "-s -w", "-o", bin, pkg)
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("building %s: %v\n%s", pkg, err, out)
		}
	}
	if only != "" {
		rs, err := onlyBench(only, cw, floor, httpFloor, dir, reps, entries)
		if err != nil {
			return err
		}
		fmt.Print(render(rs, "", reps, idle))
		return nil
	}
	var results []result

	// 1. Exec to the first screen showing "User secret".
	first, err := firstScreenBench(cw, floor, dir, reps)
	if err != nil {
		return err
	}
	results = append(results, first)

	// 2. Idle on the waiting screen: CPU and peak RSS.
	sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{})
	if err != nil {
		return err
	}
	defer func() { _ = sb.Close() }()
	var cpu, rss, floorCPU []float64
	for i := 0; i < reps; i++ {
		c, r, err := idleWaiting(cw, sb, filepath.Join(dir, fmt.Sprint("cfg-idle-", i)), idle)
		if err != nil {
			return err
		}
		cpu, rss = append(cpu, c), append(rss, r)
		c, err = idleFloor(floor, idle)
		if err != nil {
			return err
		}
		floorCPU = append(floorCPU, c)
	}
	results = append(results,
		result{name: "CPU idle on `Waiting for` (% of one core)", unit: "%", ours: median(cpu), base: median(floorCPU), baseName: "floor's input, idle", budget: 1.1, why: whyIdle},
		result{name: "peak RSS on `Waiting for`", unit: "MB", ours: median(rss), budget: 25, absolute: true},
	)

	// 3. Stripped binary size.
	cs, _ := os.Stat(cw)
	fs, _ := os.Stat(floor)
	results = append(results, result{name: "stripped binary", unit: "MB", ours: float64(cs.Size()) / 1e6, base: float64(fs.Size()) / 1e6, baseName: "floor", budget: 2.2, why: whyBinary})

	// 4. Headless create against the curl sequence and the Go floor of the
	// same three calls, same sandbox.
	more, err := headlessBench(cw, httpFloor, sb, dir, reps)
	if err != nil {
		return err
	}
	results = append(results, more...)

	// 5. Callback → next screen, a Go benchmark.
	ns, err := callbackBench()
	if err != nil {
		return err
	}
	results = append(results, result{name: "callback → next screen", unit: "ms", ours: ns / 1e6, budget: 10, absolute: true})

	// 6 and 7. list of many entries, and token against secret-tool.
	var note string
	more, note, err = keychainBench(cw, filepath.Join(dir, "cfg-list"), entries, reps)
	if err != nil {
		return err
	}
	results = append(results, more...)

	// 8 and 9. status of many instances, and of one against curl.
	if more, err = statusBench(cw, dir, reps); err != nil {
		return err
	}
	results = append(results, more...)

	report := render(results, note, reps, idle)
	fmt.Print(report)
	if write != "" {
		return os.WriteFile(write, []byte(report), 0o644)
	}
	return nil
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

func median(xs []float64) float64 {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	if len(s) == 0 {
		return 0
	}
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func sandboxEnv(sb *sandbox.Running, cfg string) []string {
	c := sb.Credentials("")
	return []string{
		"CONNECTWIZ_CONFIG_DIR=" + cfg,
		"CONNECTWIZ_BASE_URL=" + c.BaseURL,
		"CONNECTWIZ_USER_SECRET=" + c.UserSecret.Reveal(),
		"CONNECTWIZ_ORG_SECRET=" + c.OrgSecret.Reveal(),
		"CONNECTWIZ_CLIENT_ID=" + c.ClientID,
		"CONNECTWIZ_CLIENT_SECRET=" + c.ClientSecret.Reveal(),
		"CONNECTWIZ_CALLBACK_URL=" + c.CallbackURL,
	}
}

func idleWaiting(bin string, sb *sandbox.Running, cfg string, d time.Duration) (cpu, rss float64, err error) {
	t, err := startTerm(bin, nil, append(sandboxEnv(sb, cfg), "BROWSER=true"))
	if err != nil {
		return 0, 0, err
	}
	defer t.stop()
	for _, step := range []struct{ wait, send string }{{"Ready with these credentials", "\r"}, {"Open this URL", "\r"}, {"Waiting for", ""}} {
		if err := t.waitFor(step.wait, 20*time.Second); err != nil {
			return 0, 0, err
		}
		if step.send != "" {
			_, _ = t.ptmx.WriteString(step.send)
		}
	}
	pid := t.cmd.Process.Pid
	if cpu, err = sampleCPU(pid, d); err != nil {
		return 0, 0, err
	}
	rss, err = peakRSS(pid)
	return cpu, rss, err
}

func idleFloor(bin string, d time.Duration) (float64, error) {
	t, err := startTerm(bin, nil, nil)
	if err != nil {
		return 0, err
	}
	defer t.stop()
	if err := t.waitFor("User secret", 20*time.Second); err != nil {
		return 0, err
	}
	return sampleCPU(t.cmd.Process.Pid, d)
}

func callbackBench() (float64, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, "go", "test", "-run", "^$", "-bench", "^BenchmarkCallbackToNextScreen$", "-benchtime", "200x", "-count", "1", "./ui").CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("go test -bench: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		if strings.HasPrefix(line, "BenchmarkCallbackToNextScreen") {
			f := strings.Fields(line)
			for i, w := range f {
				if w == "ns/op" {
					return strconv.ParseFloat(f[i-1], 64)
				}
			}
		}
	}
	return 0, fmt.Errorf("no benchmark line in:\n%s", out)
}

// firstScreenBench times exec → the first screen showing "User secret",
// connectwiz on its embedded sandbox against the floor, alternating.
func firstScreenBench(cw, floor, dir string, reps int) (result, error) {
	var ours, base []float64
	for i := 0; i < reps; i++ {
		cfg := filepath.Join(dir, fmt.Sprint("cfg-first-", i))
		d, err := firstScreen(cw, []string{"--sandbox"}, []string{"CONNECTWIZ_CONFIG_DIR=" + cfg})
		if err != nil {
			return result{}, err
		}
		ours = append(ours, ms(d))
		if d, err = firstScreen(floor, nil, nil); err != nil {
			return result{}, err
		}
		base = append(base, ms(d))
	}
	return result{name: "exec → first screen (`User secret`)", unit: "ms", ours: median(ours), base: median(base), baseName: "floor", budget: 1.25}, nil
}
