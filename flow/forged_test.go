package flow_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/callback"
)

// forgery is one request an attacker could send to a waiting listener.
type forgery struct {
	method, path, query, host string
}

// forgeries builds well over 300 hostile requests.
func forgeries(state string) []forgery {
	var out []forgery
	markups := []string{"<script>alert(1)</script>", `"><img src=x onerror=alert(1)>`, "<b>bold</b>", "javascript:alert(1)", "\x1b[2J\x1b[31mred", "%3Cscript%3E"}
	for i := 0; i < 60; i++ {
		wrong := fmt.Sprintf("%s%d", state[:len(state)-3], i) // near misses
		out = append(out,
			forgery{"GET", "/callback", q("code", fmt.Sprint("c", i), "state", wrong), ""},
			forgery{"GET", "/callback", q("code", fmt.Sprint("c", i)), ""},
			forgery{"GET", "/callback", q("code", "c", "state", state, "state", wrong), ""},
			forgery{"GET", "/callback", q("error", "access_denied", "error_description", markups[i%len(markups)], "state", wrong), ""},
			forgery{"GET", "/callback", q("error", markups[i%len(markups)], "state", ""), ""},
		)
	}
	for i, h := range []string{"evil.example", "evil.example:8750", "127.0.0.1.evil.example", "localhost.evil.example", "192.168.1.10", "[2001:db8::1]:80", "attacker", "0.0.0.0"} {
		out = append(out, forgery{"GET", "/callback", q("code", fmt.Sprint("h", i), "state", state), h})
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "PATCH", "OPTIONS"} {
		out = append(out, forgery{m, "/callback", q("code", "c", "state", state), ""})
	}
	for _, p := range []string{"/", "/callbackx", "/callback/", "/other", "/callback/../admin", "/favicon.ico", "/CALLBACK"} {
		out = append(out, forgery{"GET", p, q("code", "c", "state", state), ""})
	}
	big := strings.Repeat("A", 20<<10)
	out = append(out,
		forgery{"GET", "/callback", q("code", big, "state", "x"), ""},
		forgery{"GET", "/callback", q("state", big), ""},
		forgery{"GET", "/callback", "state=%zz&code=1", ""},
		forgery{"GET", "/callback", q("state", state+" "), ""},
		forgery{"GET", "/callback", q("state", strings.ToUpper(state), "code", "c"), ""},
	)
	return out
}

// startForgeries are requests near a one-time link's path.
func startForgeries(path string) []forgery {
	last := path[len(path)-1]
	flip := byte('0')
	if last == '0' {
		flip = '1'
	}
	near := path[:len(path)-1] + string(flip)
	out := []forgery{
		{"GET", near, "", ""},
		{"GET", path[:len(path)-1], "", ""},
		{"GET", path + "0", "", ""},
		{"GET", path + "/", "", ""},
		{"GET", strings.ToUpper(path), "", ""},
		{"GET", "/start/", "", ""},
		{"GET", "/start", "", ""},
		{"GET", "/start/../callback", "", ""},
		{"GET", "/start/" + strings.Repeat("0", 32), "", ""},
	}
	for _, h := range []string{"evil.example", "127.0.0.1.evil.example", "192.168.1.10"} {
		out = append(out, forgery{"GET", path, "", h})
	}
	for _, m := range []string{"POST", "PUT", "DELETE", "HEAD", "OPTIONS"} {
		out = append(out, forgery{m, path, "", ""})
	}
	return out
}

func TestForgedCallbacksAreIgnored(t *testing.T) {
	state := callback.NewState()
	l, err := callback.Listen("http://localhost:0/callback", state, nil)
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ := net.SplitHostPort(l.Addr)
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		t.Fatalf("bound %s", l.Addr)
	}
	// A one-time browser link is registered: no forgery may use it up,
	// guess it or learn where it leads.
	target := "https://provider.example/authorize?state=" + state.Reveal()
	link, _ := url.Parse(l.BrowserURL(target))
	fs := append(forgeries(state.Reveal()), startForgeries(link.Path)...)
	if len(fs) < 300 {
		t.Fatalf("only %d forgeries", len(fs))
	}
	client := &http.Client{Timeout: 5 * time.Second}
	for i, f := range fs {
		u := "http://" + l.Addr + f.path
		if f.query != "" {
			u += "?" + f.query
		}
		req, err := http.NewRequest(f.method, u, nil)
		if err != nil {
			req, _ = http.NewRequest(f.method, "http://"+l.Addr+"/callback", nil)
			req.URL.RawQuery = f.query
		}
		if f.host != "" {
			req.Host = f.host
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatalf("forgery %d (%s %s): %v", i, f.method, f.path, err)
		}
		body, _ := io.ReadAll(resp.Body)
		_ = resp.Body.Close()
		if resp.StatusCode < 400 || resp.StatusCode > 499 {
			t.Fatalf("forgery %d (%s %s host=%q) got %d", i, f.method, f.path, f.host, resp.StatusCode)
		}
		if strings.Contains(string(body), state.Reveal()) || strings.Contains(fmt.Sprint(resp.Header), state.Reveal()) {
			t.Fatalf("forgery %d: the response reveals the state", i)
		}
		for _, m := range []string{"<script", "<img", "<b>", "javascript:", "\x1b"} {
			if strings.Contains(string(body), m) {
				t.Fatalf("forgery %d: the response reflects %q", i, m)
			}
		}
		select {
		case r := <-l.Done():
			t.Fatalf("forgery %d ended the wait: %+v", i, r)
		default:
		}
	}
	// The real link still works, once.
	noFollow := &http.Client{Timeout: 5 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(link.String())
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != target {
		t.Fatalf("the real link: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// The real callback still goes through.
	resp, err = client.Get("http://" + l.Addr + "/callback?" + url.Values{"code": {"real"}, "state": {state.Reveal()}}.Encode())
	if err != nil {
		t.Fatal(err)
	}
	_ = resp.Body.Close()
	code, err := l.Wait(context.Background(), time.Second)
	if err != nil || code.Reveal() != "real" {
		t.Fatalf("real callback: %q %v", code.Reveal(), err)
	}
	if c, err := net.DialTimeout("tcp", l.Addr, time.Second); err == nil {
		_ = c.Close()
		t.Fatal("listener still open")
	}
	t.Logf("%d forged requests ignored", len(fs))
}
