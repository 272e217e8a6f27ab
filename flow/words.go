package flow

import (
	"fmt"
	"time"
)

// The words of the authorize step that the line front-ends (headless mode
// and the accessible prompts) say, written once so that both say the same.

// SayOpenURL asks the user to open the authorize URL.
func SayOpenURL(url string) string {
	return "Open this URL in a browser to authorize connectwiz:\n\n  " + url + "\n"
}

// SayPasteWanted says that the redirect is to be pasted: the callback URL
// is not on this machine.
func SayPasteWanted(callbackURL string) string {
	return fmt.Sprintf("The callback URL %s is not on this machine.\nAfter approving, paste the URL the browser was sent to (or the code) and press Enter:", callbackURL)
}

// SayWaiting says that the listener waits for the browser, up to wait; with
// paste, that a pasted redirect is taken too (WaitOrPaste).
func SayWaiting(callbackURL string, wait time.Duration, paste bool) string {
	s := fmt.Sprintf("Waiting for the browser to come back to %s (up to %s; ctrl+c to stop)…", callbackURL, wait)
	if paste {
		s += " or paste the URL the browser was sent to (or the code) and press Enter:"
	}
	return s
}

// SayWrongPaste says that a pasted line was not taken, and that the wait
// goes on.
func SayWrongPaste(err error) string {
	return fmt.Sprintf("✗ That is not the redirect of this authorization (%v). The wait goes on: paste this authorization's redirect URL (or the code), or let the browser come back.", err)
}
