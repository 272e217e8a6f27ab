package termsafe

import (
	"fmt"
	"io"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"
)

// EscapeJSON rewrites, in JSON text, the runes that Go's encoder leaves
// as they are and that a terminal or a bidi-aware viewer acts on — C1
// controls (U+0080–U+009F, CSI U+009B among them) and Unicode format
// characters (category Cf: bidi embeddings, overrides and isolates such as
// U+202E, zero-width characters) — as \uXXXX escapes (a surrogate pair
// above U+FFFF). Valid JSON holds such runes only inside strings, so the
// result decodes to the same value. C0 controls are escaped by the
// encoder already.
func EscapeJSON(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r >= 0x80 && r <= 0x9f || r > 0x7f && unicode.Is(unicode.Cf, r) {
			if r > 0xffff {
				hi, lo := utf16.EncodeRune(r)
				out = fmt.Appendf(out, `\u%04x\u%04x`, hi, lo)
			} else {
				out = fmt.Appendf(out, `\u%04x`, r)
			}
		} else {
			out = append(out, b[:n]...)
		}
		b = b[n:]
	}
	return out
}

// JSONWriter returns a writer that passes JSON text to w through
// EscapeJSON: wrap a json.Encoder's writer in it (the encoder writes each
// value in one call).
func JSONWriter(w io.Writer) io.Writer { return jsonWriter{w} }

type jsonWriter struct{ w io.Writer }

func (j jsonWriter) Write(p []byte) (int, error) {
	if _, err := j.w.Write(EscapeJSON(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}
