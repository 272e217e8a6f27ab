package ui

import (
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/ui/wizard"
	"github.com/connectwiz/connectwiz/ui/wizard/wizardtest"
)

// continued matches a shell line continuation as a screen shows it: the
// backslash, the padding after it, the line break and the next line's
// indent.
var continued = regexp.MustCompile(` \\ *\n *`)

// The token command wraps only at spaces, with a line continuation, so
// that the lines copied together run as the one command: the shell reads
// the same words from the wrapped command as from the whole one.
func TestWrapCommand(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	args := func(cmd string) string {
		out, err := exec.Command(sh, "-c", "printf '[%s]' "+cmd).Output()
		if err != nil {
			t.Fatalf("%q: %v", cmd, err)
		}
		return string(out)
	}
	for name, tc := range map[string]struct {
		cmd   string
		width int
	}{
		"fits":           {"connectwiz token --sandbox onedrivebusiness-me-20261204", 58},
		"sandbox at 60":  {"connectwiz token --sandbox onedrivebusiness-me-20261204", 50},
		"base url":       {"connectwiz token --base-url 'https://api.cloud-your_moms.com/your_moms/api-v2' 'my drive'", 40},
		"quoted spaces":  {"go run . token --sandbox 'a name with spaces that is long'", 20},
		"long word":      {"connectwiz token onedrivebusiness-someone-with-a-very-long-name-20261128-2", 20},
		"long quoted":    {"connectwiz token 'a very long name with spaces, quoted, and it'\\''s longer than a line'", 20},
		"escape at edge": {`connectwiz token 'it'\''s'`, 14},
	} {
		t.Run(name, func(t *testing.T) {
			got := wrapCommand(tc.cmd, tc.width)
			for _, line := range strings.Split(got, "\n") {
				if ansi.StringWidth(line) > tc.width {
					t.Errorf("line wider than %d: %q", tc.width, line)
				}
			}
			if lines := strings.Split(got, "\n"); len(lines) > 1 {
				for _, l := range lines[:len(lines)-1] {
					if !strings.HasSuffix(l, `\`) {
						t.Errorf("a broken line without a continuation: %q", l)
					}
				}
			}
			if a, b := args(got), args(tc.cmd); a != b {
				t.Fatalf("wrapped:\n%s\nruns as %s, not %s", got, a, b)
			}
		})
	}
}

// doneAt reaches the done screen at width columns with the given fake.
func doneAt(t *testing.T, width int, svc *wizardtest.Fake) *Model {
	t.Helper()
	h := startAt(t, width, 30, svc, func(o *wizard.Options) {
		o.Name = "onedrivebusiness-me-20261204"
		o.TokenCommand = "connectwiz token --sandbox"
	})
	h.toDone()
	return h.snapshot()
}

// The done screen's token command, at 60 and 80 columns: whole, or broken
// at a space with a continuation; with --base-url when the name is on
// several platforms.
func TestDoneTokenCommand(t *testing.T) {
	for _, width := range []int{60, 80} {
		for _, ambiguous := range []bool{false, true} {
			name := map[bool]string{false: "plain", true: "base-url"}[ambiguous]
			t.Run(name+"-"+map[int]string{60: "60", 80: "80"}[width], func(t *testing.T) {
				svc := wizardtest.New()
				svc.Ambiguous = ambiguous
				m := doneAt(t, width, svc)
				view := ansi.Strip(m.View())
				joined := strings.Join(strings.Fields(continued.ReplaceAllString(view, " ")), " ")
				want := "connectwiz token --sandbox onedrivebusiness-me-20261204"
				if ambiguous {
					want = "connectwiz token --sandbox --base-url 'https://platform.test/your_moms/api-v2' onedrivebusiness-me-20261204"
				}
				if !strings.Contains(joined, want) {
					t.Fatalf("no %q in:\n%s", want, view)
				}
				fits(t, view, width, 30)
			})
		}
	}
}

// A create whose answer was lost and whose instance was found says so on
// the done screen; an alarm raised on its authorization is shown first,
// with the command that removes the instance.
func TestDoneAnswerLostAndAlarm(t *testing.T) {
	svc := wizardtest.New()
	svc.AnswerLost = platform.ErrAnswerLost
	svc.AlarmErr = &flow.AlarmError{Name: "onedrivebusiness-me-20261204", Created: true, Alarms: []error{callback.ErrCallbackReused}}
	m := doneAt(t, 80, svc)
	view := words(ansi.Strip(m.View()))
	for _, want := range []string{
		"The create's answer was lost, but the instance was found",
		"may be bound to someone else's account",
		"connectwiz forget onedrivebusiness-me-20261204 --remote",
	} {
		if !strings.Contains(view, want) {
			t.Errorf("no %q in %s", want, view)
		}
	}
}

// A refused request shows one line on the waiting screen, the latest in
// place of the one before (golden), and the wait goes on.
func TestWaitingRefusal(t *testing.T) {
	for _, then := range []string{"snapshot", "callback"} {
		t.Run(then, func(t *testing.T) {
			svc := wizardtest.New()
			h := start(t, svc)
			h.toWaiting()
			for _, why := range []string{"first", "wrong state"} {
				svc.Refuse(callback.Refusal{Status: 400, Reason: why})
				h.waitFor("not accepted: " + why)
			}
			if then == "callback" {
				svc.Deliver(callback.Result{Code: wizardtest.Code})
				h.waitFor("Unique on this machine")
				return
			}
			m := h.snapshot()
			if v := ansi.Strip(m.View()); strings.Contains(v, "first") || strings.Count(v, "not accepted") != 1 {
				t.Fatalf("not one, the latest, refusal line:\n%s", v)
			}
		})
	}
}
