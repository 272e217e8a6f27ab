package platform

import (
	"testing"
	"unicode"
)

// FuzzDecodeAPIError: any body and status decode without panic into an
// error whose text is printable.
func FuzzDecodeAPIError(f *testing.F) {
	f.Add(400, []byte(`{"message":"Missing required configuration entries: onedrivebusiness.site.address","requestId":"r"}`))
	f.Add(401, []byte(`{"message":"Invalid Organization or User secret"}`))
	f.Add(500, []byte("<html><body>\x1b[31mboom</body></html>"))
	f.Add(502, []byte(`{"message":`))
	f.Add(404, []byte{0xff, 0xfe, 0x00})
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		e := decodeAPIError("fuzz", status, body)
		msg := e.Error()
		for _, r := range msg {
			if r != ' ' && !unicode.IsPrint(r) {
				t.Fatalf("unprintable %q in %q", r, msg)
			}
		}
		for _, k := range e.Missing {
			if !dottedKeyRe().MatchString(k) {
				t.Fatalf("bad key %q", k)
			}
		}
	})
}
