package callback

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"html"
	"net/http"
	"sync"
)

// page is what the listener shows in the browser: a title, what happened
// and what to do next. No page reflects any input.
type page struct {
	mark, title, text string
}

var (
	pageDone = page{
		"✓", "Authorization received",
		"connectwiz has the authorization. You can close this tab and return to the terminal to name the instance and create it.",
	}
	pageDoneCreating = page{
		"✓", "Authorization received",
		"connectwiz has the authorization. You can close this tab and return to the terminal: connectwiz creates the instance now.",
	}
	pageError = page{
		"✗", "The provider reported an error",
		"Nothing was created. Return to the terminal: it says what the provider answered and how to authorize again.",
	}
	pageStale = page{
		"!", "This tab belongs to an earlier or another connectwiz run",
		"It was not used, and nothing changed. If you are authorizing now, use the tab connectwiz opened most recently, or open the URL the terminal shows.",
	}
	pageRejected = page{"✗", "Not accepted", "This request was not accepted."}
	pageFragment = page{
		"!", "No answer reached connectwiz",
		"The provider put its answer after a # in this page's address, which browsers never send to connectwiz. Copy this tab's whole address and paste it into the terminal, or register the app to answer with a query (response_mode=query) or a form (response_mode=form_post).",
	}
	pageReused = page{
		"✗", "Authorization stopped",
		"The sign-in link was opened twice — a double-click, or another program on this machine. For safety connectwiz stopped this authorization and created nothing. Return to the terminal and authorize again.",
	}
	pageAlarmLate = page{
		"!", "Used twice: connectwiz raised an alarm",
		"This authorization was already used. If you did not open it twice yourself, someone else may be taking part in it, and an instance made with it may be bound to their account. Return to the terminal: it says what happened and how to remove the instance.",
	}
	pageOver = page{
		"!", "connectwiz is no longer waiting",
		"This authorization came back after connectwiz stopped waiting for it, so it was not used. Return to the terminal and authorize again if you still want to create the instance.",
	}
	pageNotFound = page{"?", "Not found", "There is nothing here."}
)

// DonePage is what the page of an accepted callback says comes next, as
// fits the front-end.
type DonePage int

const (
	// DoneNaming: the terminal asks the instance's name next (the wizard,
	// the accessible prompts). The default.
	DoneNaming DonePage = iota
	// DoneCreating: the instance is created at once (headless mode, which
	// has no naming step).
	DoneCreating
)

// SetDonePage sets what the page of an accepted callback says comes next.
func (l *Listener) SetDonePage(p DonePage) {
	l.mu.Lock()
	l.donePage = p
	l.mu.Unlock()
}

// resultPage is the page of an accepted callback (or of a reload of its
// tab): done, as fits the front-end, or the provider's error, with the
// page it names about it (error_uri, checked safe). After an alarm it is
// the alarm's.
func (l *Listener) resultPage(res Result) page {
	l.mu.Lock()
	next, alarmed := l.donePage, len(l.alarm.alarms) > 0
	l.mu.Unlock()
	switch {
	case alarmed:
		return pageAlarmLate
	case res.Err != nil && res.Err.URI != "":
		p := pageError
		p.text += " The provider explains the error at " + res.Err.URI + "."
		return p
	case res.Err != nil:
		return pageError
	case next == DoneCreating:
		return pageDoneCreating
	}
	return pageDone
}

// pageStyle is the pages' only style, allowed by its hash in the
// Content-Security-Policy (no inline style or script otherwise, nothing
// from elsewhere).
const pageStyle = `body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;background:#1a1b26;color:#e0def4;display:flex;min-height:90vh;align-items:center;justify-content:center;margin:0}` +
	`main{max-width:34em;padding:2em 2.5em;border:1px solid #7d56f4;border-radius:12px;background:#232433}` +
	`.brand{color:#7d56f4;font-weight:700;letter-spacing:.04em}h1{font-size:1.35em;margin:.6em 0}p{line-height:1.5;color:#c8c5e0}.mark{font-size:2em}`

var pageCSP = sync.OnceValue(func() string {
	sum := sha256.Sum256([]byte(pageStyle))
	return "default-src 'none'; style-src 'sha256-" + base64.StdEncoding.EncodeToString(sum[:]) + "'"
})

func writePage(w http.ResponseWriter, status int, p page) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Security-Policy", pageCSP())
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	_, _ = fmt.Fprintf(w, "<!doctype html><html lang=en><meta charset=utf-8><meta name=viewport content=\"width=device-width\"><title>connectwiz · %s</title><style>%s</style><main><div class=brand>connectwiz</div><div class=mark>%s</div><h1>%s</h1><p>%s</p></main></html>\n",
		html.EscapeString(p.title), pageStyle, p.mark, html.EscapeString(p.title), html.EscapeString(p.text))
}
