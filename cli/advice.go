package cli

import (
	"errors"
	"fmt"

	"github.com/connectwiz/connectwiz/flow"
)

// advice is what to do about an error, naming this command line's flags
// and commands; the libraries' errors say only what happened.
func advice(err error) string {
	switch {
	case errors.Is(err, flow.ErrNameTaken):
		return "choose another --name, or pass --replace"
	case errors.Is(err, flow.ErrTimeout):
		return "run again (a longer --timeout?), or authorize and pass the code with --code"
	case errors.Is(err, flow.ErrNoPasteInput):
		return "pass the code with --code (--code - reads it from stdin)"
	case errors.Is(err, flow.ErrAnswerLost):
		return "run 'connectwiz recover' to find it and store its token (it never creates a duplicate)"
	case errors.Is(err, flow.ErrNotKept):
		return "run 'connectwiz recover' once this is fixed"
	}
	return ""
}

// withAdvice is err with its advice appended, if it has any.
func withAdvice(err error) error {
	if a := advice(err); a != "" {
		return fmt.Errorf("%w; %s", err, a)
	}
	return err
}
