package callback

import (
	"errors"
	"io"
	"mime"
	"net/http"
)

// maxFormBody bounds a form_post callback's body.
const maxFormBody = 16 << 10

// Reasons a request is refused that choose a page of their own.
const (
	whyFragment = "no query at all (a provider answering in the URL fragment, #code=…, never reaches connectwiz)"
	whyState    = "wrong state"
)

// Refusal is a request the listener refused while the wait goes on: its
// status and a one-line, sanitized reason (never the state or the code).
type Refusal struct {
	Status int
	Reason string
}

// String is the line a front-end shows.
func (r Refusal) String() string {
	return "a request reached the callback but was not accepted: " + r.Reason
}

// Refusals delivers a notice for each request the listener refuses (a
// wrong or missing state, another method, a foreign Host, a second
// callback…), so that a front-end can say so while the wait goes on. The
// channel is buffered; notices that find it full are dropped. It is never
// closed.
func (l *Listener) Refusals() <-chan Refusal { return l.refusals }

// notify queues a refusal notice without ever blocking the handler.
func (l *Listener) notify(r Refusal) {
	select {
	case l.refusals <- r:
	default:
	}
}

// callbackQuery is the callback's parameters as a raw query: the URL's
// query for a GET, the form body for a POST (response_mode=form_post,
// application/x-www-form-urlencoded, bounded). why says what is wrong.
func callbackQuery(w http.ResponseWriter, r *http.Request) (raw string, status int, why string) {
	switch r.Method {
	case http.MethodGet:
		if r.URL.RawQuery == "" {
			return "", http.StatusBadRequest, whyFragment
		}
		return r.URL.RawQuery, 0, ""
	case http.MethodPost:
	default:
		w.Header().Set("Allow", "GET, POST")
		return "", http.StatusMethodNotAllowed, "method " + sanitizeMethod(r.Method)
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || mt != "application/x-www-form-urlencoded" {
		return "", http.StatusUnsupportedMediaType, "a POST that is not a form (application/x-www-form-urlencoded)"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxFormBody))
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return "", http.StatusRequestEntityTooLarge, "a form larger than 16 KiB"
	case err != nil:
		return "", http.StatusBadRequest, "an unreadable form"
	}
	return string(body), 0, ""
}
