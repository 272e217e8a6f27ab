package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/keystore"
)

// TestSecretLeakScan runs the headless flow and the wizard (in a pty) with
// known secrets, then scans everything they produced for every secret, code
// and token: stdout, stderr, debug logs, the config dir (but the token
// fallback file, whose job is to hold tokens) and the golden files.
func TestSecretLeakScan(t *testing.T) {
	secrets := sandbox.Options{
		UserSecret: "LEAK-user-9f1c2e", OrgSecret: "LEAK-org-4d7a11", ClientID: "leak-client", ClientSecret: "LEAK-client-77b3e0",
	}
	sb, err := sandbox.Start("127.0.0.1:0", secrets)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sb.Close() }()
	cfg := t.TempDir()
	logDir := t.TempDir()
	env := []string{
		"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"),
		"CONNECTWIZ_CONFIG_DIR=" + cfg,
		"CONNECTWIZ_BASE_URL=" + sb.BaseURL,
		"CONNECTWIZ_USER_SECRET=" + secrets.UserSecret,
		"CONNECTWIZ_ORG_SECRET=" + secrets.OrgSecret,
		"CONNECTWIZ_CLIENT_ID=" + secrets.ClientID,
		"CONNECTWIZ_CLIENT_SECRET=" + secrets.ClientSecret,
		"CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback",
		"CONNECTWIZ_KEYRING_TIMEOUT=3s",
		browserEnv(""),
	}
	if v := os.Getenv("DBUS_SESSION_BUS_ADDRESS"); v != "" {
		env = append(env, "DBUS_SESSION_BUS_ADDRESS="+v)
	}

	produced := map[string]string{}
	r := runCW(t, env, "create", "--no-input", "--debug", filepath.Join(logDir, "headless.log"), "--name", "leak-headless", "--json")
	if r.code != 0 {
		t.Fatalf("headless: %d %s", r.code, r.stderr)
	}
	produced["headless stdout"] = r.stdout
	produced["headless stderr"] = stripAuthorizeURL(r.stderr)
	for _, cmd := range [][]string{{"list"}, {"list", "--json"}, {"recover"}} {
		r := runCW(t, env, cmd...)
		produced[strings.Join(cmd, " ")+" output"] = r.stdout + r.stderr
	}

	term := startTerminal(t, env, "--debug", filepath.Join(logDir, "wizard.log"), "--name", "leak-wizard")
	term.play(
		"Ready with these credentials", "\r",
		"Open this URL", "\r", // opens the "browser", which approves
		"Instance name", "\r", "┃ Tags", "\r", "┃ Extra configuration", "\r",
		"request about to be sent", "v", "curl -X POST", "\r",
		"Instance created", "\r",
	)
	if code := term.wait(); code != 0 {
		t.Fatalf("wizard exit %d", code)
	}
	produced["wizard terminal"] = stripAuthorizeURL(term.output())

	for _, dir := range []string{cfg, logDir} {
		_ = filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
			if err != nil || info.IsDir() || filepath.Base(p) == keystore.TokensFile {
				return nil
			}
			b, _ := os.ReadFile(p)
			produced[p] = string(b)
			return nil
		})
	}
	goldens, _ := filepath.Glob("ui/testdata/*.golden")
	more, _ := filepath.Glob("ui/testdata/*/*.golden")
	for _, p := range append(goldens, more...) {
		b, _ := os.ReadFile(p)
		produced[p] = string(b)
	}

	needles := []string{secrets.UserSecret, secrets.OrgSecret, secrets.ClientSecret}
	needles = append(needles, sb.IssuedCodes()...)
	c := sb.Credentials("")
	list, err := flow.NewClient(c.BaseURL, c.UserSecret, c.OrgSecret, "leak").Instances(context.Background())
	if err != nil || len(list) != 2 {
		t.Fatalf("sandbox holds %d instances (%v)", len(list), err)
	}
	for _, in := range list {
		needles = append(needles, in.Token.Reveal())
	}
	for _, held := range sb.Instances() {
		for k, v := range held.Config {
			if strings.Contains(k, "secret") {
				needles = append(needles, v)
			}
		}
	}
	if len(sb.IssuedCodes()) < 2 {
		t.Fatalf("expected at least 2 codes, got %d", len(sb.IssuedCodes()))
	}
	for where, text := range produced {
		for _, n := range needles {
			if n != "" && strings.Contains(text, n) {
				t.Errorf("%s contains a secret (%.6s…)", where, n)
			}
		}
	}
	t.Logf("scanned %d outputs and files for %d secrets", len(produced), len(needles))
}
