package browser

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/connectwiz/connectwiz/flow/termsafe"
	"golang.org/x/net/idna"
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

// hostProfile is UTS #46 with the lookup mapping browsers use, strict
// about hyphens, joiners, bidi, STD3 characters and DNS lengths.
var hostProfile = idna.New(idna.MapForLookup(), idna.BidiRule(), idna.CheckHyphens(true), idna.CheckJoiners(true),
	idna.StrictDomainName(true), idna.VerifyDNSLength(true), idna.Transitional(false))

// hostProblem refuses a host name that is not valid IDNA (UTS #46, the
// lookup profile) — a fake A-label (xn--…) included — or that holds a
// character which shows as nothing (U+3164 HANGUL FILLER, U+115F, U+FFA0,
// U+2800 …), as written or once its A-labels are decoded: either can make
// one host look like another. IP literals pass.
func hostProblem(host string) error {
	if net.ParseIP(host) != nil {
		return nil
	}
	host = strings.TrimSuffix(host, ".")
	ascii, err := hostProfile.ToASCII(host)
	if err == nil && isASCII(host) && ascii != strings.ToLower(host) {
		err = errors.New("a label is not valid punycode")
	}
	uni := host
	if err == nil {
		uni, err = hostProfile.ToUnicode(ascii)
	}
	for _, r := range host + uni {
		if invisible(r) {
			return fmt.Errorf("its host contains the invisible character %U, which can disguise where it leads", r)
		}
	}
	if err != nil {
		return fmt.Errorf("its host is not a valid internationalised domain name (%s)", termsafe.Sanitize(err.Error(), 100))
	}
	return nil
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// invisible reports whether r shows as nothing: a default-ignorable code
// point (U+3164 HANGUL FILLER, U+115F, U+1160, U+FFA0, U+034F …), a
// variation selector, or the blank braille pattern U+2800.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector, unicode.Cf) || r == 0x2800
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
