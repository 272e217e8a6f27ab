package browser

import (
	"errors"
	"fmt"
	"math"
	"net"
	"strings"
	"unicode"
)

// hostProblem refuses a host name that is not a valid internationalised
// domain name — an empty, over-long or badly hyphenated label, a character
// outside letters, digits, marks and the hyphen (an underscore included),
// a fake or broken A-label (xn--…) — or that holds a character which shows
// as nothing (U+3164 HANGUL FILLER, U+115F, U+FFA0, U+2800 …), as written
// or once its A-labels are decoded: either can make one host look like
// another. IP literals pass.
//
// It is the part of IDNA (RFC 5891, UTS #46) that matters for telling
// hosts apart, written here rather than taken from golang.org/x/net/idna,
// whose normalisation tables would add a third to the binary's budget.
func hostProblem(host string) error {
	if net.ParseIP(host) != nil {
		return nil
	}
	host = strings.TrimSuffix(host, ".")
	if len(host) > 253 {
		return errors.New("its host is longer than a domain name can be")
	}
	for _, label := range strings.Split(host, ".") {
		if err := labelProblem(label); err != nil {
			return fmt.Errorf("its host is not a valid internationalised domain name (%w)", err)
		}
	}
	return nil
}

// labelProblem checks one label of a host name.
func labelProblem(label string) error {
	for _, r := range label {
		if invisible(r) {
			return fmt.Errorf("the invisible character %U, which can disguise where it leads", r)
		}
	}
	switch {
	case label == "":
		return errors.New("an empty label")
	case len(label) > 63:
		return errors.New("a label longer than 63 bytes")
	case strings.HasPrefix(label, "-") || strings.HasSuffix(label, "-"):
		return errors.New("a label starts or ends with a hyphen")
	}
	if !isASCII(label) {
		return unicodeLabelProblem(label)
	}
	lower := strings.ToLower(label)
	for _, r := range lower {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' {
			return fmt.Errorf("the character %q is not allowed in a host name", r)
		}
	}
	if len(lower) >= 4 && lower[2:4] == "--" {
		if !strings.HasPrefix(lower, "xn--") {
			return errors.New("a label has hyphens in its third and fourth places")
		}
		uni, err := decodePunycode(lower[4:])
		if err != nil {
			return errors.New("a label is not valid punycode")
		}
		if isASCII(uni) {
			return errors.New("a label is a fake A-label (its punycode decodes to plain ASCII)")
		}
		return unicodeLabelProblem(uni)
	}
	return nil
}

// unicodeLabelProblem checks a label in Unicode form: letters, digits,
// combining marks and hyphens only, no invisible character, and not
// starting with a mark.
func unicodeLabelProblem(label string) error {
	for i, r := range label {
		switch {
		case invisible(r):
			return fmt.Errorf("the invisible character %U, which can disguise where it leads", r)
		case i == 0 && unicode.IsMark(r):
			return fmt.Errorf("a label starts with the combining mark %U", r)
		case r == '-' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
		default:
			return fmt.Errorf("the character %U is not allowed in a host name", r)
		}
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
// variation selector, a format character, or the blank braille pattern
// U+2800.
func invisible(r rune) bool {
	return unicode.In(r, unicode.Other_Default_Ignorable_Code_Point, unicode.Variation_Selector, unicode.Cf) ||
		r == 0x2800 || r == 0x3164 || r == 0x115f || r == 0x1160 || r == 0xffa0
}

// decodePunycode decodes the part of an A-label after "xn--" (RFC 3492).
func decodePunycode(s string) (string, error) {
	const (
		base, tmin, tmax, skew, damp = 36, 1, 26, 38, 700
		initialBias, initialN        = 72, 128
	)
	var out []rune
	if i := strings.LastIndexByte(s, '-'); i >= 0 {
		for _, r := range s[:i] {
			if r >= 0x80 {
				return "", errors.New("non-ASCII basic code point")
			}
			out = append(out, r)
		}
		s = s[i+1:]
	}
	n, i, bias := initialN, 0, initialBias
	for k := 0; k < len(s); {
		oldi, w := i, 1
		for t := base; ; t += base {
			if k >= len(s) {
				return "", errors.New("truncated")
			}
			d := punyDigit(s[k])
			k++
			if d < 0 || d > (math.MaxInt32-i)/w {
				return "", errors.New("bad digit or overflow")
			}
			i += d * w
			tt := min(max(t-bias, tmin), tmax)
			if d < tt {
				break
			}
			if w > math.MaxInt32/(base-tt) {
				return "", errors.New("overflow")
			}
			w *= base - tt
		}
		points := len(out) + 1
		delta := i - oldi
		if oldi == 0 {
			delta /= damp
		} else {
			delta /= 2
		}
		delta += delta / points
		kk := 0
		for delta > ((base-tmin)*tmax)/2 {
			delta /= base - tmin
			kk += base
		}
		bias = kk + (base-tmin+1)*delta/(delta+skew)
		if i/points > math.MaxInt32-n {
			return "", errors.New("overflow")
		}
		n += i / points
		i %= points
		if n > unicode.MaxRune || (n >= 0xd800 && n <= 0xdfff) {
			return "", errors.New("not a code point")
		}
		out = append(out[:i], append([]rune{rune(n)}, out[i:]...)...) //nolint:gosec // n is checked to be a code point above
		i++
	}
	return string(out), nil
}

func punyDigit(b byte) int {
	switch {
	case b >= '0' && b <= '9':
		return int(b-'0') + 26
	case b >= 'a' && b <= 'z':
		return int(b - 'a')
	case b >= 'A' && b <= 'Z':
		return int(b - 'A')
	}
	return -1
}
