package flow

import (
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
)

// maskedError is an error whose text had a known secret in it: Error shows
// it masked, Unwrap gives the error itself (errors.Is and As still work).
type maskedError struct {
	err  error
	text string
}

func (e *maskedError) Error() string { return e.text }
func (e *maskedError) Unwrap() error { return e.err }

// maskSecrets makes sure no known secret value shows in err, whatever the
// platform echoed: the text of an *APIError (message, provider message,
// body excerpt, request id) is masked in place, so that a front-end that
// reads its fields sees the masks too; any other text is wrapped.
func maskSecrets(err error, secrets ...secret.Secret) error {
	if err == nil {
		return nil
	}
	if e, ok := platform.AsAPIError(err); ok {
		for _, f := range []*string{&e.Message, &e.ProviderMessage, &e.Excerpt, &e.RequestID, &e.Location} {
			*f = secret.MaskIn(*f, secrets...)
		}
	}
	text := err.Error()
	if masked := secret.MaskIn(text, secrets...); masked != text {
		return &maskedError{err: err, text: masked}
	}
	return err
}

// known are the secrets of creds and the code, to mask in errors.
func known(c Credentials, code secret.Secret) []secret.Secret {
	return []secret.Secret{c.UserSecret, c.OrgSecret, c.ClientSecret, code}
}
