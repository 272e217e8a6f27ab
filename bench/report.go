package main

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

func machine() string {
	cpu := "unknown CPU"
	if b, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "model name"); ok {
				cpu = strings.TrimSpace(strings.TrimPrefix(strings.TrimSpace(v), ":"))
				break
			}
		}
	}
	kernel, _ := exec.Command("uname", "-sr").Output()
	return fmt.Sprintf("%s, %d cores, %s, %s", cpu, runtime.NumCPU(), strings.TrimSpace(string(kernel)), runtime.Version())
}

func render(rs []result, note string, reps int, idle time.Duration) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Benchmarks\n\nThe figures of the last run of `go run ./bench -write BENCHMARKS.md` (%s).\n\n", time.Now().UTC().Format("2006-01-02 15:04 MST"))
	fmt.Fprintf(&b, "Machine: %s.\n\nMedians of %d repetitions; CPU sampled for %s per repetition after a 1 s settle.\n\n", machine(), reps, idle)
	b.WriteString("| measure | connectwiz | baseline | ratio | budget | verdict |\n|---|---|---|---|---|---|\n")
	for _, r := range rs {
		base, ratio, budget := "—", "—", ""
		if r.base != 0 {
			base = fmt.Sprintf("%.2f %s (%s)", r.base, r.unit, r.baseName)
		}
		if r.absolute {
			budget = fmt.Sprintf("≤ %g %s", r.budget, r.unit)
		} else {
			if r.base != 0 {
				ratio = fmt.Sprintf("%.2f×", r.ours/r.base)
			}
			budget = fmt.Sprintf("≤ %g× %s", r.budget, r.baseName)
		}
		if r.skipped != "" {
			fmt.Fprintf(&b, "| %s | — | — | — | %s | %s |\n", r.name, budget, r.verdict())
			continue
		}
		fmt.Fprintf(&b, "| %s | %.2f %s | %s | %s | %s | %s |\n", r.name, r.ours, r.unit, base, ratio, budget, r.verdict())
	}
	if note != "" {
		b.WriteString("\n" + note + "\n")
	}
	b.WriteString(`
## What is measured

1. **First screen**: from exec to the first frame showing ` + "`User secret`" + ` in an 80×24
   pseudo-terminal that answers the terminal queries a real terminal answers. connectwiz runs
   ` + "`--sandbox`" + `; the floor (` + "`bench/floor`" + `) is one huh input with go-keyring linked, built
   with the same flags as the release (` + "`-trimpath -tags nethttpomithttp2 -ldflags '-s -w'`, `CGO_ENABLED=0`" + `).
2. **Idle**: connectwiz against an in-process sandbox, on the waiting screen (` + "`Waiting for`" + `,
   spinner and countdown running), against the floor's idle input (its blinking cursor) on the
   same stack; CPU from /proc/PID/task/*/schedstat (nanoseconds), peak RSS from VmHWM.
3. **Binary size**: the two stripped binaries.
4. **Headless create**: ` + "`connectwiz create --no-input --insecure-storage`" + ` with the sandbox's consent
   helper as ` + "`BROWSER`" + `, against the platform document's manual sequence run the same way:
   ` + "`curl`" + ` for the authorize URL, the same helper printing the redirect, ` + "`curl`" + ` for the create.
   The second row puts it against a truer floor, ` + "`bench/httpfloor`" + `: the same three calls (authorize
   URL, the consent form approved, create) in one Go process built like the floor, where the
   curl sequence is mostly process start-up. ` + whyHeadless + `
5. **Callback → next screen**: ` + "`BenchmarkCallbackToNextScreen`" + ` in ` + "`ui`" + `: a real loopback
   listener receives the callback over HTTP, the wizard's waiting Cmd turns it into a message,
   the model updates and renders the details screen.
6. **List**: an index of 1000 instances (` + "`-entries`" + `) in a temporary ` + "`CONNECTWIZ_CONFIG_DIR`" + `, each saved
   through the keystore (` + "`keystore.Store.Save`" + `) with its token in the keychain when a Secret
   Service answers, else in the 0600 file (the row says which). Wall time from exec to exit of
   ` + "`connectwiz list`" + ` with stdout a pipe (tab-separated lines), after one untimed run; the
   bench checks every line. ` + "`list --check`" + ` of the same index is timed alongside, not budgeted.
7. **Token**: wall time from exec to exit of ` + "`connectwiz token NAME`" + ` for the instance in the
   middle of that index, against ` + "`secret-tool lookup service connectwiz username ACCOUNT`" + `
   for the same keychain item (go-keyring stores the account as the ` + "`username`" + ` attribute),
   alternating, after one untimed run of each; the bench checks both print the token. It needs a
   Secret Service: without a D-Bus session the bench runs itself inside ` + "`dbus-run-session`" + `
   with a throwaway gnome-keyring unlocked with a fixed password (both end with the session; the
   keyring's files go to a temporary directory); without those tools the row says skipped. In a
   session that was already there, the bench deletes the items it stored before it exits.
8. **Status**: ` + "`connectwiz status`" + ` of 100 instances on one in-process sandbox, their tokens in
   the 0600 file of a temporary ` + "`CONNECTWIZ_CONFIG_DIR`" + `, the secrets in the environment: wall
   time from exec to exit with stdout a pipe, after one untimed run; the bench checks every line
   says the instance is there and its token matches. It asks 8 at a time over one connection pool.
9. **Status of one**: ` + "`connectwiz status NAME`" + ` for the instance in the middle of that index,
   against ` + "`curl -sf`" + ` of the same ` + "`GET /instances/{id}`" + ` with the same ` + "`Authorization`" + `
   header, alternating, after one untimed run of each.

## Budgets not met, and why

`)
	missed := 0
	for _, r := range rs {
		if r.verdict() != "MISSED" {
			continue
		}
		missed++
		why := r.why
		if why == "" {
			why = "**" + r.name + ".** Not explained yet."
		}
		b.WriteString("- " + why + "\n")
	}
	if missed == 0 {
		b.WriteString("None in this run.\n")
	}
	b.WriteString(`
## Reproduce

` + "```sh\ngo run ./bench                       # prints the table\ngo run ./bench -write BENCHMARKS.md  # and rewrites this file\ngo run ./bench -only status          # the status rows alone (printed, not written)\ngo run ./bench -only headless        # the headless create rows alone (printed, not written)\ngo run ./bench -only first           # the first-screen row alone (printed, not written)\ngo run ./bench -only keychain        # the list and token rows alone (printed, not written)\ngo test -run '^$' -bench . ./ui      # the Go benchmark alone\n```" + `

No timing is asserted inside ` + "`go test`" + `.
`)
	return b.String()
}

// Why a budget can be missed, shown only when it is.
const (
	whyStatusOne = `**Status of one.** Both make the same one GET on a new connection; connectwiz
  also starts a 10 MB Go binary and reads the index and the token file before it asks.`
	whyIdle = `**CPU while idle.** Bubble Tea v1's renderer checks for a new frame on a fixed ticker,
  60 times a second, in connectwiz and in the floor alike; connectwiz's own animation (spinner
  and countdown at 1 Hz) comes on top. Fewer checks would delay the first frame by up to one
  period.`
	whyBinary = `**Binary size.** The floor has no networking: net/http (client and server, TLS,
  x509) alone takes it to about 1.6×, and cobra, encoding/json and log/slog to about 1.7×,
  before any connectwiz code. The release leaves HTTP/2 out (` + "`-tags nethttpomithttp2`" + `, 0.47 MB): with it
  the binary would be about 2.26×.`
	whyList = `**List of 1000.** ` + "`list`" + ` decodes the whole index (encoding/json, about 0.3 KB an
  entry) and sorts it before printing; a Go process takes about 3 ms to reach main on this VM.`
	whyToken = `**Token.** Not a D-Bus matter: connectwiz makes 8 calls (go-keyring: Hello,
  Properties.Get, Unlock, SearchItems, OpenSession, Unlock, GetSecret, Close), secret-tool 11
  (most to the bus itself), and go-keyring's connect and 8 calls take about 3.4 ms in-process.
  The rest is the process: about 3 ms for the 10 MB Go binary to reach main (` + "`connectwiz version`" + `
  exits in about 5 ms), and finding NAME decodes and sorts the whole index, about 2.5 ms for
  1000 entries (316 KB of indented JSON, encoding/json).`
)

// whyHeadless says where a headless create's time goes beyond the Go floor.
const whyHeadless = `**Headless create beyond the Go floor.** The floor is one small process making
the three calls (about 15 ms on this VM: some 10 ms of it is its own start). connectwiz is two starts
of its 10 MB binary — itself, and the consent helper the bench gives it as ` + "`BROWSER`" + ` (a browser is
always another process) — about 13 ms each (` + "`connectwiz version`" + `), plus about 1 ms to start the
helper: two starts alone are above 1.5× the floor. The consent itself (the one-time link, the
provider's page, the approval, the callback) takes 2–3 ms, as in the floor. connectwiz's own work on
top, about 8–10 ms: before the browser, the secrets check (beside the listener and the authorize URL,
its verdict first) and the answers saved meanwhile, about 3 ms; after the callback, the listing that
settles a lost answer (it grows with the platform's instances: the bench's sandbox keeps 3 more a
repetition), the pending record made durable before the create is sent, the create, and the token
(0600 file, atomic) and index entry stored and synced before the record is cleared, about 5–7 ms.
The budget of 1.5× cannot be met while the consent goes through a browser process.`
