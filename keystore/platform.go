package keystore

import (
	"net/url"
	"strings"
)

// PlatformKey is the one rule for which platform a URL names, so that
// tokens, names, pending records and remembered secrets are kept per
// platform: the scheme and host in lower case, the host's trailing dot
// dropped, the port spelled out (80 for http, 443 for https when absent),
// the path's escapes normalised and its trailing slashes trimmed. Two URLs
// name the same platform when their keys are equal. A URL that does not
// parse is its own key, trimmed.
func PlatformKey(raw string) string {
	s := strings.TrimRight(strings.TrimSpace(raw), "/")
	u, err := url.Parse(s)
	if err != nil || u.Host == "" {
		return s
	}
	scheme := strings.ToLower(u.Scheme)
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	port := u.Port()
	if port == "" {
		port = map[string]string{"http": "80", "https": "443"}[scheme]
	}
	path := strings.TrimRight(u.EscapedPath(), "/")
	if p, err := url.PathUnescape(path); err == nil {
		path = strings.TrimRight((&url.URL{Path: p}).EscapedPath(), "/")
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	return scheme + "://" + host + path
}

// SamePlatform reports whether two platform URLs name the same platform
// (PlatformKey).
func SamePlatform(a, b string) bool { return PlatformKey(a) == PlatformKey(b) }
