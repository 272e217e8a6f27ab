package sandbox

import (
	"html"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/connectwiz/connectwiz/flow/callback"
)

// hostAllowed is the sandbox's Host check (it blocks DNS-rebinding pages):
// a loopback name, or the host of Options.PublicURL; any host only with
// Options.AllowRemote and no PublicURL.
func (s *Server) hostAllowed(host string) bool {
	if callback.IsLoopbackHost(host) {
		return true
	}
	if s.origin != "" {
		u, err := url.Parse(s.origin)
		return err == nil && strings.EqualFold(u.Host, host)
	}
	return s.opts.AllowRemote
}

// guard answers 400 to a request whose Host is not allowed, else serves it.
func (s *Server) guard(w http.ResponseWriter, r *http.Request) {
	if !s.hostAllowed(r.Host) {
		s.page(w, http.StatusBadRequest, "This sandbox answers only requests addressed to it (a loopback Host).")
		return
	}
	s.mux.ServeHTTP(w, r)
}

// csrfGrant is what a consent form's token was issued for.
type csrfGrant struct {
	reg     registration
	expires time.Time
}

// issueCSRF returns a fresh single-use token for the consent form of reg.
func (s *Server) issueCSRF(reg registration) string {
	tok := random(18, base64URL)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.csrf == nil {
		s.csrf = map[string]csrfGrant{}
	}
	now := time.Now()
	for k, g := range s.csrf {
		if now.After(g.expires) {
			delete(s.csrf, k)
		}
	}
	s.csrf[tok] = csrfGrant{reg: reg, expires: now.Add(CodeLifetime)}
	return tok
}

// takeCSRF uses up tok and reports whether it was issued for reg's form.
func (s *Server) takeCSRF(tok string, reg registration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.csrf[tok]
	delete(s.csrf, tok)
	return ok && g.reg == reg && time.Now().Before(g.expires)
}

// redirectShown is the page a non-loopback redirect URI gets instead of a
// redirect: the sandbox sends browsers only to this machine; the URL is
// shown, to paste into connectwiz.
func (s *Server) redirectShown(w http.ResponseWriter, target string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Referrer-Policy", "no-referrer")
	_, _ = w.Write([]byte(`<!doctype html><title>Sandbox provider</title><p>The sandbox redirects only to this machine. Paste this URL into connectwiz:</p><pre id="redirect">` + html.EscapeString(target) + "</pre>\n")) //nolint:gosec // escaped
}
