package browser

import (
	"net/url"
	"strings"

	"github.com/charmbracelet/x/ansi"
)

// Excerpt is where the URL u leads, to show on a screen width cells wide:
// its scheme and host and "/…" for the rest. A host too long for the width
// loses its left end ("…"), never its registrable domain (example.co.uk
// of login.example.co.uk), which is what says where the URL leads: a
// host such as login.microsoftonline.com.<many labels>.attacker.example
// cut on the right would show only the lure. The registrable domain is
// kept whole even when it alone is wider than width.
//
// The registrable domain is taken as the last three labels (registrable),
// which holds the registrable domain under every public suffix of one or
// two labels (com, co.uk, github.io …): the public suffix list itself
// would cost a tenth of the binary's size budget.
func Excerpt(u string, width int) string {
	p, err := url.Parse(u)
	if err != nil || p.Host == "" {
		return ansi.Truncate(u, width, "…")
	}
	prefix, suffix := p.Scheme+"://", "/…"
	host := p.Host
	room := width - ansi.StringWidth(prefix) - ansi.StringWidth(suffix)
	if ansi.StringWidth(host) <= room {
		return prefix + host + suffix
	}
	keep := registrable(p.Hostname())
	if port := p.Port(); port != "" {
		keep += ":" + port
	}
	// Grow the kept end label by label while it fits.
	labels := strings.Split(strings.TrimSuffix(host, keep), ".")
	for i := len(labels) - 1; i >= 0; i-- {
		if labels[i] == "" {
			continue
		}
		next := labels[i] + "." + keep
		if ansi.StringWidth(next)+1 > room {
			break
		}
		keep = next
	}
	return prefix + "…" + strings.TrimPrefix(keep, ".") + suffix
}

// registrable is the end of host that holds its registrable domain: its
// last three labels (all of them when it has fewer).
func registrable(host string) string {
	labels := strings.Split(strings.TrimSuffix(host, "."), ".")
	if len(labels) > 3 {
		labels = labels[len(labels)-3:]
	}
	return strings.Join(labels, ".")
}
