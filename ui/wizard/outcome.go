package wizard

import (
	"errors"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
)

// OutcomeKind says how a run ended.
type OutcomeKind int

const (
	// Aborted: the user (or a signal) quit; Outcome.Err says why when a
	// create failed.
	Aborted OutcomeKind = iota
	// Created: an instance was created and its token stored
	// (Outcome.Created).
	Created
	// Recovered: the create's answer was lost, and "recover now" found
	// the instance, or the user picked it among candidates, and its token
	// is stored (Outcome.Recovered). When it found no instance, nothing
	// was created: the outcome is Aborted, its Err saying so; so it is
	// when candidates were left unchosen (the record kept).
	Recovered
)

// String implements fmt.Stringer.
func (k OutcomeKind) String() string {
	switch k {
	case Created:
		return "created"
	case Recovered:
		return "recovered"
	default: // Aborted
	}
	return "aborted"
}

// Outcome is how a run ended, for the command to report.
type Outcome struct {
	Kind OutcomeKind
	// Created is the created instance, for Created.
	Created *flow.Created
	// Recovered is what recovering the lost answer found, for Recovered.
	Recovered []flow.Recovered
	// Err is the create error the run quit on, if any, for Aborted; or
	// that recovering a lost answer found no instance (nothing created).
	Err error
	// Note is a final note for the report, for Created: the pasted bare
	// code's state could not be checked; the secrets were, or could not
	// be, remembered.
	Note string
}

// Result is what a run has come to so far; Outcome reads it at the end.
type Result struct {
	Created   *flow.Created
	Recovered []flow.Recovered // what recovering a lost answer found
	Err       error            // the create's error, or why recovering settled nothing
	Note      string           // how the code was got, what the save did
}

// Outcome is how the run ended.
func (r *Result) Outcome() Outcome {
	switch {
	case r.Created != nil:
		return Outcome{Kind: Created, Created: r.Created, Note: r.Note}
	case found(r.Recovered):
		return Outcome{Kind: Recovered, Recovered: r.Recovered}
	}
	// Nothing found, or candidates left unchosen: r.Err says which.
	return Outcome{Kind: Aborted, Err: r.Err}
}

// ErrNothingCreated is the outcome's error when recovering a lost answer
// found no instance: the platform never created it, its record is cleared.
var ErrNothingCreated = errors.New("the create's answer was lost, and the platform has no such instance: nothing was created")

// SettleRecovered takes what recovering a lost answer found: when it found
// no instance, nothing was created, and the run ends on that; when several
// instances may each be the create's, the user picks one (NextCandidates);
// a run that ends there says so (LeaveCandidates: its record kept).
func (r *Result) SettleRecovered(found []flow.Recovered) {
	r.Recovered = found
	for _, f := range found {
		if len(f.Candidates) > 0 {
			r.Err = errors.New(f.String())
			return
		}
	}
	if !FoundAny(found) {
		r.Err = ErrNothingCreated
	}
}

// found reports whether recovering stored an instance's token.
func found(rs []flow.Recovered) bool {
	for _, r := range rs {
		if r.Found {
			return true
		}
	}
	return false
}

// SettleAdopted puts the adopted record in place of the one it settles
// (the only one when the picker came from the create).
func (r *Result) SettleAdopted(rec flow.Recovered) {
	for i, f := range r.Recovered {
		if !f.Settled() {
			r.Recovered[i] = rec
			return
		}
	}
	r.Recovered = append(r.Recovered, rec)
}

// FoundAny reports whether recovering found an instance (its token now
// stored) or candidates to choose from: not "nothing was created".
func FoundAny(rs []flow.Recovered) bool {
	for _, r := range rs {
		if r.Found || len(r.Candidates) > 0 {
			return true
		}
	}
	return false
}

// InstanceMayExist reports whether a failed create may have left an
// instance on the platform: its answer was lost, or it was created but its
// token not stored. Sending it again, or authorizing again, would create a
// duplicate; only looking it up (recover) is offered.
func InstanceMayExist(err error) bool {
	return errors.Is(err, platform.ErrAnswerLost) || errors.Is(err, flow.ErrNotKept)
}
