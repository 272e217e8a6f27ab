package platform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// idempotent reports whether a call may be sent again when its answer is
// transient (429, 502, 503, 504, a reset connection): GET and DELETE. A
// POST /instances never is: its lost answer may mean the instance exists.
func idempotent(method string) bool {
	return method == http.MethodGet || method == http.MethodDelete
}

// do runs one call; idempotent ones are retried on transient failures, at
// most Retries times, honouring Retry-After up to MaxRetryWait.
func (c *Client) do(ctx context.Context, op, method, path string, body []byte, auth bool, out any) error {
	attempts := 1
	if idempotent(method) {
		attempts += max(c.Retries, 0)
	}
	var err error
	for i := 0; i < attempts; i++ {
		var wait time.Duration
		var retry bool
		retry, wait, err = c.once(ctx, op, method, path, body, auth, out)
		if err == nil || !retry || i == attempts-1 {
			break
		}
		if wait < 0 { // no Retry-After: back off
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
		return transient(err), -1, c.transportError(op, err)
	}
	defer func() { _ = resp.Body.Close() }()
	data, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody+1))
	c.logCall(method, req.URL, resp.StatusCode, time.Since(start), rerr)
	if rerr != nil {
		return transient(rerr), -1, c.transportError(op, rerr)
	}
	if len(data) > maxBody {
		return false, 0, &DecodeError{Op: op, Status: resp.StatusCode, Problem: fmt.Sprintf("larger than %d bytes", maxBody)}
	}
	if resp.StatusCode == http.StatusProxyAuthRequired {
		return false, 0, proxyError(op, c.proxyFor(req), req.URL, resp.StatusCode)
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
		if p := c.proxyFor(req); p != nil {
			pe := proxyError(op, p, req.URL, resp.StatusCode)
			e.Proxy, e.ProxyVar = pe.Proxy, pe.Var
		}
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
		// Never the body: a create's or an instance's answer holds its token.
		return false, 0, &DecodeError{Op: op, Status: resp.StatusCode, Problem: jsonProblem(err)}
	}
	return false, 0, nil
}

// DecodeError is a 2xx answer that is not the expected JSON. It names the
// problem (field, byte offset) and never quotes the body, which may hold a
// token.
type DecodeError struct {
	Op      string
	Status  int
	Problem string
}

func (e *DecodeError) Error() string {
	return fmt.Sprintf("could not %s: the platform's answer (HTTP %d) is not the expected JSON (%s) — check the platform URL", e.Op, e.Status, e.Problem)
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
		return fmt.Sprintf("field %q has the wrong type, at byte %d", termsafe.Sanitize(te.Field, 100), te.Offset)
	}
	var fe *FieldError
	if errors.As(err, &fe) {
		return fmt.Sprintf("field %q has the wrong type", termsafe.Sanitize(fe.Field, 100))
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
	var pe *ProxyError
	if errors.As(err, &pe) {
		pe.Op = op
		return pe
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Op == "proxyconnect" {
		return &transportError{
			msg: fmt.Sprintf("could not %s: cannot reach the proxy on the way to the platform at %s (%s); check HTTPS_PROXY, HTTP_PROXY and NO_PROXY", op, RedactURL(c.BaseURL), termsafe.Sanitize(err.Error(), 300)),
			err: err,
		}
	}
	if p := certProblem(err); p != "" {
		return &transportError{
			msg: fmt.Sprintf("could not %s: the platform at %s is not trusted: %s (%s); %s", op, RedactURL(c.BaseURL), p, termsafe.Sanitize(err.Error(), 300), CertificateFix()),
			err: err,
		}
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

// retryAfter reads a Retry-After header (seconds or an HTTP date); -1
// when there is none to honour.
func retryAfter(v string) time.Duration {
	if strings.TrimSpace(v) == "" {
		return -1
	}
	if s, err := strconv.Atoi(strings.TrimSpace(v)); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(time.Until(t), 0)
	}
	return -1
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
