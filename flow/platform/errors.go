package platform

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strings"
	"sync"

	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// APIError is an error answer from the platform.
type APIError struct {
	// Op names the call, e.g. "create the instance".
	Op              string
	Status          int
	Message         string
	RequestID       string
	ProviderMessage string
	// Missing lists the configuration entries a 400 said are missing.
	Missing []string
	// Excerpt is a short, sanitized piece of a body that was not the
	// platform's JSON error.
	Excerpt string
	// Redirect is set when the platform answered with a redirect (3xx),
	// which connectwiz never follows.
	Redirect bool
	// Location is the sanitized host (and port) the redirect pointed to;
	// empty when the answer had no Location.
	Location string
	// Page is set when the answer had a body that is not the platform's
	// JSON error (a gateway's or a proxy's page).
	Page bool
	// Unknown is set on a create's answer that leaves it unknown whether
	// the instance was made (see Outcome): no hint to try again.
	Unknown bool
	// Proxy is the host of the HTTP proxy the answer came through, when
	// one is in use for the platform's URL; ProxyVar the variable that
	// names it (HTTPS_PROXY or HTTP_PROXY).
	Proxy, ProxyVar string
}

// MaybeProxy reports whether a refusal (401, 403) may be the proxy's
// rather than the platform's: it came through a proxy and is not the
// platform's JSON error.
func (e *APIError) MaybeProxy() bool {
	return e.Proxy != "" && e.Unauthorized() && e.Message == "" && e.RequestID == "" && e.ProviderMessage == ""
}

// Error implements error.
func (e *APIError) Error() string {
	var b strings.Builder
	if e.Redirect {
		where := "without a location"
		if e.Location != "" {
			where = "redirecting to " + e.Location
		}
		fmt.Fprintf(&b, "could not %s: the platform answered %d %s; connectwiz follows no redirects (check the platform URL)", e.Op, e.Status, where)
		return b.String()
	}
	if e.MaybeProxy() {
		fmt.Fprintf(&b, "could not %s: the answer %d %s came through the proxy at %s and is not the platform's", e.Op, e.Status, http.StatusText(e.Status), e.Proxy)
	} else {
		fmt.Fprintf(&b, "could not %s: the platform answered %d %s", e.Op, e.Status, http.StatusText(e.Status))
	}
	if e.Message != "" {
		fmt.Fprintf(&b, ": %s", e.Message)
	}
	if e.ProviderMessage != "" {
		fmt.Fprintf(&b, " (provider: %s)", e.ProviderMessage)
	}
	if e.Excerpt != "" {
		fmt.Fprintf(&b, " (body: %q)", e.Excerpt)
	}
	if e.RequestID != "" {
		fmt.Fprintf(&b, " [request %s]", e.RequestID)
	}
	if h := e.Hint(); h != "" {
		b.WriteString(" — ")
		b.WriteString(h)
	}
	return b.String()
}

// Hint says what the user can do about the error.
func (e *APIError) Hint() string {
	switch {
	case e.Redirect:
		return "connectwiz follows no redirects; check the platform URL"
	case e.MaybeProxy():
		return fmt.Sprintf("it may be the proxy's refusal: put its credentials in %s=http://user:pass@%s; if it lets the call through, check the User and Organization secrets", e.ProxyVar, e.Proxy)
	case e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden:
		return "the platform refused the User or Organization secret; check both"
	case e.Status == http.StatusNotFound:
		return "check the platform URL and the connector key"
	case len(e.Missing) > 0:
		return "the platform needs these configuration entries for this connector"
	case e.Status == http.StatusTooManyRequests:
		return "the platform is rate limiting; wait a little and try again"
	case e.Unknown:
		return ""
	case e.Status >= 500:
		return "the platform had a problem; try again later"
	case e.AppRefused():
		return "the OAuth app was refused: check the OAuth client ID and secret registered with the provider"
	case e.Status == http.StatusBadRequest && e.ProviderMessage != "":
		return "the provider refused the authorization; authorize again"
	}
	return ""
}

// Unauthorized reports whether the platform refused the User or
// Organization secret.
func (e *APIError) Unauthorized() bool {
	return e.Status == http.StatusUnauthorized || e.Status == http.StatusForbidden
}

// ClientRefused reports whether the answer speaks of the OAuth app (its
// client ID or secret, apiKey and apiSecret on the wire): the one rule
// for "the OAuth app was refused", whatever words the platform or the
// provider use.
func (e *APIError) ClientRefused() bool {
	said := strings.ToLower(e.Message + " " + e.ProviderMessage)
	for _, w := range []string{"client", "apikey", "apisecret", "api key", "api secret", "oauth app"} {
		if strings.Contains(said, w) {
			return true
		}
	}
	return false
}

// AppRefused reports whether the platform or the provider refused the
// OAuth app: a 4xx answer that speaks of it (ClientRefused).
func (e *APIError) AppRefused() bool {
	return e.Status >= 400 && e.Status < 500 && e.ClientRefused()
}

// AsAPIError returns the *APIError in err's chain, if any.
func AsAPIError(err error) (*APIError, bool) {
	var e *APIError
	ok := errors.As(err, &e)
	return e, ok
}

const excerptLen = 120

// decodeAPIError builds the error for a non-2xx answer.
func decodeAPIError(op string, status int, body []byte) *APIError {
	e := &APIError{Op: op, Status: status}
	var w apiErrorBody
	if err := json.Unmarshal(body, &w); err == nil && (w.Message != "" || w.RequestID != "" || w.ProviderMessage != "") {
		e.Message = termsafe.Sanitize(w.Message, 500)
		e.RequestID = termsafe.Sanitize(w.RequestID, 100)
		e.ProviderMessage = termsafe.Sanitize(w.ProviderMessage, 500)
		if status == http.StatusBadRequest {
			e.Missing = MissingConfig(w.Message)
		}
		return e
	}
	e.Excerpt = Excerpt(body)
	e.Page = len(bytes.TrimSpace(body)) > 0
	return e
}

var (
	tagRe       = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<[^>]*>`) })
	dottedKeyRe = sync.OnceValue(func() *regexp.Regexp {
		return regexp.MustCompile(`[A-Za-z][A-Za-z0-9_-]*(?:\.[A-Za-z][A-Za-z0-9_-]*)+`)
	})
	configHint = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`(?i)config|missing|required|entr`) })
)

// Excerpt returns a short, printable piece of a body: markup stripped,
// control characters dropped, white space folded; nothing at all from a
// body that mentions a token (an instance's answer, or a page echoing one).
func Excerpt(body []byte) string {
	if bytes.Contains(bytes.ToLower(body), []byte("token")) {
		return ""
	}
	s := string(body)
	if len(s) > 4096 {
		s = s[:4096]
	}
	s = tagRe().ReplaceAllString(s, " ")
	return termsafe.Sanitize(s, excerptLen)
}

// MissingConfig extracts the dotted configuration keys (such as
// onedrivebusiness.site.address) that an error message names, whatever its
// wording. It returns nil when the message does not speak of configuration.
func MissingConfig(msg string) []string {
	if !configHint().MatchString(msg) {
		return nil
	}
	var keys []string
	seen := map[string]bool{}
	for _, k := range dottedKeyRe().FindAllString(msg, -1) {
		k = strings.TrimRight(k, ".-_")
		if seen[k] || !looksLikeConfigKey(k) {
			continue
		}
		seen[k] = true
		keys = append(keys, k)
	}
	return keys
}

func looksLikeConfigKey(k string) bool {
	parts := strings.Split(k, ".")
	if len(parts) < 2 {
		return false
	}
	for _, p := range parts {
		if len(p) < 2 {
			return false // "e.g", "i.e"
		}
	}
	switch strings.ToLower(parts[len(parts)-1]) {
	case "com", "net", "org", "io", "html", "json":
		return false // a host name or a file, not a key
	}
	return true
}
