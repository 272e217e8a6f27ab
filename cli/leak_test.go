//go:build linux

package cli_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/keystore"
)

// TestSecretLeakScanWizard is the wizard's part of the secret leak scan
// (the headless part is testdata/script/secret_leak_scan.txtar): the
// wizard in a real terminal with known secrets, its review's curl view
// included; then the terminal output, the debug log, the config dir (but
// the token fallback file, whose job is to hold tokens) and the ui golden
// files are scanned for every secret, code and token.
func TestSecretLeakScanWizard(t *testing.T) {
	sb := startSandbox(t, sandbox.Options{
		UserSecret: "LEAK-user-9f1c2e", OrgSecret: "LEAK-org-4d7a11", ClientID: "leak-client", ClientSecret: "LEAK-client-77b3e0",
	})
	cfg, logDir := t.TempDir(), t.TempDir()
	env := binaryEnv(t, sb, cfg, "CONNECTWIZ_CALLBACK_URL=http://127.0.0.1:0/callback", browserEnv(t))

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
	produced := map[string]string{"wizard terminal": stripAuthorizeURL(term.output())}
	for _, dir := range []string{cfg, logDir} {
		readTree(t, dir, func(p string) bool { return filepath.Base(p) != keystore.TokensFile }, produced)
	}
	if _, ok := produced[filepath.Join(logDir, "wizard.log")]; !ok {
		t.Fatal("the wizard wrote no debug log")
	}
	goldens := 0
	readTree(t, filepath.Join("..", "ui"), func(p string) bool {
		ok := strings.HasSuffix(p, ".golden")
		if ok {
			goldens++
		}
		return ok
	}, produced)
	if goldens == 0 {
		t.Fatal("no ui golden file found to scan")
	}

	o := sb.Options()
	// The sandbox's default secrets too: a golden of the sandbox mode must
	// not show them either.
	needles := []string{o.UserSecret, o.OrgSecret, o.ClientSecret, sandbox.DefaultUserSecret, sandbox.DefaultOrgSecret, sandbox.DefaultClientSecret}
	codes := sb.IssuedCodes()
	needles = append(needles, codes...)
	insts := sb.Instances()
	for _, in := range insts {
		needles = append(needles, in.Token)
		for k, v := range in.Config {
			if strings.Contains(k, "secret") || strings.Contains(k, "token") {
				needles = append(needles, v)
			}
		}
	}
	if len(codes) != 1 || len(insts) != 1 {
		t.Fatalf("the sandbox issued %d codes and holds %d instances, want 1 and 1", len(codes), len(insts))
	}
	for where, text := range produced {
		for _, n := range needles {
			if n != "" && strings.Contains(text, n) {
				t.Errorf("%s contains a secret (%.6s…)", where, n)
			}
		}
	}
	t.Logf("scanned %d outputs and files (%d goldens) for %d secrets", len(produced), goldens, len(needles))
}

// readTree reads the files under dir that keep accepts into into.
func readTree(t *testing.T, dir string, keep func(string) bool, into map[string]string) {
	t.Helper()
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !keep(p) {
			return err
		}
		b, err := os.ReadFile(p)
		into[p] = string(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// stripAuthorizeURL drops the authorize URLs shown for the user to open:
// they carry the state by design, and nothing else secret.
func stripAuthorizeURL(s string) string {
	return regexp.MustCompile(`http://\S*/oauth/authorize\S*`).ReplaceAllString(s, "<authorize URL>")
}
