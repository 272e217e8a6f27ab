package wizard

import (
	"cmp"
	"errors"
	"fmt"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
)

// Candidates: a create's answer was lost and several instances on the
// platform may each be its own (*flow.UnsettledError, or a flow.Recovered
// with Candidates). The user picks one, whose token is then stored, or
// none: the pending record is kept for 'connectwiz recover'.

// LaterHint says how the pending record is settled after the run.
const LaterHint = "'connectwiz recover' settles it later; 'connectwiz recover --adopt ID' chooses one"

// SayCandidates introduces the candidates; SayWhich asks for the user's;
// SayNone is the choice of none.
const (
	SayWhich = "Which instance is yours?"
	SayNone  = "None of these: quit, keeping the pending record"
)

// SayCandidates introduces n candidates.
func SayCandidates(n int) string {
	return fmt.Sprintf("The create's answer was lost, and %d instances on the platform may each be the one it made.", n)
}

// CandidateLabel is a candidate as the picker lists it: name, id and,
// when known, creation time (the platform's strings were made safe when
// decoded).
func CandidateLabel(c platform.Instance) string {
	s := fmt.Sprintf("%q  id %s", c.Name, c.ID)
	if !c.Created.IsZero() {
		s += "  created " + c.Created.UTC().Format(time.DateTime) + " UTC"
	}
	return s
}

// Unsettled is the create's error when several candidates may be its
// instance.
func Unsettled(err error) (*flow.UnsettledError, bool) {
	var u *flow.UnsettledError
	return u, errors.As(err, &u) && len(u.Candidates) > 0
}

// NextCandidates are the candidates of the first recovered record not yet
// settled, if any.
func (r *Result) NextCandidates() ([]platform.Instance, bool) {
	for _, f := range r.Recovered {
		if !f.Settled() {
			return f.Candidates, true
		}
	}
	return nil, false
}

// Adopted takes the record of the candidate the user picked, its token
// now stored.
func (r *Result) Adopted(rec flow.Recovered) {
	r.Err = nil
	r.SettleAdopted(rec)
}

// LeaveCandidates ends the run without a pick (none of these, ctrl+c): the
// record is kept, and the outcome says how to settle it later.
func (r *Result) LeaveCandidates() {
	err := cmp.Or(r.Err, errors.New("a pending create is kept: several instances may each be its own"))
	r.Err = fmt.Errorf("%w\n%s", err, LaterHint)
}
