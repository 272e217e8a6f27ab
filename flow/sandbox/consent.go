package sandbox

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"maps"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/callback"
)

// consentPage is the provider's consent form, with its single-use CSRF
// token; every value is escaped.
func consentPage(clientID, redirectURI, state, csrf string) string {
	e := html.EscapeString
	return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sandbox provider — authorize</title></head>
<body>
<h1>Sandbox provider</h1>
<p>The application <strong>` + e(clientID) + `</strong> asks to access your sandbox files.</p>
<form method="post" action="/oauth/consent">
<input type="hidden" name="client_id" value="` + e(clientID) + `">
<input type="hidden" name="redirect_uri" value="` + e(redirectURI) + `">
<input type="hidden" name="state" value="` + e(state) + `">
<input type="hidden" name="csrf" value="` + e(csrf) + `">
<button type="submit" name="decision" value="approve">Approve</button>
<button type="submit" name="decision" value="deny">Deny</button>
</form>
</body></html>
`
}

func (s *Server) page(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<!doctype html><title>Sandbox provider</title><p>%s</p>\n", html.EscapeString(msg))
}

// checkClient validates the client and redirect URI of an authorization.
// The redirect URI must be a loopback one, or one the platform handed out
// an authorize URL for (with this client and state): the sandbox sends
// codes nowhere else.
func (s *Server) checkClient(v url.Values) string {
	ru := v.Get("redirect_uri")
	switch {
	case v.Get("client_id") != s.opts.ClientID:
		return "Unknown client_id: this application is not registered with the sandbox provider."
	case callback.IsLoopback(ru):
		return ""
	case s.isRegistered(registrationOf(v)):
		return ""
	}
	return "The redirect_uri must be a loopback http URL (http://127.0.0.1:PORT/..., http://[::1]:PORT/... or http://localhost:PORT/...): the sandbox provider sends authorization codes nowhere else."
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("response_type") != "code" {
		s.page(w, http.StatusBadRequest, "Only response_type=code is supported.")
		return
	}
	if msg := s.checkClient(q); msg != "" {
		s.page(w, http.StatusBadRequest, msg)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	csrf := s.issueCSRF(registrationOf(q))
	_, _ = io.WriteString(w, consentPage(q.Get("client_id"), q.Get("redirect_uri"), q.Get("state"), csrf)) //nolint:gosec // consentPage escapes every value
}

func (s *Server) consent(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	if err := r.ParseForm(); err != nil {
		s.page(w, http.StatusBadRequest, "The form could not be read.")
		return
	}
	f := r.PostForm
	if msg := s.checkClient(f); msg != "" {
		s.page(w, http.StatusBadRequest, msg)
		return
	}
	if !s.takeCSRF(f.Get("csrf"), registrationOf(f)) {
		s.page(w, http.StatusForbidden, "This form was not issued by the sandbox for this authorization, or was already used: load the consent page again.")
		return
	}
	target, err := url.Parse(f.Get("redirect_uri"))
	if err != nil {
		s.page(w, http.StatusBadRequest, "The redirect_uri is not a URL.")
		return
	}
	q := target.Query()
	switch f.Get("decision") {
	case "approve":
		code := random(18, base64URL)
		s.mu.Lock()
		s.codes[code] = grant{clientID: f.Get("client_id"), redirectURI: f.Get("redirect_uri"), expires: time.Now().Add(CodeLifetime)}
		s.issued = append(s.issued, code)
		s.mu.Unlock()
		q.Set("code", code)
	case "deny":
		q.Set("error", "access_denied")
		q.Set("error_description", "The user denied access to the application.")
	default:
		s.page(w, http.StatusBadRequest, "Choose Approve or Deny.")
		return
	}
	if st := f.Get("state"); st != "" {
		q.Set("state", st)
	}
	if s.opts.FormPost {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = io.WriteString(w, formPostPage(f.Get("redirect_uri"), q)) //nolint:gosec // formPostPage escapes every value
		return
	}
	target.RawQuery = q.Encode()
	if !callback.IsLoopback(f.Get("redirect_uri")) {
		s.redirectShown(w, target.String()) // never a redirect off this machine
		return
	}
	http.Redirect(w, r, target.String(), http.StatusSeeOther) //nolint:gosec // a loopback redirect_uri, checked above
}

var shownRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`<pre id="redirect">([^<]*)</pre>`) })

// shownRedirect is the URL a non-loopback redirect page shows, or "".
func shownRedirect(page []byte) string {
	if m := shownRe().FindSubmatch(page); m != nil {
		return html.UnescapeString(string(m[1]))
	}
	return ""
}

// formPostPage answers as a provider with response_mode=form_post does:
// a form the browser posts to the redirect URI at once.
func formPostPage(redirectURI string, v url.Values) string {
	e := html.EscapeString
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sandbox provider — returning</title></head><body onload="document.forms[0].submit()">` + "\n")
	b.WriteString(`<form method="post" action="` + e(redirectURI) + `" id="form_post">` + "\n")
	for _, k := range slices.Sorted(maps.Keys(v)) {
		b.WriteString(`<input type="hidden" name="` + e(k) + `" value="` + e(v.Get(k)) + `">` + "\n")
	}
	b.WriteString(`<noscript><button type="submit">Continue</button></noscript></form></body></html>` + "\n")
	return b.String()
}

var formPostRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<form method="post" action="([^"]*)" id="form_post">`)
})

var hiddenRe = sync.OnceValue(func() *regexp.Regexp {
	return regexp.MustCompile(`<input type="hidden" name="([a-z_]+)" value="([^"]*)">`)
})

// Consent plays the user at the sandbox's consent page, exactly as a browser
// would: it loads oauthURL, submits Approve (or Deny), and follows the
// redirect to the callback URL. It returns once the callback has answered.
func Consent(ctx context.Context, oauthURL string, approve bool) error {
	_, err := consent(ctx, oauthURL, approve, true)
	return err
}

// ConsentRedirect is Consent without following the final redirect: it
// returns the URL the browser would be sent to (carrying the code), as a
// person copying it from the address bar would.
func ConsentRedirect(ctx context.Context, oauthURL string, approve bool) (string, error) {
	return consent(ctx, oauthURL, approve, false)
}

func consent(ctx context.Context, oauthURL string, approve, follow bool) (string, error) {
	// Loading the page follows redirects, as a browser given a one-time
	// link (callback.Listener.BrowserURL) does; the form's answer is followed
	// only when asked.
	hc := &http.Client{Timeout: 30 * time.Second}
	defer hc.CloseIdleConnections()
	post := &http.Client{Timeout: 30 * time.Second}
	defer post.CloseIdleConnections()
	if !follow {
		post.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	if strings.HasPrefix(oauthURL, "file:") {
		// A private forwarding file (browser.Forwards): follow it, as a
		// browser does.
		t, err := browser.ForwardTarget(oauthURL)
		if err != nil {
			return "", err
		}
		oauthURL = t
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, oauthURL, nil)
	if err != nil {
		return "", fmt.Errorf("bad authorize URL: %w", err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("loading the consent page: %w", err)
	}
	page, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the consent page answered %s", resp.Status)
	}
	form := hiddenFields(string(page))
	if form.Get("redirect_uri") == "" {
		return "", errors.New("the consent page has no form to submit")
	}
	form.Set("decision", "deny")
	if approve {
		form.Set("decision", "approve")
	}
	action := *resp.Request.URL // where the page was loaded from, after redirects
	action.Path, action.RawPath, action.RawQuery, action.Fragment = "/oauth/consent", "", "", ""
	req, err = http.NewRequestWithContext(ctx, http.MethodPost, action.String(), strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err = post.Do(req) // follows the 303 to the callback URL when follow
	if err != nil {
		return "", fmt.Errorf("submitting the consent form or following its redirect: %w", err)
	}
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if m := formPostRe().FindStringSubmatch(string(answer)); m != nil && resp.StatusCode == http.StatusOK {
		if !follow {
			return "", errors.New("the provider answers with a form (response_mode=form_post): there is no URL to copy")
		}
		return postForm(ctx, post, html.UnescapeString(m[1]), string(answer))
	}
	if !follow {
		if u := shownRedirect(answer); u != "" {
			return u, nil
		}
		if resp.StatusCode != http.StatusSeeOther {
			return "", fmt.Errorf("the consent form answered %s, not a redirect", resp.Status)
		}
		return resp.Header.Get("Location"), nil
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the callback answered %s", resp.Status)
	}
	return resp.Request.URL.String(), nil
}

// postForm submits a form_post page's hidden fields to its action (the
// callback), as the browser does, and returns the action's URL.
func postForm(ctx context.Context, hc *http.Client, action, page string) (string, error) {
	form := hiddenFields(page)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, action, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := hc.Do(req)
	if err != nil {
		return "", fmt.Errorf("posting the provider's answer to the callback: %w", err)
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("the callback answered %s", resp.Status)
	}
	return action, nil
}

// hiddenFields are the hidden inputs of a page's form, as a browser
// submits them.
func hiddenFields(page string) url.Values {
	form := url.Values{}
	for _, m := range hiddenRe().FindAllStringSubmatch(page, -1) {
		form.Set(m[1], html.UnescapeString(m[2]))
	}
	return form
}

// registrationOf is the registration a consent request or form names.
func registrationOf(v url.Values) registration {
	return registration{clientID: v.Get("client_id"), redirectURI: v.Get("redirect_uri"), state: v.Get("state")}
}
