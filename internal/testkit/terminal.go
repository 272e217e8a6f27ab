package testkit

import (
	"bytes"
	"strings"
	"testing"
)

// Dangerous are the characters no platform string may carry to a
// terminal (or past the wire boundary into logs and the index): ESC
// (OSC 0 retitles, OSC 52 writes the clipboard, CSI 2J clears), BEL, the
// C1 controls CSI, OSC and NEL, and the bidi override and isolates.
var Dangerous = []string{"\x1b", "\x07", "\u009b", "\u009d", "\u0085", "\u202e", "\u2066", "\u2069"}

// AssertInert fails t for each Dangerous character b carries; what names b.
func AssertInert(t testing.TB, what string, b []byte) {
	t.Helper()
	for _, d := range Dangerous {
		if bytes.Contains(b, []byte(d)) {
			t.Errorf("%s carries %q:\n%q", what, d, b)
		}
	}
}

// InOrder fails t unless the texts show in out in this order.
func InOrder(t testing.TB, out string, texts ...string) {
	t.Helper()
	rest := out
	for _, s := range texts {
		i := strings.Index(rest, s)
		if i < 0 {
			t.Fatalf("%q does not show (in order) in:\n%s", s, out)
		}
		rest = rest[i+len(s):]
	}
}
