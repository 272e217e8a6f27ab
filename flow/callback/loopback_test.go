package callback

import (
	"errors"
	"net"
	"testing"
)

// TestIsLoopback lists the spellings of callback URLs users and providers
// produce; the one rule answers alike for the listener, the sandbox and the
// plain-http warning.
func TestIsLoopback(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://127.0.0.1:8750/callback":       true,
		"http://localhost:8750/callback":       true,
		"http://LOCALHOST:8750/callback":       true,
		"http://LocalHost.:8750/callback":      true,
		"http://[::1]:8750/callback":           true,
		"http://127.1.2.3:8750/cb":             true,
		"http://127.0.0.1/cb":                  true,
		"http://127.0.0.1:0/cb":                true,
		"http://user@127.0.0.1:8750/cb":        false,
		"http://user:pw@localhost:8750/cb":     false,
		"https://127.0.0.1:8750/callback":      false,
		"http://127.0.0.1:99999/callback":      false,
		"http://10.0.0.1:8750/callback":        false,
		"http://localhost.example.com:8750/cb": false,
		"http://0.0.0.0:8750/cb":               false,
		"http://[::]:8750/cb":                  false,
		"http://example.com/cb":                false,
		"not a url":                            false,
		"":                                     false,
	} {
		if got := IsLoopback(raw); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", raw, got, want)
		}
	}
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.0.0.1:8750": true, "[::1]:8750": true, "::1": true, "localhost": true,
		"LOCALHOST:80": true, "localhost.:80": true, "evil.example": false, "127.0.0.1.evil.example": false, "": false,
	} {
		if got := IsLoopbackHost(host); got != want {
			t.Errorf("IsLoopbackHost(%q) = %v, want %v", host, got, want)
		}
	}
}

// TestLocalhostBindsBothFamilies: a localhost callback listens on
// 127.0.0.1 and, where the host has IPv6, on ::1, so a neighbour cannot
// take the other one.
func TestLocalhostBindsBothFamilies(t *testing.T) {
	hosts, _, _, err := loopbackAddrs("http://localhost:0/cb")
	if err != nil || len(hosts) != 2 {
		t.Fatalf("hosts %v, %v", hosts, err)
	}
	lns, err := listenAll(hosts, "0")
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, ln := range lns {
			_ = ln.Close()
		}
	}()
	if len(lns) == 2 {
		_, p1, _ := net.SplitHostPort(lns[0].Addr().String())
		_, p2, _ := net.SplitHostPort(lns[1].Addr().String())
		if p1 != p2 {
			t.Fatalf("ports differ: %s and %s", p1, p2)
		}
	}
}

// TestNeighbourOnIPv6LocalhostRefused: someone else holding [::1]:PORT
// would receive the code a browser sends to localhost: the run refuses to
// start instead of listening on 127.0.0.1 alone.
func TestNeighbourOnIPv6LocalhostRefused(t *testing.T) {
	neighbour, err := net.Listen("tcp", "[::1]:0")
	if err != nil {
		t.Skip("no IPv6 loopback here:", err)
	}
	defer func() { _ = neighbour.Close() }()
	_, port, _ := net.SplitHostPort(neighbour.Addr().String())
	l, err := Listen("http://localhost:"+port+"/cb", NewState(), nil)
	if err == nil {
		l.Close()
		t.Fatal("listened beside a neighbour on [::1]")
	}
	if !errors.Is(err, ErrPortInUse) {
		t.Fatalf("err = %v, want ErrPortInUse", err)
	}
}
