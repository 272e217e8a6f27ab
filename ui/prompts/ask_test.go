package prompts

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	linein "github.com/connectwiz/connectwiz/flow/lines"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

func newRun(input string) (*accessible, *bytes.Buffer) {
	var out bytes.Buffer
	return &accessible{ctx: context.Background(), in: linein.New(strings.NewReader(input)), out: &out}, &out
}

// ask keeps asking until the answer passes its check; Enter keeps the
// current value; a secret's current value is never shown.
func TestAsk(t *testing.T) {
	a, out := newRun("bad\n\n")
	got := a.ask("Connector", "onedrivebusiness", false, func(s string) error {
		if s == "bad" {
			return errors.New("not a connector")
		}
		return nil
	})
	if got != "onedrivebusiness" || !strings.Contains(out.String(), "✗ Connector: not a connector; answer again") ||
		!strings.Contains(out.String(), "Connector [onedrivebusiness]: ") {
		t.Fatalf("got %q, said:\n%s", got, out)
	}
	a, out = newRun("\n")
	if got := a.ask("User secret", "s3cret", true, wizard.Required); got != "s3cret" || strings.Contains(out.String(), "s3cret") {
		t.Fatalf("got %q, said:\n%s", got, out)
	}
}

// choose takes y, n, the other letter, or the default on Enter, and asks
// again on anything else.
func TestChoose(t *testing.T) {
	for in, want := range map[string][2]bool{"\n": {true, false}, "n\n": {false, false}, "YES\n": {true, false}, "c\n": {false, true}, "maybe\ny\n": {true, false}} {
		a, out := newRun(in)
		yes, other := a.choose("Create it?", true, "c", "(c shows it as a curl command)")
		if [2]bool{yes, other} != want {
			t.Errorf("%q: got yes=%v other=%v, want %v\n%s", in, yes, other, want, out)
		}
	}
}

// The input's end fails the run with ErrInputEnded, and every later
// question answers at once, silently.
func TestInputEnded(t *testing.T) {
	a, out := newRun("")
	if a.confirm("Continue with these?", true) || !errors.Is(a.err, ErrInputEnded) {
		t.Fatalf("err %v", a.err)
	}
	before := out.Len()
	if got := a.ask("Instance name", "drive", false, wizard.ValidName); got != "drive" || out.Len() != before {
		t.Fatalf("asked after the end: %q\n%s", got, out)
	}
}

// The summary's and the review's rows are plain lines: labels in a
// column, entries indented, a mask said as "(hidden)".
func TestRows(t *testing.T) {
	a, out := newRun("")
	a.rows(wizard.SayReview, []wizard.Row{
		{Label: "Name", Value: "drive"},
		{Label: "Configuration"},
		{Label: "oauth.api.secret", Value: secret.Mask, Entry: true},
		{Value: "a remark", Muted: true},
	})
	want := "\n" + wizard.SayReview + "\n\nName                 drive\nConfiguration\n  oauth.api.secret = (hidden)\n                     a remark\n\n"
	if out.String() != want {
		t.Fatalf("said %q, want %q", out.String(), want)
	}
}
