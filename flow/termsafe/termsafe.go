// Package termsafe makes untrusted text safe for a terminal, a log and a
// file, and writes the terminal's clipboard sequence.
package termsafe

import (
	"strings"
	"unicode"
)

// Sanitize is THE function for every platform-supplied (or otherwise
// untrusted) string: apply it once, at the boundary, before the text is
// displayed, logged or stored. It returns valid UTF-8 holding only printable
// characters: ESC (so OSC and CSI sequences such as OSC 0, OSC 52 or CSI 2J
// become inert text), BEL, DEL and every other C0 or C1 control, the Unicode
// format characters (category Cf: bidi embeddings, overrides and isolates
// U+202A–U+202E and U+2066–U+2069, marks, zero-width characters, tags) and
// private-use or unassigned code points are dropped; white space, line
// breaks included, is folded to single spaces. The result has at most n
// runes, "…" marking a cut. It is safe for a terminal, a log and a file.
func Sanitize(s string, n int) string {
	s = strings.ToValidUTF8(s, "")
	var b strings.Builder
	space := false
	count := 0
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if !unicode.IsPrint(r) {
			continue
		}
		if space {
			b.WriteByte(' ')
			count++
			space = false
		}
		if count >= n {
			b.WriteString("…")
			break
		}
		b.WriteRune(r)
		count++
	}
	return b.String()
}
