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
