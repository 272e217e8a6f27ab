package callback

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// ErrListen marks an error about the callback URL or its listener.
var ErrListen = errors.New("cannot receive the callback")

// DefaultWait bounds the wait for the callback.
const DefaultWait = 5 * time.Minute

// NewState returns a fresh OAuth state: 256 bits from crypto/rand.
func NewState() secret.Secret {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	return secret.Secret(base64.RawURLEncoding.EncodeToString(b))
}

// ErrBrowserURLReused ends an authorization whose one-time browser link
// (Listener.BrowserURL) was fetched a second time: a double-click, or
// someone else holding the link. It stops the run before the create all
// the same (StoppedWords).
var ErrBrowserURLReused = errors.New("the sign-in link was opened twice — a double-click, or another program on this machine")

// StoppedWords follow an alarm that stopped an authorization before the
// create.
const StoppedWords = "for safety this authorization was stopped and nothing was created; authorize again"

// Result is what ended the wait: a valid callback's code, the
// provider's error, or an alarm.
type Result struct {
	// Code is the authorization code of a valid callback.
	Code secret.Secret
	// Err is the provider's refusal; it is also set (to an *AuthError that
	// unwraps to Alarm and prints its message) when Alarm is, so code that
	// only looks at Err still stops.
	Err *AuthError
	// Alarm, when set, ends the authorization: something happened that
	// means it may be hijacked (ErrBrowserURLReused). There is no code;
	// nothing may be created with this authorization.
	Alarm error
}

// alarmResult is the result that ends the wait on an alarm.
func alarmResult(alarm error) Result {
	return Result{Alarm: alarm, Err: &AuthError{Code: "connectwiz_alarm", Description: alarm.Error(), cause: alarm}}
}

// Listener is a one-shot HTTP server on the callback URL's loopback address.
// It is listening from the moment Listen returns, so the browser can be
// opened right after.
type Listener struct {
	// URL is the callback URL, with the port filled in when it was 0.
	URL string
	// Addr is the bound address, e.g. 127.0.0.1:8750.
	Addr string

	state    secret.Secret
	path     string
	srv      *http.Server
	mu       sync.Mutex
	starts   map[string]*oneTime // by path, e.g. /start/<hex>
	done     chan Result
	arrived  chan struct{} // closed with the result's delivery on done
	refusals chan Refusal
	once     sync.Once
	closed   sync.Once
	log      *slog.Logger
	alarm    alarmState // guarded by mu
	donePage DonePage   // guarded by mu
}

// Listen binds the callback URL's loopback address. A port of 0 picks a free
// port, reflected in the listener's URL.
func Listen(callbackURL string, state secret.Secret, log *slog.Logger) (*Listener, error) {
	hosts, port, path, err := loopbackAddrs(callbackURL)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrListen, err)
	}
	if len(state.Reveal()) < 22 {
		return nil, errors.New("the OAuth state is too short (need 128 bits)")
	}
	lns, err := listenAll(hosts, port)
	if err != nil {
		return nil, err
	}
	u, _ := url.Parse(callbackURL)
	_, port, _ = net.SplitHostPort(lns[0].Addr().String())
	u.Host = net.JoinHostPort(u.Hostname(), port)
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	l := &Listener{
		URL:      u.String(),
		Addr:     lns[0].Addr().String(),
		state:    state,
		path:     path,
		done:     make(chan Result, 1),
		arrived:  make(chan struct{}),
		refusals: make(chan Refusal, 16),
		log:      log,
		starts:   map[string]*oneTime{},
	}
	l.srv = &http.Server{
		Handler:           l,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      10 * time.Second,
		IdleTimeout:       10 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	for _, ln := range lns {
		go func() { _ = l.srv.Serve(ln) }()
		log.Info("callback listening", "addr", ln.Addr().String(), "path", path)
	}
	return l, nil
}

// Done delivers the one valid callback, or the alarm that ends the
// authorization (Result.Alarm).
func (l *Listener) Done() <-chan Result { return l.done }

// Arrived is closed when Done has its result, which it leaves there: for
// a step that need not wait any longer once the browser came back.
func (l *Listener) Arrived() <-chan struct{} { return l.arrived }

// deliver puts the one result on Done and closes Arrived (in l.once).
func (l *Listener) deliver(r Result) { l.done <- r; close(l.arrived) }

// oneTime is a registered one-time browser link.
type oneTime struct {
	target string
	used   bool
}

// startPrefix is the path under which one-time browser links are served.
const startPrefix = "/start/"

// BrowserURL registers target (the provider's authorize URL, which carries
// the OAuth state) and returns a one-time URL on this listener, e.g.
// http://127.0.0.1:8750/start/<32 hex digits>, to hand to the browser
// instead: the state then never appears in any process's argv. The first
// GET of the link is redirected (303, no-store, no-referrer) to target; a
// second one means someone else opened it: it gets an error page and ends
// the authorization with ErrBrowserURLReused (Wait returns it; Done
// delivers it as Result.Alarm). Each call returns a new link.
//
// target must pass CheckBrowserURL; when it does not, BrowserURL returns
// target unchanged and registers nothing, so that Browser.Open refuses it
// with the reason.
func (l *Listener) BrowserURL(target string) string {
	if browser.CheckBrowserURL(target) != nil {
		return target
	}
	b := make([]byte, 16) // 128 bits
	_, _ = rand.Read(b)   // crypto/rand.Read never fails (Go 1.24+)
	p := startPrefix + hex.EncodeToString(b)
	l.mu.Lock()
	l.starts[p] = &oneTime{target: target}
	l.mu.Unlock()
	return "http://" + l.Addr + p
}

// serveStart answers a request for a one-time browser link.
func (l *Listener) serveStart(w http.ResponseWriter, r *http.Request) {
	l.mu.Lock()
	ot := l.starts[r.URL.Path]
	var first bool
	if ot != nil && r.Method == http.MethodGet {
		first = !ot.used
		ot.used = true
	}
	l.mu.Unlock()
	switch {
	case ot == nil:
		l.reject(w, r, http.StatusNotFound, "unknown one-time link")
		return
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", http.MethodGet)
		l.reject(w, r, http.StatusMethodNotAllowed, "method "+sanitizeMethod(r.Method)+" on the one-time link")
		return
	case first:
		l.log.Info("one-time browser link opened")
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Location", ot.target)
		w.WriteHeader(http.StatusSeeOther)
		return
	}
	if l.raise(ErrBrowserURLReused) {
		l.log.Warn("one-time browser link opened a second time, after the callback was accepted: alarm")
		writePage(w, http.StatusForbidden, pageAlarmLate)
		return
	}
	l.log.Warn("one-time browser link opened a second time: authorization aborted")
	writePage(w, http.StatusForbidden, pageReused)
	l.once.Do(func() { l.deliver(alarmResult(ErrBrowserURLReused)) })
}

// Wait waits for the callback, the timeout or ctx, then closes the
// listener. It returns the code, an *AuthError, ErrBrowserURLReused (or
// another alarm), ErrTimeout or ctx's error.
func (l *Listener) Wait(ctx context.Context, timeout time.Duration) (secret.Secret, error) {
	defer l.Close()
	if timeout <= 0 {
		timeout = DefaultWait
	}
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-l.done:
		if r.Err != nil { // an alarm's, too: its *AuthError says it and unwraps to it
			return "", r.Err
		}
		return r.Code, nil
	case <-t.C:
		l.log.Info("callback wait timed out", "after", timeout.String())
		return "", ErrTimeout
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// Close ends the wait: it stops the listener, letting a response in
// flight finish — unless the listener lingers (Linger), when it keeps
// answering until Shutdown.
func (l *Listener) Close() {
	if l.lingering() {
		l.endWait()
		return
	}
	l.Shutdown()
}

// Shutdown stops the listener, lingering or not, letting a response in
// flight finish.
func (l *Listener) Shutdown() {
	l.closed.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		defer cancel()
		if err := l.srv.Shutdown(ctx); err != nil {
			_ = l.srv.Close()
		}
		l.log.Info("callback listener closed", "addr", l.Addr)
	})
}

// reject refuses a request: a page that reflects nothing, a log record
// and, but for a browser's own fetches (/favicon.ico), a Refusal notice.
func (l *Listener) reject(w http.ResponseWriter, r *http.Request, status int, why string) {
	l.log.Info("callback rejected", "status", status, "why", why)
	p := pageRejected
	switch {
	case status == http.StatusNotFound:
		p = pageNotFound
	case why == whyState:
		// A provider redirect from an earlier run's tab (or a second one):
		// say so, without a word of the state expected.
		p = pageStale
	case why == whyFragment:
		p = pageFragment
	}
	writePage(w, status, p)
	if r.URL.Path != "/favicon.ico" {
		l.notify(Refusal{Status: status, Reason: termsafe.Sanitize(why, 200)})
	}
}

func sanitizeMethod(m string) string { return termsafe.Sanitize(m, 10) }

// ServeHTTP implements http.Handler.
func (l *Listener) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !IsLoopbackHost(r.Host) {
		l.reject(w, r, http.StatusBadRequest, "foreign Host header")
		return
	}
	if strings.HasPrefix(r.URL.Path, startPrefix) {
		l.serveStart(w, r)
		return
	}
	if r.URL.Path != l.path {
		l.reject(w, r, http.StatusNotFound, "other path")
		return
	}
	raw, status, why := callbackQuery(w, r)
	if why != "" {
		l.reject(w, r, status, why)
		return
	}
	res, why := l.check(raw)
	if why != "" {
		l.reject(w, r, http.StatusBadRequest, why)
		return
	}
	delivered := false
	l.once.Do(func() {
		l.accept(res, raw)
		l.deliver(res)
		delivered = true
	})
	switch {
	case !delivered && l.reload(raw):
		l.log.Info("the accepted callback again (a reload of its tab): its page again")
		p, status := l.resultPage(res), http.StatusOK
		if p == pageAlarmLate {
			status = http.StatusForbidden
		}
		writePage(w, status, p)
	case !delivered:
		l.lateCallback(w)
	case res.Err != nil:
		l.log.Info("callback accepted", "outcome", "provider error", "error", termsafe.Sanitize(res.Err.Code, 60))
		writePage(w, http.StatusOK, l.resultPage(res))
	default:
		l.log.Info("callback accepted", "outcome", "code")
		writePage(w, http.StatusOK, l.resultPage(res))
	}
}

// check validates a callback query; why says what is wrong with it.
func (l *Listener) check(rawQuery string) (res Result, why string) {
	q, err := url.ParseQuery(rawQuery)
	if err != nil {
		return res, "malformed query"
	}
	if why := checkState(q, l.state); why != "" {
		return res, why
	}
	return resultFrom(q)
}

// checkState demands exactly one state, equal to want (constant time).
func checkState(q url.Values, want secret.Secret) string {
	got, ok := q["state"]
	switch {
	case !ok || len(got) == 0:
		return "missing state"
	case len(got) > 1:
		return "duplicated state"
	case subtle.ConstantTimeCompare([]byte(got[0]), []byte(want.Reveal())) != 1:
		return whyState
	}
	return ""
}

// resultFrom takes the code or error from a state-checked query.
func resultFrom(q url.Values) (Result, string) {
	codes, errs := q["code"], q["error"]
	switch {
	case len(errs) == 1 && len(codes) == 0 && errs[0] != "":
		desc := q.Get("error_description")
		return Result{Err: &AuthError{Code: termsafe.Sanitize(errs[0], 60), Description: termsafe.Sanitize(desc, 300), URI: safeURI(q.Get("error_uri"))}}, ""
	case len(codes) == 1 && len(errs) == 0 && validCode(codes[0]):
		return Result{Code: secret.Secret(codes[0])}, ""
	case len(codes) > 1 || len(errs) > 1:
		return Result{}, "duplicated code or error"
	case len(codes) == 1 && len(errs) == 1:
		return Result{}, "both code and error"
	}
	return Result{}, "no valid code or error"
}

// validCode accepts what an authorization code is made of (RFC 6749
// VSCHAR), less the space: printable ASCII only.
func validCode(c string) bool {
	if c == "" || len(c) > 4096 {
		return false
	}
	for i := 0; i < len(c); i++ {
		if c[i] < 0x21 || c[i] > 0x7e {
			return false
		}
	}
	return true
}
