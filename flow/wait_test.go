package flow_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/lines"
)

// notes records what WaitOrPaste says while it waits.
type notes struct {
	wrong   []error
	refused []string
}

func (n *notes) WrongPaste(err error)  { n.wrong = append(n.wrong, err) }
func (n *notes) Refused(reason string) { n.refused = append(n.refused, reason) }

// waiting is an authorization waiting on a real loopback listener.
func waiting(t *testing.T) *flow.Authorization {
	t.Helper()
	l, state := listen(t)
	return &flow.Authorization{URL: "https://provider.test/auth", State: state, CallbackURL: l.URL, Listener: l, Done: l.Done(), Refusals: l.Refusals()}
}

// A pasted redirect wins over a listener still waiting; a wrong paste (and
// an empty line) is said, and the wait goes on.
func TestWaitOrPastePasteWins(t *testing.T) {
	a := waiting(t)
	in := lines.New(strings.NewReader("\n" + a.CallbackURL + "?code=other&state=forged\n" + a.CallbackURL + "?code=pasted-code&state=" + a.State.Reveal() + "\n"))
	notes := &notes{}
	got, err := a.WaitOrPaste(context.Background(), time.Minute, in, notes)
	wrong := notes.wrong
	if err != nil || got.Code != "pasted-code" || !got.Pasted || !got.StateChecked || got.Note() != "" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if len(wrong) != 1 || !strings.Contains(wrong[0].Error(), "does not match") {
		t.Fatalf("wrong pastes said: %v", wrong)
	}
}

// The browser's callback wins over an input nobody types in; the read left
// in flight gives its line to the next reader.
func TestWaitOrPasteCallbackWins(t *testing.T) {
	a := waiting(t)
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	in := lines.New(pr)
	go func() {
		time.Sleep(50 * time.Millisecond)
		resp, err := http.Get(a.CallbackURL + "?code=browser-code&state=" + a.State.Reveal())
		if err == nil {
			_ = resp.Body.Close()
		}
	}()
	got, err := a.WaitOrPaste(context.Background(), time.Minute, in, nil)
	if err != nil || got.Code != "browser-code" || got.Pasted {
		t.Fatalf("got %+v, %v", got, err)
	}
	go func() { _, _ = io.WriteString(pw, "the next answer\n") }()
	if line, err := in.ReadLine(context.Background()); line != "the next answer" || err != nil {
		t.Fatalf("the next answer is %q, %v", line, err)
	}
}

// The end of the input leaves the wait to the listener and its timeout; a
// paste without a listener needs input.
func TestWaitOrPasteInputEnds(t *testing.T) {
	a := waiting(t)
	_, err := a.WaitOrPaste(context.Background(), 50*time.Millisecond, lines.New(strings.NewReader("")), nil)
	if !errors.Is(err, callback.ErrTimeout) {
		t.Fatalf("err %v", err)
	}
	paste := &flow.Authorization{State: callback.NewState(), CallbackURL: "https://app.example/cb"}
	if _, err := paste.WaitOrPaste(context.Background(), 0, lines.New(strings.NewReader("")), nil); !errors.Is(err, flow.ErrNoPasteInput) {
		t.Fatalf("err %v", err)
	}
	got, err := paste.WaitOrPaste(context.Background(), 0, lines.New(strings.NewReader("bare-code\n")), nil)
	if err != nil || got.Code != "bare-code" || got.StateChecked || got.Note() == "" {
		t.Fatalf("got %+v, %v", got, err)
	}
}

// A pasted refusal ends the wait as the callback's would; so does ctx.
func TestWaitOrPasteDeniedAndCancelled(t *testing.T) {
	a := waiting(t)
	_, err := a.WaitOrPaste(context.Background(), time.Minute, lines.New(strings.NewReader(a.CallbackURL+"?error=access_denied&state="+a.State.Reveal()+"\n")), nil)
	var denied *callback.AuthError
	if !errors.As(err, &denied) || denied.Code != "access_denied" {
		t.Fatalf("err %v", err)
	}
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := waiting(t).WaitOrPaste(ctx, time.Minute, lines.New(pr), nil); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err %v", err)
	}
}

// A request the listener refuses is said, a line each, and the wait goes
// on until the callback; the timeout is said in words.
func TestWaitOrPasteSaysRefusals(t *testing.T) {
	a := waiting(t)
	n := &notes{}
	pr, pw := io.Pipe()
	defer func() { _ = pw.Close() }()
	go func() {
		get := func(u string) {
			if resp, err := http.Get(u); err == nil { //nolint:noctx // a test's loopback request
				_ = resp.Body.Close()
			}
		}
		get(a.CallbackURL + "?code=x&state=forged")
		get(a.CallbackURL + "?code=the-code&state=" + a.State.Reveal())
	}()
	got, err := a.WaitOrPaste(context.Background(), time.Minute, lines.New(pr), n)
	if err != nil || got.Code != "the-code" {
		t.Fatalf("got %+v, %v", got, err)
	}
	if len(n.refused) != 1 || n.refused[0] != "wrong state" {
		t.Fatalf("refusals said: %q", n.refused)
	}
	if line := flow.SayRefused(n.refused[0]); strings.Contains(line, "\n") || !strings.HasPrefix(line, "A request reached the callback but was not accepted: wrong state") {
		t.Fatalf("the line: %q", line)
	}
	_, err = waiting(t).WaitOrPaste(context.Background(), 20*time.Millisecond, nil, n)
	if !errors.Is(err, callback.ErrTimeout) || !strings.Contains(err.Error(), "no callback arrived in 20 milliseconds") {
		t.Fatalf("timeout: %v", err)
	}
}
