package sandbox

import "time"

// Options configure a sandbox.
type Options struct {
	UserSecret, OrgSecret  string
	ClientID, ClientSecret string
	// RequireConfig lists configuration entries a create must carry besides
	// the OAuth ones.
	RequireConfig []string
	// CreateDelay delays every create before the instance is made.
	CreateDelay time.Duration
	// AnswerDelay delays every create's answer after the instance is made:
	// a client that goes away meanwhile loses an answer whose instance exists.
	AnswerDelay time.Duration
	// FailCreate makes the first N creates answer FailStatus (502 when
	// zero) and create nothing.
	FailCreate int
	FailStatus int
	// LoseCreates makes the first N creates make the instance, then answer
	// LoseStatus (504 when zero) with a gateway's HTML page: the answer is
	// lost, the instance exists.
	LoseCreates int
	LoseStatus  int
	// DropCreate creates the instance, then closes the connection unanswered.
	DropCreate bool
	// Rename stores each instance under the name trimmed and suffixed with
	// " (N)", as platforms that de-duplicate names do.
	Rename bool
	// FormPost makes the consent answer as response_mode=form_post does:
	// a form posted to the redirect URI, not a redirect.
	FormPost bool
	// FailListsAfterCreate makes the N listings (GET /instances) after
	// each create answer 500: the look that follows a lost answer fails
	// too, and only a later recover finds the instance.
	FailListsAfterCreate int
	// AllowRemote lets Start listen on an address other machines can reach
	// (0.0.0.0, a LAN address, a host name). Without it, Start refuses any
	// address but a loopback one: the sandbox's credentials are public.
	AllowRemote bool
	// PublicURL is the origin (scheme://host:port) browsers and clients
	// reach the sandbox at, when that is not its listen address (with
	// AllowRemote). Empty means the listen address.
	PublicURL string
}

func (o *Options) defaults() {
	if o.UserSecret == "" {
		o.UserSecret = DefaultUserSecret
	}
	if o.OrgSecret == "" {
		o.OrgSecret = DefaultOrgSecret
	}
	if o.ClientID == "" {
		o.ClientID = DefaultClientID
	}
	if o.ClientSecret == "" {
		o.ClientSecret = DefaultClientSecret
	}
}
