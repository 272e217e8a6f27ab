package callback

import (
	"regexp"
	"sync"
)

// oneTimeLinkRe is the exact shape of a one-time link (BrowserURL): a
// loopback literal, a port and 128 bits in hex — nothing a platform could
// put a state or shell syntax in.
var oneTimeLinkRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`^http://(127\.0\.0\.1|\[::1\]):[0-9]{1,5}` + startPrefix + `[0-9a-f]{32}$`)
})

// IsOneTimeLink reports whether u has the shape of a listener's one-time
// link: the only URL connectwiz ever puts in a browser's argv, and only for
// a browser that cannot read the private forwarding file.
func IsOneTimeLink(u string) bool { return oneTimeLinkRe().MatchString(u) }
