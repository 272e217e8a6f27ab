package flow_test

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/platform"
)

// trusting returns a client for base that trusts the certificate cert.
func trusting(base string, cert *x509.Certificate) *platform.Client {
	c := platform.NewClient(base, "u", "o", "t")
	c.Retries = 0
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	c.HTTP.Transport.(*http.Transport).TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return c
}

// quietTLS starts srv with TLS, its refused handshakes not logged.
func quietTLS(srv *httptest.Server) *httptest.Server {
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	return srv
}

// expiredServer is a TLS server whose self-signed certificate for
// 127.0.0.1 expired yesterday.
func expiredServer(t *testing.T) (*httptest.Server, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "expired"},
		NotBefore: time.Now().Add(-48 * time.Hour), NotAfter: time.Now().Add(-24 * time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, _ := x509.ParseCertificate(der)
	srv := httptest.NewUnstartedServer(jsonStatus(200, "[]"))
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{Certificate: [][]byte{der}, PrivateKey: key}}, MinVersion: tls.VersionTLS12}
	quietTLS(srv)
	t.Cleanup(srv.Close)
	return srv, cert
}

// A certificate this machine does not trust (a TLS-inspecting proxy's,
// most often) names where to give the CA: SSL_CERT_FILE and SSL_CERT_DIR
// (the system's trust store on macOS and Windows), besides the proxy
// variables; the create it stops made nothing.
func TestCertificateErrorsNameTheCure(t *testing.T) {
	self := quietTLS(httptest.NewUnstartedServer(jsonStatus(200, "[]")))
	defer self.Close()
	expired, expiredCert := expiredServer(t)
	_, port, _ := net.SplitHostPort(self.Listener.Addr().String())
	for name, tc := range map[string]struct {
		c    *platform.Client
		want string
	}{
		"unknown authority": {platform.NewClient(self.URL, "u", "o", "t"), "signed by an authority this machine does not trust"},
		"hostname mismatch": {trusting("https://localhost:"+port, self.Certificate()), "for other host names"},
		"expired":           {trusting(expired.URL, expiredCert), "has expired"},
	} {
		t.Run(name, func(t *testing.T) {
			tc.c.Retries = 0
			err := tc.c.CheckSecrets(context.Background())
			if err == nil || !platform.IsCertificateError(err) {
				t.Fatalf("not a certificate error: %v", err)
			}
			msg := err.Error()
			for _, w := range []string{tc.want, "HTTPS_PROXY", "NO_PROXY", "SSL_CERT_FILE", "SSL_CERT_DIR"} {
				if !strings.Contains(msg, w) {
					t.Errorf("lacks %q: %s", w, msg)
				}
			}
			if runtime.GOOS == "linux" && !strings.Contains(msg, "give its CA certificate in SSL_CERT_FILE") {
				t.Errorf("the Linux cure is not named: %s", msg)
			}
			_, err = tc.c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "n"})
			if platform.OutcomeOf(err) != platform.Refused {
				t.Errorf("a create stopped by the certificate is %v: %v", platform.OutcomeOf(err), err)
			}
		})
	}
}

// fakeProxy answers every request (absolute-URI GETs and CONNECTs alike)
// with status and body, and records the hosts asked for.
func fakeProxy(t *testing.T, status int, body string) (*url.URL, *[]string) {
	t.Helper()
	var hosts []string
	p := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hosts = append(hosts, r.Host)
		if status == http.StatusProxyAuthRequired {
			w.Header().Set("Proxy-Authenticate", `Basic realm="corp"`)
		}
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(p.Close)
	u, _ := url.Parse(p.URL)
	return u, &hosts
}

// viaProxy is a client for base whose proxy is proxy, as HTTP(S)_PROXY
// would set it (http.ProxyFromEnvironment reads the environment once per
// process, and never for loopback hosts: hence a .invalid host name, which
// only the proxy ever sees).
func viaProxy(base string, proxy *url.URL) *platform.Client {
	c := platform.NewClient(base, "u", "o", "t")
	c.Retries = 0
	c.HTTP.Transport.(*http.Transport).Proxy = http.ProxyURL(proxy)
	return c
}

// A proxy's 407 is named as the proxy's, with where its credentials go —
// never "the platform answered 407"; a create it stopped made nothing.
func TestProxyAuthenticationRequired(t *testing.T) {
	proxy, hosts := fakeProxy(t, http.StatusProxyAuthRequired, "<html>Proxy Authentication Required</html>")
	withUser := *proxy
	withUser.User = url.UserPassword("me", "wrong")
	for name, tc := range map[string]struct {
		base  string
		proxy *url.URL
		want  string
	}{
		"plain http":        {"http://platform.invalid/api", proxy, "the proxy at " + proxy.Host + " asks for credentials (407 Proxy Authentication Required): put them in HTTP_PROXY=http://user:pass@" + proxy.Host},
		"https (CONNECT)":   {"https://platform.invalid/api", proxy, "the proxy at " + proxy.Host + " asks for credentials (407 Proxy Authentication Required): put them in HTTPS_PROXY=http://user:pass@" + proxy.Host},
		"wrong credentials": {"https://platform.invalid/api", &withUser, "the proxy at " + proxy.Host + " refused the credentials in HTTPS_PROXY"},
	} {
		t.Run(name, func(t *testing.T) {
			*hosts = nil
			c := viaProxy(tc.base, tc.proxy)
			err := c.CheckSecrets(context.Background())
			var pe *platform.ProxyError
			if !errors.As(err, &pe) || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "platform answered") || strings.Contains(err.Error(), "wrong") {
				t.Fatalf("%v", err)
			}
			if len(*hosts) == 0 || !strings.HasPrefix((*hosts)[0], "platform.invalid") {
				t.Fatalf("the proxy was asked for %q", *hosts)
			}
			_, err = c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "n"})
			if platform.OutcomeOf(err) != platform.Refused {
				t.Errorf("a create the proxy stopped is %v: %v", platform.OutcomeOf(err), err)
			}
		})
	}
}

// A 401 that came through a proxy and is not the platform's JSON may be
// the proxy's: it is not called the platform's refusal of the secrets. The
// platform's own 401 through the same proxy still is.
func TestUnauthorizedThroughAProxy(t *testing.T) {
	page, _ := fakeProxy(t, http.StatusUnauthorized, "<html>Access denied by policy</html>")
	err := viaProxy("http://platform.invalid/api", page).CheckSecrets(context.Background())
	e, ok := platform.AsAPIError(err)
	if !ok || !e.MaybeProxy() || !strings.Contains(err.Error(), "came through the proxy at "+page.Host) ||
		!strings.Contains(err.Error(), "HTTP_PROXY=http://user:pass@"+page.Host) || strings.Contains(err.Error(), "platform refused") {
		t.Fatalf("%v", err)
	}
	platformJSON, _ := fakeProxy(t, http.StatusUnauthorized, `{"message":"Invalid Organization or User secret","requestId":"r1"}`)
	err = viaProxy("http://platform.invalid/api", platformJSON).CheckSecrets(context.Background())
	if e, ok := platform.AsAPIError(err); !ok || e.MaybeProxy() || !strings.Contains(err.Error(), "the platform refused the User or Organization secret") {
		t.Fatalf("%v", err)
	}
}

// A proxy that cannot be reached is named as the proxy, and a create it
// stopped made nothing.
func TestUnreachableProxy(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	gone := &url.URL{Scheme: "http", Host: ln.Addr().String()}
	_ = ln.Close()
	c := viaProxy("https://platform.invalid/api", gone)
	err = c.CheckSecrets(context.Background())
	if err == nil || !strings.Contains(err.Error(), "cannot reach the proxy") || !strings.Contains(err.Error(), "HTTPS_PROXY") {
		t.Fatalf("%v", err)
	}
	_, err = c.CreateInstance(context.Background(), platform.InstanceRequest{Name: "n"})
	if platform.OutcomeOf(err) != platform.Refused {
		t.Errorf("a create that never reached the proxy is %v: %v", platform.OutcomeOf(err), err)
	}
}
