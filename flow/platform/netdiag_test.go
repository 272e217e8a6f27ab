package platform

import (
	"strings"
	"testing"
)

// Go reads SSL_CERT_FILE and SSL_CERT_DIR on Linux and the BSDs only; on
// macOS and Windows the cure is the system's trust store.
func TestCertificateFixPerOS(t *testing.T) {
	for goos, want := range map[string]string{
		"linux":   "give its CA certificate in SSL_CERT_FILE",
		"freebsd": "give its CA certificate in SSL_CERT_FILE",
		"darwin":  "add its CA certificate to the system's trust store",
		"windows": "add its CA certificate to the system's trust store",
	} {
		if got := certificateFix(goos); !strings.Contains(got, want) || !strings.Contains(got, "SSL_CERT_DIR") || !strings.Contains(got, "HTTPS_PROXY") {
			t.Errorf("%s: %s", goos, got)
		}
	}
}
