package platform

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"

	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// ProxyError is an answer of the HTTP proxy between connectwiz and the
// platform instead of the platform's: the request never reached the
// platform (nothing was created).
type ProxyError struct {
	Op string
	// Proxy is the proxy's host and port, safe to print ("" when the
	// proxy in use is not known).
	Proxy string
	// Status is the proxy's answer, e.g. 407 Proxy Authentication Required.
	Status int
	// Var is the variable that names the proxy for the platform's URL
	// (HTTPS_PROXY or HTTP_PROXY); Scheme the proxy URL's scheme.
	Var, Scheme string
	// HasCredentials is set when the proxy URL carries a user name.
	HasCredentials bool
}

func (e *ProxyError) Error() string {
	who := "a proxy between here and the platform"
	if e.Proxy != "" {
		who = "the proxy at " + e.Proxy
	}
	example := fmt.Sprintf("%s=%s://user:pass@%s", e.Var, e.Scheme, cmp.Or(e.Proxy, "host:port"))
	switch {
	case e.Status == http.StatusProxyAuthRequired && e.HasCredentials:
		return fmt.Sprintf("could not %s: %s refused the credentials in %s (407 Proxy Authentication Required); check the user and password there (%s)", e.Op, who, e.Var, example)
	case e.Status == http.StatusProxyAuthRequired:
		return fmt.Sprintf("could not %s: %s asks for credentials (407 Proxy Authentication Required): put them in %s", e.Op, who, example)
	}
	return fmt.Sprintf("could not %s: %s answered %d %s instead of reaching the platform; check %s and NO_PROXY", e.Op, who, e.Status, http.StatusText(e.Status), e.Var)
}

// proxyError is the ProxyError for a proxy's answer status to a request
// for target (nil proxy: not known).
func proxyError(op string, proxy *url.URL, target *url.URL, status int) *ProxyError {
	e := &ProxyError{Op: op, Status: status, Var: "HTTPS_PROXY", Scheme: "http"}
	if target != nil && target.Scheme == "http" {
		e.Var = "HTTP_PROXY"
	}
	if proxy != nil {
		e.Proxy = termsafe.Sanitize(proxy.Host, 100)
		e.Scheme = termsafe.Sanitize(proxy.Scheme, 10)
		e.HasCredentials = proxy.User != nil
	}
	return e
}

// proxyFor is the proxy the client's transport uses for req; nil for none
// (or one it cannot tell).
func (c *Client) proxyFor(req *http.Request) *url.URL {
	tr := http.DefaultTransport.(*http.Transport)
	if c.HTTP != nil && c.HTTP.Transport != nil {
		t, ok := c.HTTP.Transport.(*http.Transport)
		if !ok {
			return nil
		}
		tr = t
	}
	if tr.Proxy == nil {
		return nil
	}
	u, err := tr.Proxy(req)
	if err != nil {
		return nil
	}
	return u
}

// onProxyConnect is the transport's OnProxyConnectResponse: a proxy that
// refuses the CONNECT to an https platform is named, not left as a bare
// status text.
func onProxyConnect(_ context.Context, proxy *url.URL, connectReq *http.Request, resp *http.Response) error {
	if resp.StatusCode == http.StatusOK {
		return nil
	}
	return proxyError("", proxy, &url.URL{Scheme: "https", Host: connectReq.URL.Host}, resp.StatusCode)
}

// certProblem says what is wrong with the platform's certificate, or ""
// when err is not a certificate error.
func certProblem(err error) string {
	var (
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
	)
	switch {
	case errors.As(err, &unknown):
		return "its certificate is signed by an authority this machine does not trust"
	case errors.As(err, &hostname):
		return "its certificate is for other host names (check the platform URL)"
	case errors.As(err, &invalid) && invalid.Reason == x509.Expired:
		return "its certificate has expired or is not valid yet (or this machine's clock is wrong)"
	case errors.As(err, &invalid), errors.As(err, &verify):
		return "its certificate is not accepted"
	}
	return ""
}

// IsCertificateError reports whether err is the platform's certificate
// not being trusted.
func IsCertificateError(err error) bool { return certProblem(err) != "" }

// CertificateFix is what to do about a certificate this machine does not
// trust, most often a TLS-inspecting proxy's: where Go reads extra CA
// certificates on this OS.
func CertificateFix() string { return certificateFix(runtime.GOOS) }

func certificateFix(goos string) string {
	const proxies = "; check HTTPS_PROXY and NO_PROXY too"
	if !certEnvRead(goos) {
		return "if a TLS-inspecting proxy sits in between, add its CA certificate to the system's trust store (SSL_CERT_FILE and SSL_CERT_DIR are read on Linux and the BSDs only)" + proxies
	}
	return "if a TLS-inspecting proxy sits in between, give its CA certificate in SSL_CERT_FILE (a PEM bundle, read instead of the system's) or SSL_CERT_DIR (a directory of PEM files)" + proxies
}

// CertSource is a place SSL_CERT_FILE or SSL_CERT_DIR names and what
// it holds.
type CertSource struct {
	// Var is SSL_CERT_FILE or SSL_CERT_DIR; Path the file or directory.
	Var, Path string
	// Certs counts the PEM certificates Go would load from it.
	Certs int
	// Err is why it could not be read.
	Err error
}

// CertSources reads what SSL_CERT_FILE (file) and SSL_CERT_DIR (dir, a
// list of directories separated by the OS's list separator) name, as Go's
// crypto/x509 does on Linux and the BSDs: the file's PEM certificates,
// each directory's files'.
func CertSources(file, dir string) []CertSource {
	var out []CertSource
	if file != "" {
		s := CertSource{Var: "SSL_CERT_FILE", Path: file}
		var data []byte
		if data, s.Err = os.ReadFile(file); s.Err == nil {
			s.Certs = countCerts(data)
		}
		out = append(out, s)
	}
	for _, d := range filepath.SplitList(dir) {
		if d == "" {
			continue
		}
		s := CertSource{Var: "SSL_CERT_DIR", Path: d}
		var files []os.DirEntry
		if files, s.Err = os.ReadDir(d); s.Err == nil {
			for _, f := range files {
				if data, err := os.ReadFile(filepath.Join(d, f.Name())); err == nil {
					s.Certs += countCerts(data)
				}
			}
		}
		out = append(out, s)
	}
	return out
}

// countCerts counts the certificates of PEM data that parse.
func countCerts(data []byte) int {
	n := 0
	for {
		var b *pem.Block
		b, data = pem.Decode(data)
		if b == nil {
			return n
		}
		if b.Type == "CERTIFICATE" {
			if _, err := x509.ParseCertificate(b.Bytes); err == nil {
				n++
			}
		}
	}
}

// CertEnvRead reports whether Go reads SSL_CERT_FILE and SSL_CERT_DIR on
// this OS (not on macOS and Windows, which ask the system's verifier).
func CertEnvRead() bool { return certEnvRead(runtime.GOOS) }

func certEnvRead(goos string) bool { return goos != "darwin" && goos != "windows" }
