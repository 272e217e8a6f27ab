package main

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/cli"
)

func TestManPages(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "manpages")
	n, err := writeManPages(cli.Command(), options{Dir: dir, Gzip: true})
	if err != nil || n < 10 {
		t.Fatalf("%d pages, %v", n, err)
	}
	names, err := filepath.Glob(filepath.Join(dir, "*"))
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]bool{}
	for _, n := range names {
		got[filepath.Base(n)] = true
	}
	for _, want := range []string{"connectwiz.1.gz", "connectwiz-create.1.gz", "connectwiz-doctor.1.gz", "connectwiz-secrets-forget.1.gz", "connectwiz-token.1.gz"} {
		if !got[want] {
			t.Errorf("no %s in %v", want, names)
		}
	}
	for n := range got {
		if strings.Contains(n, "-man.") || strings.Contains(n, "help") || strings.Contains(n, "__complete") {
			t.Errorf("a page for a hidden command: %s", n)
		}
	}
	page := gunzip(t, filepath.Join(dir, "connectwiz-doctor.1.gz"))
	for _, want := range []string{`.TH "CONNECTWIZ-DOCTOR" "1"`, `\fB--callback-url\fP`, "connectwiz manual"} {
		if !strings.Contains(page, want) {
			t.Errorf("the doctor page lacks %q:\n%s", want, page)
		}
	}
}

func gunzip(t *testing.T, path string) string {
	t.Helper()
	fh, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = fh.Close() }()
	z, err := gzip.NewReader(fh)
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// TestManSections checks the main page carries EXIT STATUS, ENVIRONMENT
// and FILES in full (every variable connectwiz reads, every exit code,
// the files of the config dir), every other page points to them, and
// flag defaults keep their placeholders.
func TestManSections(t *testing.T) {
	dir := t.TempDir()
	if _, err := writeManPages(cli.Command(), options{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	read := func(name string) string {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		return string(b)
	}
	root := read("connectwiz.1")
	section := func(page, name string) string {
		i := strings.Index(page, ".SH "+name+"\n")
		if i < 0 {
			t.Errorf("no %s section", name)
			return ""
		}
		rest := page[i+len(".SH "+name+"\n"):]
		if j := strings.Index(rest, ".SH "); j >= 0 {
			rest = rest[:j]
		}
		return strings.ReplaceAll(rest, `\-`, "-")
	}
	env := section(root, "ENVIRONMENT")
	for _, v := range []string{
		"CONNECTWIZ_USER_SECRET", "CONNECTWIZ_ORG_SECRET", "CONNECTWIZ_CLIENT_SECRET",
		"CONNECTWIZ_BASE_URL", "CONNECTWIZ_KEY", "CONNECTWIZ_CLIENT_ID", "CONNECTWIZ_CALLBACK_URL",
		"CONNECTWIZ_CONFIG_DIR", "CONNECTWIZ_KEYRING_TIMEOUT", "CONNECTWIZ_DEBUG",
		"BROWSER", "NO_COLOR", "ACCESSIBLE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY",
		"SSL_CERT_FILE", "SSL_CERT_DIR", "XDG_CONFIG_HOME", "DBUS_SESSION_BUS_ADDRESS",
	} {
		if !strings.Contains(env, `\fB`+v) && !strings.Contains(env, ", "+v) {
			t.Errorf("ENVIRONMENT lacks %s:\n%s", v, env)
		}
	}
	exits := section(root, "EXIT STATUS")
	for _, code := range []string{"0", "1", "2", "130"} {
		if !strings.Contains(exits, `\fB`+code+`\fP`) {
			t.Errorf("EXIT STATUS lacks %s:\n%s", code, exits)
		}
	}
	fs := section(root, "FILES")
	for _, f := range []string{"instances.json", "tokens.json", "0600", "pending/", "answers.json", "sandbox/", "CONNECTWIZ_CONFIG_DIR", "XDG_CONFIG_HOME"} {
		if !strings.Contains(fs, f) {
			t.Errorf("FILES lacks %s:\n%s", f, fs)
		}
	}
	if strings.Index(root, ".SH FILES") > strings.Index(root, ".SH SEE ALSO") {
		t.Error("FILES comes after SEE ALSO")
	}

	create := read("connectwiz-create.1")
	for _, s := range []string{"EXIT STATUS", "ENVIRONMENT", "FILES"} {
		if !strings.Contains(section(create, s), `\fBconnectwiz\fP(1)`) {
			t.Errorf("the create page's %s does not point to connectwiz(1)", s)
		}
	}
	// Markdown took <connector> for an HTML tag: "(default --)".
	if want := "(default <connector>-<user>-<yyyymmdd>)"; !strings.Contains(strings.ReplaceAll(create, `\-`, "-"), want) {
		t.Errorf("the create page lacks %q:\n%s", want, create)
	}
}
