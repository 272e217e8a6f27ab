package flow_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow/platform"
)

// Idempotent calls (GET …/oauth/url, GET /instances, GET /instances/{id},
// DELETE) are retried on 429, 502, 503 and 504, honouring Retry-After,
// at most Retries times; before, DELETE was not retried at all.
func TestClientRetriesIdempotentCalls(t *testing.T) {
	for _, status := range []int{http.StatusTooManyRequests, http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout} {
		var n atomic.Int32
		var last atomic.Int64
		var gap atomic.Int64
		var retryAfter atomic.Value
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			now := time.Now().UnixNano()
			if prev := last.Swap(now); prev != 0 {
				gap.Store(now - prev)
			}
			if n.Add(1) <= 2 {
				w.Header().Set("Retry-After", retryAfter.Load().(string))
				w.WriteHeader(status)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			switch {
			case r.Method == http.MethodDelete:
				_, _ = w.Write([]byte(`{}`))
			case r.URL.Path == "/instances":
				_, _ = w.Write([]byte(`[]`))
			case r.URL.Path == "/instances/7":
				_, _ = w.Write([]byte(`{"id":7,"token":"t"}`))
			default:
				_, _ = w.Write([]byte(`{"oauthUrl":"https://provider.example/authorize"}`))
			}
		}))
		c := platform.NewClient(srv.URL, "u", "o", "t")
		calls := map[string]func() error{
			"delete": func() error { return c.DeleteInstance(context.Background(), "7") },
			"list":   func() error { _, err := c.Instances(context.Background()); return err },
			"get":    func() error { _, err := c.Instance(context.Background(), "7"); return err },
			"auth url": func() error {
				_, err := c.AuthURL(context.Background(), platform.AuthURLRequest{Connector: "k"})
				return err
			},
		}
		for name, call := range calls {
			n.Store(0)
			last.Store(0)
			// One call waits out a Retry-After of a second; the others 0.
			slow := status == http.StatusServiceUnavailable && name == "delete"
			retryAfter.Store(map[bool]string{true: "1", false: "0"}[slow])
			if err := call(); err != nil {
				t.Errorf("%d %s: %v", status, name, err)
			}
			if n.Load() != 3 || slow && time.Duration(gap.Load()) < 900*time.Millisecond {
				t.Errorf("%d %s: %d calls, last pause %s (Retry-After: 1)", status, name, n.Load(), time.Duration(gap.Load()))
			}
		}
		// Bounded: a platform that never recovers gets 1+Retries calls.
		c.Retries = 1
		retryAfter.Store("0")
		n.Store(-100)
		if err := c.DeleteInstance(context.Background(), "7"); err == nil || n.Load() != -98 {
			t.Errorf("%d: unbounded retries: %d calls, %v", status, n.Load()+100, err)
		}
		srv.Close()
	}
}
