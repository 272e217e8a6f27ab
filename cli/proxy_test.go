package cli_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// The real binary, HTTP_PROXY in its environment pointing at a proxy that
// wants credentials: doctor's platform check names the proxy and where its
// credentials go, never "the platform answered 407". The platform's host
// is a .invalid name: Go's proxy rules skip loopback hosts, and only the
// proxy ever sees this one (it receives the absolute URI; no DNS lookup).
func TestDoctorNamesTheProxysRefusal(t *testing.T) {
	var asked []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		asked = append(asked, r.URL.String())
		w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
		w.WriteHeader(http.StatusProxyAuthRequired)
	}))
	defer proxy.Close()
	host := strings.TrimPrefix(proxy.URL, "http://")
	sb := testkit.Sandbox(t, sandbox.Options{})
	env := binaryEnv(t, sb, t.TempDir(), "HTTP_PROXY="+proxy.URL, "NO_PROXY=")
	r := runBinary(t, env, "doctor", "--json", "--base-url", "http://platform.invalid/api", "--callback-url", "http://127.0.0.1:0/callback")
	var checks []map[string]string
	if err := json.Unmarshal([]byte(r.stdout), &checks); err != nil {
		t.Fatalf("exit %d: %v\n%s\n%s", r.code, err, r.stdout, r.stderr)
	}
	var platform map[string]string
	for _, c := range checks {
		if c["check"] == "platform" {
			platform = c
		}
	}
	if platform["status"] != "problem" || !strings.Contains(platform["detail"], "the proxy at "+host+" asks for credentials") ||
		!strings.Contains(platform["fix"], "HTTP_PROXY=http://user:pass@"+host) || strings.Contains(platform["detail"], "platform answered") {
		t.Fatalf("platform check: %v", platform)
	}
	if len(asked) == 0 || !strings.HasPrefix(asked[0], "http://platform.invalid/api/") {
		t.Fatalf("the proxy was asked for %q", asked)
	}
}
