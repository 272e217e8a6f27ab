package cli_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/cli"
	"github.com/connectwiz/connectwiz/cli/iostreams"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// A hostile platform answers the create with escape sequences in every
// string: stdout, stderr, the index, the debug log and every later list
// (table, TSV, JSON) stay inert.
func TestHostilePlatformReachesNoTerminal(t *testing.T) {
	evil := "\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\x1b[2J\u009b31m\u009dx\u202eevil\u2066"
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		if r.Method != http.MethodPost {
			_, _ = io.WriteString(w, "[]")
			return
		}
		_ = json.NewEncoder(w).Encode(map[string]any{
			"id": "9" + evil, "name": "other" + evil, "token": "hostile-token", "tags": []string{"t" + evil},
			platform.WireConnector: map[string]any{"id": 1, "key": "k" + evil, "name": "n" + evil},
		})
	}))
	defer srv.Close()
	cfg := t.TempDir()
	debug := filepath.Join(t.TempDir(), "debug.log")
	env := map[string]string{
		"CONNECTWIZ_CONFIG_DIR": cfg, "CONNECTWIZ_BASE_URL": srv.URL + "/api", "CONNECTWIZ_CLIENT_ID": "cid",
		platform.EnvUserSecret: "u", platform.EnvOrgSecret: "o", platform.EnvClientSecret: "c",
		"DBUS_SESSION_BUS_ADDRESS": "", // the keychain is off: the file takes the token
	}
	run := func(tty bool, args ...string) (stdout, stderr []byte) {
		t.Helper()
		var out, errOut bytes.Buffer
		ios := iostreams.Test(strings.NewReader(""), &out, &errOut)
		ios.SetTTY(tty, tty)
		cli.Run(context.Background(), args, &cli.Factory{IO: ios, Env: cli.ReadEnv(func(k string) string { return env[k] })})
		return out.Bytes(), errOut.Bytes()
	}
	stdout, stderr := run(false, "create", "--no-input", "--code", "the-code", "--name", "mine", "--debug", debug)
	if !bytes.Contains(stdout, []byte("Instance created")) {
		t.Fatalf("create failed:\n%s", stderr)
	}
	testkit.AssertInert(t, "create's stdout", stdout)
	testkit.AssertInert(t, "create's stderr", stderr)
	stdout, stderr = run(false, "create", "--no-input", "--code", "the-code", "--name", "mine-json", "--json")
	testkit.AssertInert(t, "create --json", append(stdout, stderr...))
	for _, f := range []string{filepath.Join(cfg, "instances.json"), debug} {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		testkit.AssertInert(t, f, b)
	}
	for _, args := range [][]string{{"list"}, {"list", "--json"}} {
		for _, tty := range []bool{false, true} {
			stdout, stderr := run(tty, args...)
			if !bytes.Contains(stdout, []byte("mine")) {
				t.Fatalf("%v: %s %s", args, stdout, stderr)
			}
			testkit.AssertInert(t, strings.Join(args, " "), append(stdout, stderr...))
		}
	}
}

// The browser connectwiz starts sees neither the OAuth state nor any
// secret: not in its argv (readable by every local user), not in its
// environment.
func TestBrowserSeesNoStateNorSecret(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	dir := t.TempDir()
	script := filepath.Join(dir, "browser")
	body := "#!/bin/sh\nprintf '%s\\n' \"$@\" > " + filepath.Join(dir, "argv") + "\nenv > " + filepath.Join(dir, "env") +
		"\nexec " + connectwizBinary(t) + " sandbox consent \"$@\"\n"
	if err := os.WriteFile(script, []byte(body), 0o700); err != nil {
		t.Fatal(err)
	}
	env := binaryEnv(t, sb, t.TempDir(), "BROWSER="+script, "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback")
	r := runBinary(t, env, "create", "--no-input", "--name", "watched")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	_, stateAt, ok := strings.Cut(r.stderr, "state=")
	state, _, _ := strings.Cut(stateAt, "\n")
	if !ok || len(state) < 20 {
		t.Fatalf("no state in the authorize URL shown:\n%s", r.stderr)
	}
	argv, _ := os.ReadFile(filepath.Join(dir, "argv"))
	browserEnv, _ := os.ReadFile(filepath.Join(dir, "env"))
	// The argv holds a private file that forwards to the one-time link,
	// not the link; the file is gone once the run ended.
	if bytes.Contains(argv, []byte("/start/")) || bytes.Contains(argv, []byte("http")) || !bytes.HasPrefix(argv, []byte("file://")) {
		t.Fatalf("the browser was not given a private forwarding file: %q", argv)
	}
	if _, err := os.Stat(strings.TrimPrefix(strings.TrimSpace(string(argv)), "file://")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the forwarding file outlived the run: %v", err)
	}
	o := sb.Options()
	for _, secret := range []string{state, o.UserSecret, o.OrgSecret, o.ClientSecret} {
		if bytes.Contains(argv, []byte(secret)) {
			t.Errorf("the browser's argv carries %.12s…", secret)
		}
		if bytes.Contains(browserEnv, []byte(secret)) {
			t.Errorf("the browser's environment carries %.12s…", secret)
		}
	}
}
