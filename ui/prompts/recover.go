package prompts

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/ui/wizard"
)

// answerLost offers to look the instance up: it may exist (or does, its
// token not stored), so the create is not sent again. When several
// instances may each be it, the user picks one, as in the wizard.
func (a *accessible) answerLost(lost error) {
	if errors.Is(lost, flow.ErrNotKept) {
		a.say("The instance exists, but its token is not stored yet. Its pending record is kept, so the token is not lost.")
	} else {
		a.say("The instance may exist. Its pending record is kept either way, so the token is not lost.")
	}
	for a.confirm("Look the instance up now?", true) {
		found, err := a.svc.Recover(a.ctx, a.ans.Creds())
		if err == nil {
			if a.res.SettleRecovered(found); !wizard.FoundAny(found) {
				a.say("✗ %s", wizard.SayNothingFound)
			}
			for cands, ok := a.res.NextCandidates(); ok && a.pick(cands); cands, ok = a.res.NextCandidates() {
			}
			return
		}
		a.say("✗ Looking the instance up failed: %v.", err)
	}
	a.say("Run 'connectwiz recover' later: it stores the token of the instance if it was created.")
	a.fail(lost)
}

// pick asks which of a lost answer's candidates is the user's, and stores
// its token; none of them ends the run, its pending record kept. It
// reports whether one was picked. The token's save, once asked for,
// finishes even after ctrl+c.
func (a *accessible) pick(cands []platform.Instance) bool {
	a.say("%s", wizard.SayCandidates(len(cands)))
	for i, c := range cands {
		a.say("  %d. %s", i+1, wizard.CandidateLabel(c))
	}
	a.say("  0. %s", wizard.SayNone)
	for a.err == nil {
		n := 0
		a.ask(wizard.SayWhich+" Its number", "", false, func(s string) (err error) {
			if n, err = strconv.Atoi(strings.TrimSpace(s)); err != nil || n < 0 || n > len(cands) {
				return fmt.Errorf("answer a number from 0 to %d", len(cands))
			}
			return nil
		})
		if a.err != nil || n == 0 {
			break
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(a.ctx), 2*platform.DefaultTimeout)
		rec, err := a.svc.AdoptCandidate(ctx, a.ans.Creds(), cands[n-1].ID)
		cancel()
		if err != nil {
			a.say("✗ Could not store that instance's token: %v", err)
			continue
		}
		a.res.Adopted(rec)
		return true
	}
	a.res.LeaveCandidates()
	return false
}
