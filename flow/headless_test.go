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
func (r *recorder) BrowserFailed(err error)    { r.add("browser failed") }
func (r *recorder) PasteWanted(cb string)      { r.add("paste wanted") }
func (r *recorder) WrongPaste(err error)       { r.add("wrong paste") }
func (r *recorder) Note(note string)           { r.add("note") }
func (r *recorder) Creating(name, host string) { r.add("creating %s", name) }
func (r *recorder) Waiting(cb string, wait time.Duration, paste bool) {
	r.add("waiting %s paste=%v", wait, paste)
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
