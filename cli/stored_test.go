package cli

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"

	"github.com/connectwiz/connectwiz/keystore"
)

// hostileIndex writes an index as an earlier version may have left it:
// raw platform strings with OSC 0, OSC 52, CSI (U+009B) and RLO (U+202E).
func hostileIndex(t *testing.T, f *Factory) {
	t.Helper()
	dir := f.store.Dir
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	idx := []keystore.Entry{{
		Name: "old", ID: "id\x1b]0;pwned\x07\x1b]52;c;ZXZpbA==\x07\u009b2J\u202etxt.exe", Connector: "c\u009b31m", BaseURL: "https://p.example/api",
		Tags: []string{"t\u202e"}, PlatformName: "p\u2066x", Storage: keystore.InFile,
	}}
	b, _ := json.Marshal(idx)
	if err := os.WriteFile(filepath.Join(dir, keystore.IndexFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

func assertNoControls(t *testing.T, what, s string) {
	t.Helper()
	for _, r := range s {
		if r == 0x1b || r == 0x07 || r >= 0x80 && r <= 0x9f || unicode.Is(unicode.Cf, r) {
			t.Fatalf("%s carries %U: %q", what, r, s)
		}
	}
}

// list --json escapes C1 and bidi controls (Go's encoder escapes C0 only)
// and shows stored strings as safe as fresh platform ones.
func TestListJSONEscapesC1AndBidi(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	hostileIndex(t, f)
	if code := run(t, context.Background(), f, "list", "--json"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	assertNoControls(t, "list --json", out.String())
	var got []map[string]any
	if err := json.Unmarshal([]byte(out.String()), &got); err != nil || len(got) != 1 || got[0]["name"] != "old" {
		t.Fatalf("not the JSON of the index: %v %s", err, out)
	}
	for _, cmd := range [][]string{{"list"}, {"doctor"}} {
		g, out2, _ := testFactory(t, nil)
		g.store = f.store
		run(t, context.Background(), g, cmd...)
		assertNoControls(t, strings.Join(cmd, " "), out2.String())
	}
}

// forget prints an old index's id made safe (no OSC 0 title, no OSC 52
// clipboard write), and still forgets the entry.
func TestForgetPrintsStoredIDSafely(t *testing.T) {
	f, out, errOut := testFactory(t, nil)
	hostileIndex(t, f)
	if code := run(t, context.Background(), f, "forget", "old"); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	assertNoControls(t, "forget", out.String()+errOut.String())
	if !strings.Contains(errOut.String(), "pwned") {
		t.Fatalf("the id is not shown at all: %s", errOut)
	}
	if entries, _ := f.store.Entries(); len(entries) != 0 {
		t.Fatalf("not forgotten: %v", entries)
	}
}
