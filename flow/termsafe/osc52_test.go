package termsafe

import (
	"bytes"
	"encoding/base64"
	"strings"
	"testing"
)

// TestCopyPlainInTmux: the sequence is plain OSC 52 (tmux takes it when
// set-clipboard is on; its passthrough wrapping is dropped by default), and
// wrapped in a DCS only for GNU screen.
func TestCopyPlainInTmux(t *testing.T) {
	const text = "https://login.example/authorize?x=1"
	want := "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\x07"
	var b bytes.Buffer
	if err := Copy(&b, text, false); err != nil {
		t.Fatal(err)
	}
	if b.String() != want {
		t.Fatalf("plain: %q, want %q", b.String(), want)
	}
	b.Reset()
	if err := Copy(&b, text, true); err != nil {
		t.Fatal(err)
	}
	if s := b.String(); !strings.HasPrefix(s, "\x1bP") || !strings.Contains(s, base64.StdEncoding.EncodeToString([]byte(text))) || strings.HasPrefix(s, "\x1bPtmux;") {
		t.Fatalf("screen: %q", s)
	}
}
