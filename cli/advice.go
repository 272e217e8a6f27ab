package cli

import (
	"errors"
	"fmt"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/keystore"
)

// advice is what to do about an error, naming this command line's flags
// and commands; the libraries' errors say only what happened.
func advice(err error) string {
	var missing *keystore.MissingTokenError
	var unsettled *flow.UnsettledError
	if e, ok := platform.AsAPIError(err); ok {
		switch {
		case len(e.Missing) > 0:
			return "give them with --config KEY=VALUE"
		case e.Unauthorized() && !e.MaybeProxy():
			return "set CONNECTWIZ_USER_SECRET and CONNECTWIZ_ORG_SECRET to this platform's ('connectwiz secrets forget' drops ones remembered for it)"
		case e.AppRefused():
			return "give the app's --client-id and set CONNECTWIZ_CLIENT_SECRET"
		}
	}
	switch {
	case errors.As(err, &missing):
		return fmt.Sprintf("run 'connectwiz forget %s --remote' and create it again", platform.ShellQuote(missing.Name))
	case errors.Is(err, keystore.ErrUnknown):
		return "see 'connectwiz list'"
	case errors.Is(err, keystore.ErrAmbiguous):
		return "choose one with --base-url"
	case errors.Is(err, keystore.ErrDamaged):
		return "move it aside and run 'connectwiz recover'"
	case errors.Is(err, sandbox.ErrNotLoopback):
		return "give --addr 127.0.0.1:PORT, or --allow-remote to serve other machines on purpose"
	case errors.Is(err, flow.ErrNameTaken):
		return "choose another --name, or pass --replace"
	case errors.Is(err, callback.ErrTimeout):
		return "run again (a longer --timeout?), or authorize and pass the code with --code"
	case errors.Is(err, flow.ErrNoPasteInput):
		return "pass the code with --code (--code - reads it from stdin)"
	case errors.Is(err, flow.ErrNothingCreated):
		return "run the same create again"
	case errors.As(err, &unsettled) && len(unsettled.Candidates) > 0:
		return "choose the one that is yours with 'connectwiz recover --adopt ID'"
	case errors.Is(err, platform.ErrAnswerLost):
		return "run 'connectwiz recover' to find it and store its token (it never creates a duplicate)"
	case errors.Is(err, flow.ErrNotKept):
		return "run 'connectwiz recover' once this is fixed"
	case platform.IsCertificateError(err) && platform.CertEnvRead():
		return "'connectwiz doctor' checks what SSL_CERT_FILE and SSL_CERT_DIR hold"
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
