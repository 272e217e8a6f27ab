package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// DefaultTimeout bounds each platform call.
const DefaultTimeout = 30 * time.Second

// maxBody is the most of a response body that is read.
const maxBody = 1 << 20

// Client talks to the platform.
type Client struct {
	// BaseURL is the platform's API root, e.g. DefaultBaseURL.
	BaseURL string
	// User and Org are the platform's User and Organization secrets.
	User, Org secret.Secret
	// HTTP is the client used; nil means http.DefaultClient. Whatever its
	// CheckRedirect, no redirect is ever followed: a 3xx answer is an error.
	HTTP *http.Client
	// Timeout bounds each call (DefaultTimeout when zero).
	Timeout time.Duration
	// UserAgent is sent with every request.
	UserAgent string
	// Retries is how many times a GET is retried on a transient failure.
	Retries int
	// MaxRetryWait caps one wait between retries, Retry-After included.
	MaxRetryWait time.Duration
	// Log receives one record per HTTP call, secrets redacted; nil is quiet.
	Log *slog.Logger
}

// NewClient returns a client for the platform at baseURL, honouring the
// proxy environment variables.
func NewClient(baseURL string, user, org secret.Secret, version string) *Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = http.ProxyFromEnvironment
	return &Client{
		BaseURL:      strings.TrimRight(baseURL, "/"),
		User:         user,
		Org:          org,
		HTTP:         &http.Client{Transport: tr, CheckRedirect: noRedirect},
		Timeout:      DefaultTimeout,
		UserAgent:    "connectwiz/" + version,
		Retries:      3,
		MaxRetryWait: 10 * time.Second,
	}
}

// AuthURLRequest asks for the provider's authorize URL.
type AuthURLRequest struct {
	Connector    string
	ClientID     string
	ClientSecret secret.Secret
	CallbackURL  string
	State        secret.Secret
}

// MaxConnectorKey is the longest connector key accepted.
const MaxConnectorKey = 100

// CheckConnectorKey accepts a connector key made of letters, digits, '_',
// '-' and '.', at most MaxConnectorKey characters, with no "..": the key
// goes into a URL path, where anything else could point the call elsewhere.
func CheckConnectorKey(key string) error {
	switch {
	case key == "":
		return errors.New("the connector key is empty; give one such as " + DefaultConnector)
	case len(key) > MaxConnectorKey:
		return fmt.Errorf("the connector key is %d characters long; it must be at most %d", len(key), MaxConnectorKey)
	case strings.Contains(key, ".."):
		return fmt.Errorf("the connector key %q contains \"..\"; give the key as the platform lists it, e.g. %s", termsafe.Sanitize(key, MaxConnectorKey), DefaultConnector)
	}
	for i := 0; i < len(key); i++ {
		ch := key[i]
		if ch >= 'a' && ch <= 'z' || ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '_' || ch == '-' || ch == '.' {
			continue
		}
		return fmt.Errorf("the connector key %q may hold only letters, digits, '_', '-' and '.'; give the key as the platform lists it, e.g. %s", termsafe.Sanitize(key, MaxConnectorKey), DefaultConnector)
	}
	if key == "." {
		return fmt.Errorf("the connector key \".\" is not a key; give the key as the platform lists it, e.g. %s", DefaultConnector)
	}
	return nil
}

// AuthURL returns the provider's authorize URL, checked to be http(s). The
// connector key is checked first (CheckConnectorKey); a bad one sends
// nothing.
func (c *Client) AuthURL(ctx context.Context, r AuthURLRequest) (string, error) {
	if err := CheckConnectorKey(r.Connector); err != nil {
		return "", fmt.Errorf("could not get the authorize URL: %w", err)
	}
	q := url.Values{}
	q.Set("apiKey", r.ClientID)
	q.Set("apiSecret", r.ClientSecret.Reveal())
	q.Set("callbackUrl", r.CallbackURL)
	q.Set("state", r.State.Reveal())
	path := "/" + WireConnectors + "/" + url.PathEscape(r.Connector) + "/oauth/url?" + q.Encode()
	var out authURLResponse
	if err := c.do(ctx, "get the authorize URL", http.MethodGet, path, nil, false, &out); err != nil {
		return "", err
	}
	if err := browser.CheckBrowserURL(out.OAuthURL); err != nil {
		return "", fmt.Errorf("the platform's authorize URL is not usable: %w", err)
	}
	return out.OAuthURL, nil
}

// CreateInstance creates the instance. It is never retried: a lost answer
// may mean the instance exists (see the keystore's pending records).
func (c *Client) CreateInstance(ctx context.Context, r InstanceRequest) (Instance, error) {
	body, err := r.wireBody()
	if err != nil {
		return Instance{}, fmt.Errorf("encoding the instance request: %w", err)
	}
	var w wireInstance
	if err := c.do(ctx, "create the instance", http.MethodPost, "/instances", body, true, &w); err != nil {
		return Instance{}, err
	}
	if w.Token == "" {
		// No token to keep: the pending record stays for a recover.
		return Instance{}, fmt.Errorf("%w: the platform answered the create without a token", ErrAnswerLost)
	}
	return w.instance(), nil
}

// CheckSecrets asks the platform whether it takes the User and
// Organization secrets (a GET /instances whose answer is dropped).
func (c *Client) CheckSecrets(ctx context.Context) error {
	return c.do(ctx, "check the User and Organization secrets", http.MethodGet, "/instances", nil, true, nil)
}

// Instances lists the instances the credentials can see.
func (c *Client) Instances(ctx context.Context) ([]Instance, error) {
	var ws []wireInstance
	if err := c.do(ctx, "list the instances", http.MethodGet, "/instances", nil, true, &ws); err != nil {
		return nil, err
	}
	out := make([]Instance, len(ws))
	for i, w := range ws {
		out[i] = w.instance()
	}
	return out, nil
}

// Instance gets one instance, token included.
func (c *Client) Instance(ctx context.Context, id ID) (Instance, error) {
	var w wireInstance
	if err := c.do(ctx, "get instance "+string(id), http.MethodGet, "/instances/"+url.PathEscape(string(id)), nil, true, &w); err != nil {
		return Instance{}, err
	}
	return w.instance(), nil
}

// DeleteInstance deletes an instance on the platform.
func (c *Client) DeleteInstance(ctx context.Context, id ID) error {
	return c.do(ctx, "delete instance "+string(id), http.MethodDelete, "/instances/"+url.PathEscape(string(id)), nil, true, nil)
}

// do runs one call; GETs are retried on transient failures.
func (c *Client) do(ctx context.Context, op, method, path string, body []byte, auth bool, out any) error {
	attempts := 1
	if method == http.MethodGet {
		attempts += c.Retries
	}
	var err error
	for i := 0; i < attempts; i++ {
		var wait time.Duration
		var retry bool
		retry, wait, err = c.once(ctx, op, method, path, body, auth, out)
		if err == nil || !retry || i == attempts-1 {
			break
		}
		if wait == 0 {
			wait = backoff(i)
		}
		if c.MaxRetryWait > 0 && wait > c.MaxRetryWait {
			break // the platform asks for a longer pause than is worth waiting here
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
	return err
}

func backoff(i int) time.Duration {
	d := 200 * time.Millisecond << i
	return d + rand.N(d/2) //nolint:gosec // jitter, not a secret
}

func (c *Client) once(ctx context.Context, op, method, path string, body []byte, auth bool, out any) (retry bool, wait time.Duration, err error) {
	timeout := c.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.BaseURL+path, rd)
	if err != nil {
		return false, 0, fmt.Errorf("could not %s: bad platform URL %q: %w", op, c.BaseURL, err)
	}
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.UserAgent != "" {
		req.Header.Set("User-Agent", c.UserAgent)
	}
	if auth {
		req.Header.Set("Authorization", "User "+c.User.Reveal()+", Organization "+c.Org.Reveal())
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	// A copy that follows nothing, whatever the caller's client does: a
	// platform answer is never followed to another server with the secrets.
	nc := *hc
	nc.CheckRedirect = noRedirect
	hc = &nc
	start := time.Now()
	resp, err := hc.Do(req)
	if err != nil {
		c.logCall(method, req.URL, 0, time.Since(start), err)
		return transient(err), 0, c.transportError(op, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	c.logCall(method, req.URL, resp.StatusCode, time.Since(start), rerr)
	if rerr != nil {
		return transient(rerr), 0, c.transportError(op, rerr)
	}
	if len(data) > maxBody {
		return false, 0, fmt.Errorf("could not %s: the platform's answer (HTTP %d) is larger than %d bytes; check the platform URL", op, resp.StatusCode, maxBody)
	}
	if resp.StatusCode >= 300 && resp.StatusCode <= 399 {
		// Never retried, never followed: the platform URL is wrong (http
		// for https, a moved API root) or the platform is hostile.
		e := decodeAPIError(op, resp.StatusCode, data)
		e.Redirect = true
		e.Location = redirectHost(req.URL, resp.Header.Get("Location"))
		return false, 0, e
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		e := decodeAPIError(op, resp.StatusCode, data)
		switch resp.StatusCode {
		case http.StatusTooManyRequests:
			return true, retryAfter(resp.Header.Get("Retry-After")), e
		case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
			return true, retryAfter(resp.Header.Get("Retry-After")), e
		}
		return false, 0, e
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 && method == http.MethodDelete {
		return false, 0, nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return false, 0, fmt.Errorf("could not %s: the platform's answer (HTTP %d) is not the expected JSON (%v); body starts %q — check the platform URL",
			op, resp.StatusCode, jsonProblem(err), Excerpt(data))
	}
	return false, 0, nil
}

// noRedirect is the platform client's CheckRedirect: it follows nothing, so
// the answer is the redirect itself.
func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

// redirectHost names where a redirect points, host (and port) only, safe
// to print; a relative location resolves against the request's URL.
func redirectHost(req *url.URL, location string) string {
	if strings.TrimSpace(location) == "" {
		return ""
	}
	u, err := req.Parse(location)
	if err != nil || u.Host == "" {
		return "an unparseable location"
	}
	h := termsafe.Sanitize(u.Host, 100)
	if h == "" {
		return "an unprintable host"
	}
	return h
}

func jsonProblem(err error) string {
	var se *json.SyntaxError
	if errors.As(err, &se) {
		return fmt.Sprintf("syntax error at byte %d", se.Offset)
	}
	if errors.Is(err, io.ErrUnexpectedEOF) {
		return "truncated"
	}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return fmt.Sprintf("field %q has the wrong type", te.Field)
	}
	return "malformed"
}

func (c *Client) transportError(op string, err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // the URL may carry secret query values
	}
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("could not %s: the platform did not answer in time: %w", op, err)
	case errors.Is(err, context.Canceled):
		return fmt.Errorf("could not %s: %w", op, err)
	}
	return &transportError{
		msg: fmt.Sprintf("could not %s: cannot reach the platform at %s (%s); check the platform URL, your network and proxy settings (HTTPS_PROXY, NO_PROXY)", op, RedactURL(c.BaseURL), termsafe.Sanitize(err.Error(), 300)),
		err: err,
	}
}

// transportError is a call that failed below HTTP: its message is for the
// user (sanitized, no URL with secrets), its cause stays reachable for
// errors.Is/As (was the request ever sent?).
type transportError struct {
	msg string
	err error
}

func (e *transportError) Error() string { return e.msg }
func (e *transportError) Unwrap() error { return e.err }

// transient reports whether a transport error is worth retrying.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	if errors.Is(err, syscall.ECONNREFUSED) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func retryAfter(v string) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := time.Until(t); d > 0 {
			return d
		}
	}
	return 0
}

func (c *Client) logCall(method string, u *url.URL, status int, d time.Duration, err error) {
	if c.Log == nil {
		return
	}
	attrs := []any{"method", method, "url", RedactURL(u.String()), "status", status, "duration", d.Round(time.Microsecond).String()}
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // its URL carries secret query values
		}
		attrs = append(attrs, "error", err.Error())
	}
	c.Log.Info("http", attrs...)
}

// RedactURL returns raw with secret query values and any user info masked.
func RedactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparseable URL)"
	}
	if u.User != nil {
		u.User = url.User(secret.Mask)
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			if secret.IsSecretParam(k) {
				q[k] = []string{"REDACTED"}
			}
		}
		u.RawQuery = q.Encode()
	}
	return u.String()
}
