package browser

import (
	"errors"
	"fmt"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// CheckBrowserURL refuses anything but an absolute http(s) URL made of
// plain visible characters: a URL that came from the network is never
// handed to the OS opener unchecked. It refuses invalid UTF-8, white space,
// control characters (C0, DEL, C1) and Unicode format characters (category
// Cf: bidi overrides and isolates, zero-width characters), both as written
// and in the percent-decoded host, and a user name or password before the
// host; the reason is in the error.
func CheckBrowserURL(raw string) error {
	if raw == "" {
		return errors.New("it is empty")
	}
	if why := urlCharProblem(raw); why != "" {
		return errors.New(why)
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL, which may carry the state
		}
		return fmt.Errorf("it is not a URL (%s)", termsafe.Sanitize(err.Error(), 100))
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return fmt.Errorf("its scheme %q is not http or https", termsafe.Sanitize(u.Scheme, 20))
	}
	if u.Host == "" {
		return errors.New("it has no host")
	}
	if u.User != nil {
		return errors.New("it carries a user name or password before the host, which can disguise where it leads")
	}
	// url.Parse decodes the host; decode the authority as written too, in
	// case the two disagree.
	hosts := []string{u.Host}
	if auth, ok := rawAuthority(raw); ok {
		if dec, err := url.PathUnescape(auth); err == nil {
			hosts = append(hosts, dec)
		}
	}
	for _, h := range hosts {
		if why := urlCharProblem(h); why != "" {
			return errors.New("its host, percent-decoded: " + why)
		}
	}
	return hostProblem(u.Hostname())
}

// rawAuthority returns the authority part of raw as written.
func rawAuthority(raw string) (string, bool) {
	_, rest, ok := strings.Cut(raw, "//")
	if !ok {
		return "", false
	}
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	return rest, true
}

// urlCharProblem says what is wrong with the characters of s, or "".
func urlCharProblem(s string) string {
	if !utf8.ValidString(s) {
		return "it is not valid UTF-8"
	}
	for _, r := range s {
		switch {
		case r == ' ' || r == '\t' || r == '\r' || r == '\n':
			return "it contains white space or control characters"
		case unicode.IsControl(r):
			return fmt.Sprintf("it contains the control character %U", r)
		case unicode.Is(unicode.Cf, r):
			return fmt.Sprintf("it contains the invisible format character %U (such as a bidi override or a zero-width character), which can disguise where it leads", r)
		case unicode.IsSpace(r):
			return fmt.Sprintf("it contains the white space character %U", r)
		}
	}
	return ""
}
