package cli

import (
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/keystore"
)

// complete runs cobra's hidden __complete command and returns the
// completions (the last line, the directive, dropped).
func complete(t *testing.T, f *Factory, args ...string) []string {
	t.Helper()
	out := f.IO.Out.(*lockedBuffer)
	out.buf.Reset()
	if code := run(t, context.Background(), f, append([]string{"__complete"}, args...)...); code != exitOK {
		t.Fatalf("__complete %q: exit %d", args, code)
	}
	lines := strings.Split(strings.TrimRight(out.String(), "\n"), "\n")
	if last := lines[len(lines)-1]; last != ":4" { // ShellCompDirectiveNoFileComp
		t.Fatalf("__complete %q: directive %q, want :4 (no file names)", args, last)
	}
	return lines[:len(lines)-1]
}

func TestCompletions(t *testing.T) {
	f, _, _ := testFactory(t, nil)
	for _, e := range []keystore.Entry{
		{Name: "drive", ID: "1", Connector: "onedrivebusiness", BaseURL: "https://a.example/api"},
		{Name: "box-1", ID: "2", Connector: "box", BaseURL: "https://a.example/api"},
		{Name: "drive", ID: "3", Connector: "box", BaseURL: "https://b.example/api"},
	} {
		if _, err := f.store.Save(e, "tok", true); err != nil {
			t.Fatal(err)
		}
	}
	for name, tc := range map[string]struct {
		args []string
		want string
	}{
		"token names":         {[]string{"token", ""}, "box-1 drive"},
		"forget names":        {[]string{"forget", ""}, "box-1 drive"},
		"token, one name":     {[]string{"token", "drive", ""}, ""},
		"create --key":        {[]string{"create", "--key", ""}, "box onedrivebusiness"},
		"root --key":          {[]string{"--key", ""}, "box onedrivebusiness"},
		"create --key prefix": {[]string{"create", "--key", "o"}, "onedrivebusiness"},
	} {
		t.Run(name, func(t *testing.T) {
			got := complete(t, f, tc.args...)
			sort.Strings(got)
			if strings.Join(got, " ") != tc.want {
				t.Fatalf("got %q, want %q", got, tc.want)
			}
		})
	}
	t.Run("--sandbox names", func(t *testing.T) {
		sb := f.store.SandboxStore()
		if _, err := sb.Save(keystore.Entry{Name: "sandbox-drive", ID: "9", Connector: "onedrivebusiness", BaseURL: "http://127.0.0.1:1/api"}, "tok", true); err != nil {
			t.Fatal(err)
		}
		for _, cmd := range []string{"token", "forget"} {
			if got := complete(t, f, cmd, "--sandbox", ""); strings.Join(got, " ") != "sandbox-drive" {
				t.Fatalf("%s --sandbox completes %q, want the sandbox's names only", cmd, got)
			}
		}
	})
	t.Run("--key without an index", func(t *testing.T) {
		f, _, _ := testFactory(t, nil)
		if got := complete(t, f, "--key", ""); strings.Join(got, " ") != "onedrivebusiness" {
			t.Fatalf("got %q", got)
		}
	})
}
