package flow_test

import (
	"context"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/lines"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/internal/testkit"
)

// recorder is a Progress that records each step, and plays the user who
// pastes the redirect the consent page sends the browser to.
type recorder struct {
	mu     sync.Mutex
	steps  []string
	url    string
	pasted io.Writer
}

func (r *recorder) add(format string, args ...any) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.steps = append(r.steps, fmt.Sprintf(format, args...))
}

func (r *recorder) URLReady(url string)        { r.url = url; r.add("url") }
func (r *recorder) Refused(reason string)      { r.add("refused") }
func (r *recorder) PasteWanted(cb string)      { r.add("paste wanted") }
func (r *recorder) WrongPaste(err error)       { r.add("wrong paste") }
func (r *recorder) Note(note string)           { r.add("note: %s", note) }
func (r *recorder) Creating(name, host string) { r.add("creating %s", name) }
func (r *recorder) Waiting(cb string, wait time.Duration, paste bool) {
	r.add("waiting %s paste=%v", wait, paste)
	if r.pasted == nil {
		return
	}
	go func() { // the user, on another machine, pastes where the browser ended
		redirect, err := sandbox.ConsentRedirect(context.Background(), r.url, true)
		if err == nil {
			_, _ = io.WriteString(r.pasted, "not a redirect\n"+redirect+"\n")
		}
	}()
}

// Headless says its steps through Progress (it prints nothing) and takes
// the redirect pasted while the listener waits.
func TestHeadlessProgressAndPasteWhileWaiting(t *testing.T) {
	sb := testkit.Sandbox(t, sandbox.Options{})
	s, _ := newSession(t, false)
	s.NoBrowser = true
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	rec := &recorder{pasted: pw}
	created, err := s.Headless(context.Background(), flow.HeadlessOptions{
		Creds: sb.Credentials("http://127.0.0.1:0/callback"), Name: "pasted", Wait: time.Minute,
		Input: lines.New(pr), Progress: rec,
	})
	if err != nil || created.Saved.Entry.Name != "pasted" {
		t.Fatalf("created %+v, %v", created, err)
	}
	want := "url, waiting 1m0s paste=true, wrong paste, creating pasted"
	if got := strings.Join(rec.steps, ", "); got != want {
		t.Fatalf("steps %q, want %q", got, want)
	}
}

// Headless against the sandbox with no browser approves the consent here,
// says so, and creates; in a remote session it also gives the port
// forwarding, and never tries the browser.
func TestHeadlessSandboxApprovesHereRemote(t *testing.T) {
	s, _ := newSession(t, true)
	sb := testkit.Sandbox(t, sandbox.Options{})
	s.Remote, s.Hostname = true, "build-box"
	s.Browser = openerFunc(func(string) error { t.Error("a browser was tried in a remote session"); return nil })
	rec := &recorder{}
	created, err := s.Headless(context.Background(), flow.HeadlessOptions{
		Creds: sb.Credentials("http://127.0.0.1:0/callback"), Name: "ci", Wait: time.Minute, Progress: rec,
	})
	if err != nil || created.Saved.Entry.Name != "ci" {
		t.Fatalf("created %+v, %v", created, err)
	}
	got := strings.Join(rec.steps, "\n")
	for _, want := range []string{"ssh -L ", ":127.0.0.1:", " build-box\n", flow.SayApprovedHere, "creating ci"} {
		if !strings.Contains(got, want) {
			t.Fatalf("%q not said:\n%s", want, got)
		}
	}
}

type openerFunc func(string) error

func (f openerFunc) Open(u string) error { return f(u) }

func TestWordsDurationAndForward(t *testing.T) {
	for d, want := range map[time.Duration]string{
		5 * time.Minute: "5 minutes", time.Minute: "1 minute", 90 * time.Second: "1 minute 30 seconds",
		2 * time.Hour: "2 hours", 10 * time.Millisecond: "10 milliseconds", time.Second: "1 second",
	} {
		if got := flow.Duration(d); got != want {
			t.Errorf("Duration(%s) = %q, want %q", d, got, want)
		}
	}
	if got := flow.SayWaiting("http://127.0.0.1:8750/callback", 5*time.Minute, false); !strings.Contains(got, "up to 5 minutes") {
		t.Errorf("SayWaiting: %q", got)
	}
	for addr, want := range map[string]string{
		"127.0.0.1:8750": "ssh -L 8750:127.0.0.1:8750 host",
		"[::1]:9000":     "ssh -L 9000:[::1]:9000 host",
	} {
		if got := flow.ForwardCommand("host", addr); got != want {
			t.Errorf("ForwardCommand(%s) = %q", addr, got)
		}
	}
	if got := flow.ForwardCommand("", "127.0.0.1:8750"); got != "ssh -L 8750:127.0.0.1:8750 <this-host>" {
		t.Errorf("no hostname: %q", got)
	}
	// A platform on this machine's loopback (the sandbox) is forwarded too;
	// "" (a platform elsewhere) is not.
	if got := flow.ForwardCommand("host", "127.0.0.1:8750", "127.0.0.1:8751", ""); got != "ssh -L 8750:127.0.0.1:8750 -L 8751:127.0.0.1:8751 host" {
		t.Errorf("with the sandbox: %q", got)
	}
}
