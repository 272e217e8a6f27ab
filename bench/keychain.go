package main

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/keystore"
)

// ownSessionEnv marks a bench run inside the D-Bus session it started
// itself (see inOwnSession): its keyring is thrown away with the session.
const ownSessionEnv = "CONNECTWIZ_BENCH_OWN_SESSION"

// sessionScript starts an unlocked gnome-keyring (secrets only) on the
// session bus dbus-run-session made, then becomes the bench again. The
// keyring daemon ends when the bus does, and dbus-run-session ends the bus
// when the bench exits.
const sessionScript = `eval "$(printf pass | gnome-keyring-daemon --unlock --components=secrets)"; export GNOME_KEYRING_CONTROL; exec "$0" "$@"`

// inOwnSession re-runs the bench inside a throwaway D-Bus session with an
// unlocked gnome-keyring whenever the tools are installed — even inside a
// desktop session, so that its 1000 test items never touch the user's own
// keyring — and returns the exit code; ok is false when the bench should
// go on in this process (already in its own session, or one cannot be
// made; the keychain measurements then use the session there is, or say
// why they were skipped).
func inOwnSession() (code int, ok bool) {
	if os.Getenv(ownSessionEnv) != "" {
		return 0, false
	}
	for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon", "secret-tool"} {
		if _, err := exec.LookPath(tool); err != nil {
			return 0, false
		}
	}
	exe, err := os.Executable()
	if err != nil {
		return 0, false
	}
	// The keyring's files go to a scratch home, never the user's.
	scratch, err := os.MkdirTemp("", "connectwiz-bench-session")
	if err != nil {
		return 0, false
	}
	defer func() { _ = os.RemoveAll(scratch) }()
	env := append(os.Environ(), ownSessionEnv+"=1")
	for _, v := range []string{"XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_RUNTIME_DIR"} {
		d := filepath.Join(scratch, strings.ToLower(v))
		if err := os.Mkdir(d, 0o700); err != nil {
			return 0, false
		}
		env = append(env, v+"="+d)
	}
	fmt.Fprintln(os.Stderr, "bench: running inside dbus-run-session with a throwaway gnome-keyring (never your own keyring)")
	cmd := exec.Command("dbus-run-session", append([]string{"--", "sh", "-c", sessionScript, exe}, os.Args[1:]...)...)
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = os.Stdin, os.Stdout, os.Stderr
	err = cmd.Run()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0, true
	case errors.As(err, &ee):
		return max(ee.ExitCode(), 1), true
	}
	fmt.Fprintln(os.Stderr, "bench:", err)
	return 1, true
}

// secretService returns the OS keychain when a Secret Service answers here
// (a token can be stored, read back and deleted) and secret-tool is there
// to compare with; else nil and why not.
func secretService() (*keystore.Keychain, string) {
	if _, err := exec.LookPath("secret-tool"); err != nil {
		return nil, "no Secret Service: secret-tool is not installed"
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		for _, tool := range []string{"dbus-run-session", "gnome-keyring-daemon"} {
			if _, err := exec.LookPath(tool); err != nil {
				return nil, "no Secret Service: no D-Bus session, and " + tool + " is not installed"
			}
		}
		return nil, "no Secret Service: no D-Bus session"
	}
	k := keystore.NewKeychain(keystore.DefaultTimeout)
	account := fmt.Sprint("bench-probe-", os.Getpid())
	if err := k.Set(account, "probe"); err != nil {
		return nil, "no Secret Service: " + err.Error()
	}
	_ = k.Delete(account)
	return k, ""
}

// listIndex is a config dir whose index holds n entries, saved through the
// keystore, with their tokens in the keychain (k) or the file (k nil).
type listIndex struct {
	dir      string
	store    *keystore.Store
	entries  []keystore.Entry
	tokens   []string
	location keystore.Location
	// owned is set when the keychain's items live only as long as this
	// run's own session: they need not be removed afterwards.
	owned bool
}

func buildIndex(dir string, n int, k *keystore.Keychain) (*listIndex, error) {
	ix := &listIndex{dir: dir, store: &keystore.Store{Dir: dir, Keychain: k}, location: keystore.InFile, owned: os.Getenv(ownSessionEnv) != ""}
	if k != nil {
		ix.location = keystore.InKeychain
	}
	connectors := []string{"onedrivebusiness", "sharepoint", "googledrive", "box", "dropbox"}
	created := time.Date(2026, 1, 1, 9, 0, 0, 0, time.UTC)
	for i := 0; i < n; i++ {
		b := make([]byte, 24)
		_, _ = rand.Read(b)
		tok := hex.EncodeToString(b)
		e := keystore.Entry{
			Name:      fmt.Sprintf("bench-drive-%04d", i),
			ID:        fmt.Sprint(480000 + i),
			Connector: connectors[i%len(connectors)],
			BaseURL:   "https://api.example.com/elements/api-v2",
			Tags:      []string{"bench"},
			CreatedAt: created.Add(time.Duration(i) * time.Hour),
		}
		saved, err := ix.store.Save(e, tok, k == nil)
		if err != nil {
			return ix, fmt.Errorf("saving entry %d: %w", i, err)
		}
		if saved.Entry.Storage != ix.location {
			return ix, fmt.Errorf("entry %d went to %s, not %s: %s", i, saved.Entry.Storage, ix.location, saved.Warning)
		}
		ix.entries = append(ix.entries, saved.Entry)
		ix.tokens = append(ix.tokens, tok)
	}
	return ix, nil
}

// cleanup removes the keychain items of a session that outlives the bench.
func (ix *listIndex) cleanup() {
	if ix.location != keystore.InKeychain || ix.owned {
		return
	}
	for _, e := range ix.entries {
		_ = ix.store.Keychain.Delete(e.Account())
	}
}

// timed runs bin with args and the environment plus env, stdout to a pipe
// (not a terminal), and returns the wall time from exec to exit and stdout.
func timed(bin string, args, env []string) (time.Duration, []byte, error) {
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	start := time.Now()
	err := cmd.Run()
	d := time.Since(start)
	if err != nil {
		return d, nil, fmt.Errorf("%s %s: %v\n%s", filepath.Base(bin), strings.Join(args, " "), err, errOut.Bytes())
	}
	if errOut.Len() > 0 {
		return d, nil, fmt.Errorf("%s %s wrote to stderr: %s", filepath.Base(bin), strings.Join(args, " "), errOut.Bytes())
	}
	return d, out.Bytes(), nil
}

// list runs connectwiz list (with --check when check) and checks that it
// printed every entry, each with its token where it was saved.
func (ix *listIndex) list(cw string, check bool) (time.Duration, error) {
	args := []string{"list"}
	if check {
		args = append(args, "--check")
	}
	d, out, err := timed(cw, args, []string{"CONNECTWIZ_CONFIG_DIR=" + ix.dir})
	if err != nil {
		return 0, err
	}
	lines := strings.Split(strings.TrimSuffix(string(out), "\n"), "\n")
	if len(lines) != len(ix.entries) {
		return 0, fmt.Errorf("connectwiz %s printed %d lines for %d entries", strings.Join(args, " "), len(lines), len(ix.entries))
	}
	for _, l := range lines {
		f := strings.Split(l, "\t")
		if f[len(f)-1] != ix.location.String() {
			return 0, fmt.Errorf("connectwiz %s: %q: token %q, want %q", strings.Join(args, " "), f[0], f[len(f)-1], ix.location)
		}
	}
	return d, nil
}

// token runs connectwiz token for entry i and checks the token it printed.
func (ix *listIndex) token(cw string, i int) (time.Duration, error) {
	d, out, err := timed(cw, []string{"token", ix.entries[i].Name}, []string{"CONNECTWIZ_CONFIG_DIR=" + ix.dir})
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(string(out)) != ix.tokens[i] {
		return 0, errors.New("connectwiz token printed a different token than was saved")
	}
	return d, nil
}

// secretTool looks entry i's token up with secret-tool, by the attributes
// go-keyring stores it under (service and username), and checks it.
func (ix *listIndex) secretTool(i int) (time.Duration, error) {
	d, out, err := timed("secret-tool", []string{"lookup", "service", keystore.Service, "username", ix.entries[i].Account()}, nil)
	if err != nil {
		return 0, err
	}
	if strings.TrimSpace(string(out)) != ix.tokens[i] {
		return 0, errors.New("secret-tool lookup printed a different token than was saved")
	}
	return d, nil
}

// keychainBench measures list of n entries (and, not budgeted, list
// --check) and token against secret-tool, and returns the rows and a note
// on list --check for below the table.
func keychainBench(cw, dir string, n, reps int) (rs []result, note string, err error) {
	k, why := secretService()
	ix, err := buildIndex(dir, n, k)
	defer ix.cleanup()
	if err != nil {
		return nil, "", err
	}
	where, asks := "the file", "reads the token file once"
	if k != nil {
		where, asks = "the keychain", "asks the keychain once"
	}

	var list, check []float64
	for i := -1; i < reps; i++ { // the first run of each warms the caches
		d, err := ix.list(cw, false)
		if err != nil {
			return nil, "", err
		}
		c, err := ix.list(cw, true)
		if err != nil {
			return nil, "", err
		}
		if i >= 0 {
			list, check = append(list, ms(d)), append(check, ms(c))
		}
	}
	rs = append(rs, result{name: fmt.Sprintf("`connectwiz list`, %d entries, piped (tokens in %s)", n, where), unit: "ms", ours: median(list), budget: 200, absolute: true, why: whyList})
	note = fmt.Sprintf("Not budgeted: `connectwiz list --check` of the same %d entries took %.2f ms (median, %.0f× `list`); it %s per entry.", n, median(check), median(check)/median(list), asks)

	tokenRow := result{name: "`connectwiz token NAME` (keychain)", unit: "ms", baseName: "`secret-tool lookup`", budget: 1.2, why: whyToken}
	if k == nil {
		tokenRow.skipped = why
		return append(rs, tokenRow), note, nil
	}
	var tok, tool []float64
	e := n / 2 // an entry in the middle of the index and of the keyring
	for i := -1; i < reps; i++ {
		d, err := ix.token(cw, e)
		if err != nil {
			return nil, "", err
		}
		t, err := ix.secretTool(e)
		if err != nil {
			return nil, "", err
		}
		if i >= 0 {
			tok, tool = append(tok, ms(d)), append(tool, ms(t))
		}
	}
	tokenRow.ours, tokenRow.base = median(tok), median(tool)
	return append(rs, tokenRow), note, nil
}
