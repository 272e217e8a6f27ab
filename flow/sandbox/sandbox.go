// Package sandbox is an in-process stand-in for the platform and its OAuth
// provider: a real HTTP server that behaves like both, so the whole flow
// runs with no account and no network.
package sandbox

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// APIPath is where the sandbox serves the platform's API.
const APIPath = "/" + platform.WireConnectors + "/api-v2"

// The sandbox's default credentials. They are public: the sandbox guards
// nothing.
const (
	DefaultUserSecret   = "sandbox-user-secret" //nolint:gosec // public sandbox credentials
	DefaultOrgSecret    = "sandbox-org-secret"  //nolint:gosec // public sandbox credentials
	DefaultClientID     = "sandbox-client-id"
	DefaultClientSecret = "sandbox-client-secret"
	DefaultAddr         = "127.0.0.1:8751"
)

// CodeLifetime is how long an authorization code is valid.
const CodeLifetime = 10 * time.Minute

// connectors the sandbox knows: key → display name.
var connectors = map[string]string{
	platform.DefaultConnector: "OneDrive for Business Beta",
	"box":                     "Box",
	"dropbox":                 "Dropbox",
	"googledrive":             "Google Drive",
}

type grant struct {
	clientID, redirectURI string
	expires               time.Time
}

// registration is a non-loopback redirect URI the platform handed out an
// authorize URL for: the consent accepts it for that client and state only.
type registration struct {
	clientID, redirectURI, state string
}

// Instance is an instance the sandbox holds.
type Instance struct {
	ID        int64
	Name      string
	Connector string
	Token     string
	Tags      []string
	Config    map[string]string
	Created   time.Time
	// Disabled and Invalid are what GET /instances/{id} answers in
	// "disabled" and "valid" (an instance is valid and enabled unless set).
	Disabled bool
	Invalid  bool
}

// Server is the sandbox; it implements http.Handler.
type Server struct {
	opts      Options
	mux       *http.ServeMux
	mu        sync.Mutex
	codes     map[string]grant
	instances map[int64]*Instance
	nextID    int64
	failLeft  int
	loseLeft  int
	listFails int
	reqSeq    int64
	issued    []string // every code ever issued, for leak scans
	// origin is where the sandbox is reached (scheme://host:port), set by
	// Start; empty means the connection's local address.
	origin     string
	registered map[registration]time.Time
	csrf       map[string]csrfGrant // consent forms' tokens, under mu
}

// New returns a sandbox with the given options.
func New(opts Options) *Server {
	opts.defaults()
	s := &Server{
		opts:       opts,
		mux:        http.NewServeMux(),
		codes:      map[string]grant{},
		instances:  map[int64]*Instance{},
		origin:     strings.TrimRight(opts.PublicURL, "/"),
		registered: map[registration]time.Time{},
		nextID:     time.Now().UnixMilli() % 1e10, // ids differ across sandbox runs, like a real platform's
		failLeft:   opts.FailCreate,
		loseLeft:   opts.LoseCreates,
	}
	s.mux.HandleFunc("GET "+APIPath+"/"+platform.WireConnectors+"/{key}/oauth/url", s.authURL)
	s.mux.HandleFunc("POST "+APIPath+"/instances", s.create)
	s.mux.HandleFunc("GET "+APIPath+"/instances", s.list)
	s.mux.HandleFunc("GET "+APIPath+"/instances/{id}", s.get)
	s.mux.HandleFunc("DELETE "+APIPath+"/instances/{id}", s.remove)
	s.mux.HandleFunc("GET /oauth/authorize", s.authorize)
	s.mux.HandleFunc("POST /oauth/consent", s.consent)
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, http.StatusNotFound, "no such endpoint: "+r.Method+" "+r.URL.Path, "")
	})
	return s
}

// Options returns the options the sandbox runs with.
func (s *Server) Options() Options { return s.opts }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.guard(w, r) }

// Instances returns a copy of the instances the sandbox holds, by id.
func (s *Server) Instances() []Instance {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Instance, 0, len(s.instances))
	for _, in := range s.instances {
		out = append(out, *in)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// IssuedCodes returns every authorization code the sandbox has issued.
func (s *Server) IssuedCodes() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

func (s *Server) requestID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reqSeq++
	return fmt.Sprintf("sandbox-%06d", s.reqSeq)
}

func (s *Server) fail(w http.ResponseWriter, status int, msg, provider string) {
	body := map[string]string{"requestId": s.requestID(), "message": msg}
	if provider != "" {
		body["providerMessage"] = provider
	}
	writeJSON(w, status, body)
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func random(n int, enc *base64.Encoding) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return enc.EncodeToString(b)
}

func (s *Server) authURL(w http.ResponseWriter, r *http.Request) {
	key := r.PathValue("key")
	if _, ok := connectors[key]; !ok {
		s.fail(w, http.StatusNotFound, fmt.Sprintf("No %s found with key '%s'", platform.WireConnector, key), "")
		return
	}
	q := r.URL.Query()
	cb := q.Get("callbackUrl")
	if u, err := url.Parse(cb); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		s.fail(w, http.StatusBadRequest, "callbackUrl must be an absolute http(s) URL", "")
		return
	}
	if q.Get("apiKey") != s.opts.ClientID || q.Get("apiSecret") != s.opts.ClientSecret {
		s.fail(w, http.StatusBadRequest, "The OAuth client id or secret (apiKey, apiSecret) is not registered with the provider", "invalid_client")
		return
	}
	origin := s.originOf(r)
	if origin == "" {
		s.fail(w, http.StatusInternalServerError, "The sandbox does not know its own address; serve it with sandbox.Start", "")
		return
	}
	if !callback.IsLoopback(cb) {
		s.register(registration{clientID: q.Get("apiKey"), redirectURI: cb, state: q.Get("state")})
	}
	au, _ := url.Parse(origin + "/oauth/authorize")
	aq := url.Values{}
	aq.Set("response_type", "code")
	aq.Set("client_id", q.Get("apiKey"))
	aq.Set("redirect_uri", cb)
	aq.Set("state", q.Get("state"))
	au.RawQuery = aq.Encode()
	writeJSON(w, http.StatusOK, map[string]string{"oauthUrl": au.String(), platform.WireConnector: key})
}

// originOf is where the sandbox is reached: the origin Start recorded, or
// the address the connection came in on — never the request's Host
// header, which the client chooses.
func (s *Server) originOf(r *http.Request) string {
	if s.origin != "" {
		return s.origin
	}
	if a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr); ok {
		return "http://" + reachable(a.String())
	}
	return ""
}

// reachable turns a bound address into one a local client can dial: an
// unspecified IP (0.0.0.0, ::) becomes the loopback one.
func reachable(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return addr
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if ip.To4() != nil {
			host = "127.0.0.1"
		} else {
			host = "::1"
		}
	}
	return net.JoinHostPort(host, port)
}

// register remembers a non-loopback redirect URI handed out by the
// platform, dropping expired ones.
func (s *Server) register(reg registration) {
	now := time.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for k, exp := range s.registered {
		if now.After(exp) {
			delete(s.registered, k)
		}
	}
	s.registered[reg] = now.Add(CodeLifetime)
}

// isRegistered reports whether the platform handed out an authorize URL for
// this client, redirect URI and state.
func (s *Server) isRegistered(reg registration) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.registered[reg]
	return ok && time.Now().Before(exp)
}

// ErrNotLoopback is why Start refuses an address: the sandbox serves the
// loopback interface only, unless Options.AllowRemote.
var ErrNotLoopback = errors.New("the sandbox serves loopback addresses only")

// checkListenAddr refuses an address other machines can reach.
func checkListenAddr(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("%w: %q is not host:port", ErrNotLoopback, addr)
	}
	if callback.IsLoopbackHost(host) {
		return nil
	}
	what := "a host name other than localhost"
	switch ip := net.ParseIP(host); {
	case host == "" || ip != nil && ip.IsUnspecified():
		what = "every network interface"
	case ip != nil:
		what = "a network address"
	}
	return fmt.Errorf("%w: %s is %s, where other machines could reach the sandbox and its public credentials", ErrNotLoopback, addr, what)
}

// Start serves a sandbox on addr (port 0 picks one) until Close. addr must
// be a loopback address unless opts.AllowRemote is set. Its BaseURL, and
// every URL it hands out, are built from the address it listens on (or
// opts.PublicURL), never from a request's Host header.
func Start(addr string, opts Options) (*Running, error) {
	if !opts.AllowRemote {
		if err := checkListenAddr(addr); err != nil {
			return nil, fmt.Errorf("cannot start the sandbox: %w", err)
		}
	}
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("cannot start the sandbox on %s: %w", addr, err)
	}
	s := New(opts)
	if s.origin == "" {
		s.origin = "http://" + reachable(ln.Addr().String())
	}
	srv := &http.Server{Handler: s, ReadHeaderTimeout: 5 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return &Running{Server: s, BaseURL: s.origin + APIPath, srv: srv}, nil
}

// Running is a sandbox serving on a loopback port.
type Running struct {
	*Server
	// BaseURL is the platform API root to give connectwiz.
	BaseURL string
	srv     *http.Server
}

// Credentials are the sandbox's credentials, with the given callback URL
// (a free loopback port when empty).
func (r *Running) Credentials(callbackURL string) flow.Credentials {
	if callbackURL == "" {
		callbackURL = "http://127.0.0.1:0/callback"
	}
	o := r.opts
	return flow.Credentials{
		BaseURL:      r.BaseURL,
		UserSecret:   secret.Secret(o.UserSecret),
		OrgSecret:    secret.Secret(o.OrgSecret),
		Connector:    platform.DefaultConnector,
		ClientID:     o.ClientID,
		ClientSecret: secret.Secret(o.ClientSecret),
		CallbackURL:  callbackURL,
	}
}

// Close stops the sandbox.
func (r *Running) Close() error { return r.srv.Close() }

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	return id, err == nil
}

var base64URL = base64.RawURLEncoding
