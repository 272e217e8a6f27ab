package platform

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"net/http"
	"syscall"

	"github.com/connectwiz/connectwiz/flow/termsafe"
)

// Outcome is what a create's answer says about the instance.
type Outcome int

// The three outcomes of a create.
const (
	// Created: an answer with the instance's id and token.
	Created Outcome = iota
	// Refused: nothing was made — a 4xx answer carrying the platform's
	// error, a redirect (never followed), or a request that never left
	// (refused dial, name resolution, TLS handshake).
	Refused
	// Unknown: the request was sent and the instance may exist — a
	// transport error after sending, a timeout, any 5xx, a page that is
	// not the platform's JSON, an unreadable 2xx. The error wraps
	// ErrAnswerLost. It is settled by looking on the platform, never by a
	// retry.
	Unknown
)

func (o Outcome) String() string {
	switch o {
	case Created:
		return "created"
	case Refused:
		return "refused"
	case Unknown:
	}
	return "unknown"
}

// OutcomeOf classifies what CreateInstance returned.
func OutcomeOf(err error) Outcome {
	switch {
	case err == nil:
		return Created
	case errors.Is(err, ErrAnswerLost):
		return Unknown
	}
	return Refused
}

// ErrAnswerLost means the create was sent but no usable answer came back:
// the instance may exist, and its pending record is kept until the
// platform shows what became of it.
var ErrAnswerLost = errors.New("the platform's answer to the create was lost; the instance may exist")

// classifyCreate turns a create's error into Refused (returned as is) or
// Unknown (wrapped in ErrAnswerLost, the cause kept for errors.As).
func classifyCreate(err error) error {
	if err == nil || errors.Is(err, ErrAnswerLost) {
		return err
	}
	if e, ok := AsAPIError(err); ok {
		if e.Redirect || e.Status >= 400 && e.Status < 500 && !e.Page && e.Status != http.StatusRequestTimeout {
			return err
		}
		e.Unknown = true // no "try again" hint: the instance may exist
		return fmt.Errorf("%w: %w", ErrAnswerLost, err)
	}
	var de *DecodeError
	if errors.As(err, &de) {
		return fmt.Errorf("%w: %w", ErrAnswerLost, err)
	}
	if !sent(err) {
		return err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return fmt.Errorf("%w: the platform did not answer in time (%w)", ErrAnswerLost, context.DeadlineExceeded)
	}
	cause := err
	var te *transportError
	if errors.As(err, &te) {
		cause = te.err // without the advice to check the network: it was reached
	}
	return fmt.Errorf("%w: the request reached the platform, but the connection ended before its answer (%s)", ErrAnswerLost, termsafe.Sanitize(cause.Error(), 200))
}

// sent reports whether a transport error may have come after the request
// reached the platform. Errors before it could be sent — refused or failed
// dial, name resolution, TLS handshake — are not.
func sent(err error) bool {
	var (
		dns    *net.DNSError
		op     *net.OpError
		verify *tls.CertificateVerificationError
		record tls.RecordHeaderError
		proxy  *ProxyError
	)
	switch {
	case errors.Is(err, syscall.ECONNREFUSED), errors.As(err, &dns), errors.As(err, &verify), errors.As(err, &record), errors.As(err, &proxy):
		return false
	case errors.As(err, &op) && (op.Op == "dial" || op.Op == "proxyconnect"):
		return false // never reached the platform (proxyconnect: nor through the proxy)
	}
	return true
}
