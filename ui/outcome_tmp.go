package ui

import "github.com/connectwiz/connectwiz/flow"

// OutcomeKind says how the wizard ended. (Temporary: replaced by the ui
// restructure.)
type OutcomeKind int

// Outcome kinds.
const (
	Aborted OutcomeKind = iota
	Created
	Recovered
)

// Outcome is how the wizard ended.
type Outcome struct {
	Kind      OutcomeKind
	Created   *flow.Created
	Recovered []flow.Recovered
	Err       error
	Note      string
}

// Outcome returns how the wizard ended.
func (m *Model) Outcome() Outcome {
	switch {
	case m.created != nil:
		return Outcome{Kind: Created, Created: m.created}
	case m.recovered != "":
		return Outcome{Kind: Recovered}
	}
	return Outcome{Kind: Aborted, Err: m.createErr}
}
