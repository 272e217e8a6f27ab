package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// doctorPlatform asks the platform whether it takes the secrets from the
// environment, or those remembered in the keychain, as a create would. A
// refusal is named as the proxy's or the certificate's when it is.
func doctorPlatform(ctx context.Context, f *Factory, s *flow.Session, base string) checkResult {
	secrets := f.Env.PlatformSecrets(base)
	source := "the environment"
	if !secrets.HasPlatformSecrets() {
		s.FillRemembered(&secrets)
		source = "the keychain (remembered)"
		if !secrets.HasPlatformSecrets() {
			return res(checkPlatform, statusSkipped, "not checked: no User and Organization secrets for "+base,
				"set "+platform.EnvUserSecret+" and "+platform.EnvOrgSecret+" to check the platform and its secrets")
		}
	}
	c := s.Client(secrets)
	c.Timeout, c.Retries = platformTimeout, 0
	ctx, cancel := context.WithTimeout(ctx, platformTimeout)
	defer cancel()
	start := time.Now()
	err := c.CheckSecrets(ctx)
	took := time.Since(start).Round(time.Millisecond)
	c.HTTP.CloseIdleConnections()
	ae, isAPI := platform.AsAPIError(err)
	var pe *platform.ProxyError
	switch {
	case err == nil && flow.PlainHTTPWarning(base) != "":
		return res(checkPlatform, statusWarning, fmt.Sprintf("%s answered in %s and accepted the secrets from %s, but %s", base, took, source, flow.PlainHTTPWarning(base)),
			"use the platform's https URL (--base-url or CONNECTWIZ_BASE_URL)")
	case err == nil:
		return res(checkPlatform, statusOK, fmt.Sprintf("%s answered in %s and accepted the secrets from %s", base, took, source), "")
	case errors.As(err, &pe):
		return res(checkPlatform, statusProblem, fmt.Sprintf("%s was not reached: %v", base, err),
			fmt.Sprintf("give the proxy's credentials in %s (%s=%s://user:pass@%s), or list the platform's host in NO_PROXY if it is to be reached directly", pe.Var, pe.Var, pe.Scheme, cmp.Or(pe.Proxy, "host:port")))
	case platform.IsCertificateError(err):
		return res(checkPlatform, statusProblem, fmt.Sprintf("%s is not trusted: %v", base, err), platform.CertificateFix())
	case isAPI && ae.MaybeProxy():
		return res(checkPlatform, statusProblem, fmt.Sprintf("%s was asked through the proxy at %s, which answered %d in a page that is not the platform's: %v", base, ae.Proxy, ae.Status, err),
			fmt.Sprintf("if the proxy wants credentials, give them in %s=http://user:pass@%s; else check %s and %s", ae.ProxyVar, ae.Proxy, platform.EnvUserSecret, platform.EnvOrgSecret))
	case isAPI && ae.Unauthorized():
		fix := "check " + platform.EnvUserSecret + " and " + platform.EnvOrgSecret + " for this platform"
		if source != "the environment" {
			fix = "set the right ones in " + platform.EnvUserSecret + " and " + platform.EnvOrgSecret + ", or drop the stale ones: connectwiz secrets forget --base-url " + base
		}
		return res(checkPlatform, statusProblem, fmt.Sprintf("%s is reachable but refused the secrets from %s: %v", base, source, err), fix)
	case isAPI:
		return res(checkPlatform, statusProblem, fmt.Sprintf("%s answered with an error: %v", base, err),
			"check the platform URL (--base-url or CONNECTWIZ_BASE_URL); if it is right, the platform may be down: try again later")
	}
	return res(checkPlatform, statusProblem, fmt.Sprintf("%s is not reachable: %v", base, err),
		"check the platform URL (--base-url or CONNECTWIZ_BASE_URL), the network, and HTTPS_PROXY if you need a proxy")
}

// doctorCerts checks what SSL_CERT_FILE and SSL_CERT_DIR name, when set:
// each must be readable and hold certificates, or every https call fails
// with an untrusted certificate.
func doctorCerts(file, dir string) checkResult {
	if file == "" && dir == "" {
		return res(checkCerts, statusOK, "SSL_CERT_FILE and SSL_CERT_DIR are not set: the system's CA certificates are used", "")
	}
	if !platform.CertEnvRead() {
		return res(checkCerts, statusWarning, "SSL_CERT_FILE or SSL_CERT_DIR is set, but Go does not read them on this OS: the system's trust store is used",
			"add the CA certificate (a TLS-inspecting proxy's) to the system's trust store, and unset SSL_CERT_FILE and SSL_CERT_DIR")
	}
	var good, bad []string
	for _, s := range platform.CertSources(file, dir) {
		where := s.Var + "=" + termsafe.Sanitize(s.Path, 300)
		switch {
		case s.Err != nil:
			bad = append(bad, fmt.Sprintf("%s cannot be read (%v)", where, s.Err))
		case s.Certs == 0:
			bad = append(bad, where+" holds no PEM certificate")
		default:
			good = append(good, fmt.Sprintf("%s holds %d %s", where, s.Certs, plural(s.Certs, "certificate", "certificates")))
		}
	}
	if len(bad) > 0 {
		return res(checkCerts, statusProblem, strings.Join(append(bad, good...), "; "),
			"point SSL_CERT_FILE at a readable PEM bundle (your proxy's CA certificate and the system's, e.g. /etc/ssl/certs/ca-certificates.crt) and SSL_CERT_DIR at directories of PEM files, or unset them")
	}
	return res(checkCerts, statusOK, strings.Join(good, "; "), "")
}
