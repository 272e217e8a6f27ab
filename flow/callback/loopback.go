package callback

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"syscall"

	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// IsLoopbackHost is the one rule for a loopback name: host — a URL's host
// or a Host header, with or without a port and brackets — names this
// machine's loopback interface: localhost (in any case, with or without the
// trailing dot), 127.0.0.0/8 or ::1.
func IsLoopbackHost(hostport string) bool {
	host := hostport
	if h, _, err := net.SplitHostPort(hostport); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if isLocalhost(host) {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func isLocalhost(host string) bool {
	return strings.EqualFold(strings.TrimSuffix(host, "."), "localhost")
}

// IsLoopback is the one rule for a loopback URL: raw is a plain-http URL
// with no user information, a loopback host (IsLoopbackHost) and a valid
// port, so a listener on this machine can receive it.
func IsLoopback(raw string) bool {
	_, _, _, err := loopbackAddrs(raw)
	return err == nil
}

// loopbackAddrs returns the hosts to bind, the port (0 picks a free one)
// and the path to serve for a loopback callback URL. localhost names both
// 127.0.0.1 and ::1 (browsers try ::1 first), so both are bound where the
// host has IPv6: a neighbour holding either would receive the code.
func loopbackAddrs(raw string) (hosts []string, port, path string, err error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, "", "", fmt.Errorf("the callback URL is not a URL: %s", termsafe.Sanitize(err.Error(), 200))
	}
	switch {
	case u.Scheme != "http":
		return nil, "", "", fmt.Errorf("the callback URL %q is not plain http, so no local listener can receive it", termsafe.Sanitize(raw, 200))
	case u.User != nil:
		return nil, "", "", fmt.Errorf("the callback URL %q carries a user name; a redirect URI never does", termsafe.Sanitize(raw, 200))
	case !IsLoopbackHost(u.Host):
		return nil, "", "", fmt.Errorf("the callback URL %q does not name a loopback address (127.0.0.1, [::1] or localhost)", termsafe.Sanitize(raw, 200))
	}
	port = cmp.Or(u.Port(), "80")
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return nil, "", "", fmt.Errorf("the callback URL's port %q is not a port number", termsafe.Sanitize(port, 10))
	}
	path = cmp.Or(u.Path, "/")
	host := u.Hostname()
	if isLocalhost(host) {
		return []string{"127.0.0.1", "::1"}, port, path, nil
	}
	return []string{host}, port, path, nil
}

// ErrPortInUse is a callback port another program listens on.
var ErrPortInUse = errors.New("the callback port is already in use")

// listenAll binds port on every host, or on none: a port of 0 is the one
// the first host got. An IPv6 host where the machine has no IPv6 is
// skipped; any other failure closes what was bound.
func listenAll(hosts []string, port string) ([]net.Listener, error) {
	var lns []net.Listener
	closeAll := func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}
	for i, host := range hosts {
		if i > 0 {
			_, port, _ = net.SplitHostPort(lns[0].Addr().String())
		}
		addr := net.JoinHostPort(host, port)
		ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", addr)
		switch {
		case err == nil:
			lns = append(lns, ln)
			continue
		case i > 0 && noIPv6(err):
			continue
		case errors.Is(err, syscall.EADDRINUSE):
			closeAll()
			return nil, fmt.Errorf("%w: %w: %s (another connectwiz, or another program?); stop it, or pick another port in the callback URL — it must match the redirect URI registered with the provider", ErrListen, ErrPortInUse, addr)
		default:
			closeAll()
			return nil, fmt.Errorf("%w: cannot listen on %s: %w", ErrListen, addr, err)
		}
	}
	return lns, nil
}

// noIPv6 reports whether a listen failed because the machine has no IPv6
// loopback.
func noIPv6(err error) bool {
	return errors.Is(err, syscall.EADDRNOTAVAIL) || errors.Is(err, syscall.EAFNOSUPPORT) || errors.Is(err, syscall.EPROTONOSUPPORT)
}

// ProbeCallback binds the callback URL's loopback addresses as a create
// would, and releases them at once: can a create listen there now? It
// returns the first address.
func ProbeCallback(callbackURL string) (string, error) {
	hosts, port, _, err := loopbackAddrs(callbackURL)
	if err != nil {
		return "", fmt.Errorf("%w: %w", ErrListen, err)
	}
	addr := net.JoinHostPort(hosts[0], port)
	lns, err := listenAll(hosts, port)
	if err != nil {
		return addr, err
	}
	for _, ln := range lns {
		_ = ln.Close()
	}
	return addr, nil
}
