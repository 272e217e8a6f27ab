package ui

import (
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// step is where the wizard is: every state the wizard can be in is one.
type step int

const (
	stepSummary       step = iota // the prefilled credentials, ready to go
	stepCredentials               // the credentials form
	stepFetching                  // checking the secrets, getting the authorize URL
	stepAuthorize                 // the URL, before the browser is opened
	stepWaiting                   // waiting for the callback
	stepTimedOut                  // no callback came in time
	stepPaste                     // the redirect URL (or code) pasted by hand
	stepDenied                    // the provider said no
	stepDetails                   // the details form: name, tags, extra configuration
	stepReview                    // the request about to be sent
	stepCurl                      // the same request as a curl command
	stepCreating                  // the create and the save running
	stepFinishing                 // the same, the user having asked to quit
	stepMissingConfig             // the platform asked for more configuration
	stepCreateError               // the create failed: retry or review
	stepAnswerLost                // the create's answer was lost: recover
	stepPickCandidate             // several instances may be the lost answer's: the user picks one
	stepAdopting                  // storing the token of the one picked
	stepRecovered                 // the lost answer's instance was found and stored
	stepDone                      // created and stored
	stepQuit                      // the wizard has ended
	numSteps                      // not a step: how many there are
)

// stepInfo is all a step is and does: Update and View only look the
// current step up here and call its handlers. A nil handler does nothing
// (or, for quit, the default). Each phase file defines its steps in its
// init, next to their code.
type stepInfo struct {
	name  string // for String
	phase int    // the header's "step N of len(phases)"; 0 when not drawn
	form  bool   // the step shows m.form and forwards messages to it

	// Reacting.
	key  func(*Model, tea.KeyMsg) (tea.Model, tea.Cmd) // a key, on a step without a form
	done func(*Model) (tea.Model, tea.Cmd)             // the step's form was completed
	back func(*Model) (tea.Model, tea.Cmd)             // esc; nil where going back makes no sense
	quit func(*Model) (tea.Model, tea.Cmd)             // ctrl+c or a signal; nil: the wizard ends at once
	// tick is what an animated step (a spinner, a countdown) does on each
	// tick once the frame has turned: re-arm the tick, or move on. Nil for
	// a step that is not animated.
	tick    func(*Model) tea.Cmd
	listens bool // the step waits for the callback, when the authorization has a listener

	// Drawing.
	view     func(*Model) string        // the body; on a form step, what is drawn above the form
	help     func(*Model) []key.Binding // the keys for the help line
	printed  func(*Model) tea.Cmd       // what the step prints above the view, printed again after a clear
	noNotice bool                       // the notice is not drawn below the body
}

// phases name the header's steps, as the user counts them.
var phases = [...]string{"Credentials", "Authorize", "Details", "Review", "Create", "Done"}

// steps is the step table, filled by define.
var steps [numSteps]stepInfo

// define puts a step in the table. The phase files' init functions fill
// it, not a literal: the handlers read the table (goTo, quit), which would
// make a literal an initialization cycle.
func define(s step, info stepInfo) {
	if steps[s].name != "" {
		panic("ui: step defined twice: " + info.name)
	}
	steps[s] = info
}

func init() {
	define(stepQuit, stepInfo{name: "quit"})
}

// String implements fmt.Stringer.
func (s step) String() string { return steps[s].name }
