package platform

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// NormalizeBaseURL is the one place a platform URL is normalised: white
// space and trailing slashes trimmed, an absolute http(s) URL with a host
// and without user information (which would end up in the index and in
// error messages).
func NormalizeBaseURL(raw string) (string, error) {
	s := strings.TrimRight(strings.TrimSpace(raw), "/")
	if s == "" {
		return "", errors.New("the platform URL is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return "", fmt.Errorf("the platform URL is not a URL: %s", termsafe.Sanitize(err.Error(), 200))
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		return "", errors.New("the platform URL must be an http(s) URL, e.g. https://host/path")
	}
	if u.User != nil {
		return "", errors.New("the platform URL must not carry a user name or password (user:pass@host): the platform's secrets are asked for separately")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(s, "#") {
		return "", errors.New("the platform URL must not have a query or fragment")
	}
	return s, nil
}
