package flow

import (
	"fmt"
	"net"
	"strings"
	"time"
)

// The words of the authorize step that the line front-ends (headless mode
// and the accessible prompts) say, written once so that both say the same;
// the wizard uses those that fit a screen (Duration, SayNoCallback,
// Authorization.Forward).

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
	s := fmt.Sprintf("Waiting for the browser to come back to %s (up to %s; ctrl+c to stop)…", callbackURL, Duration(wait))
	if paste {
		s += " or paste the URL the browser was sent to (or the code) and press Enter:"
	}
	return s
}

// SayNoCallback says that the wait ran out.
func SayNoCallback(wait time.Duration) string {
	return "No callback arrived in " + Duration(wait) + "."
}

// SayWrongPaste says that a pasted line was not taken, and that the wait
// goes on.
func SayWrongPaste(err error) string {
	return fmt.Sprintf("✗ That is not the redirect of this authorization (%v). The wait goes on: paste this authorization's redirect URL (or the code), or let the browser come back.", err)
}

// SayRefused says, in one line, that a request reached the callback
// listener and was refused (reason is a callback.Refusal's, sanitized);
// the wait goes on.
func SayRefused(reason string) string {
	return "A request reached the callback but was not accepted: " + reason + ". The wait goes on."
}

// SayApprovedHere says that the sandbox's consent was approved in-process.
const SayApprovedHere = "The sandbox's consent was approved here, as a browser would (no browser is used)."

// SayForward says what a remote (SSH) session does instead of opening a
// browser: the port forwarding that lets the user's own browser reach the
// listener (forward, Authorization.Forward), or the paste.
func SayForward(forward string) string {
	return "This is an SSH session without a display: no browser is opened here.\n" +
		"To sign in with the browser of your own machine, run this from your own machine, then open the URL there:\n\n  " +
		forward + "\n\n" +
		"Or open the URL anywhere, approve, and paste here the address the browser was sent to."
}

// ForwardCommand is the ssh command that forwards addrs (host:port on
// this machine's loopback: the listener's, e.g. 127.0.0.1:8750, and a
// platform's that also runs here, as the sandbox does) from the user's own
// machine to host, this machine ("<this-host>" when its name is unknown).
func ForwardCommand(host string, addrs ...string) string {
	var forwards []string
	for _, addr := range addrs {
		h, port, err := net.SplitHostPort(addr)
		if err != nil {
			continue
		}
		if strings.Contains(h, ":") {
			h = "[" + h + "]"
		}
		forwards = append(forwards, fmt.Sprintf("-L %s:%s:%s", port, h, port))
	}
	if len(forwards) == 0 {
		return ""
	}
	if host == "" {
		host = "<this-host>"
	}
	return "ssh " + strings.Join(forwards, " ") + " " + host
}

// Duration says d in words: "5 minutes", "1 minute 30 seconds", "2 hours",
// "10 milliseconds" — never "5m0s".
func Duration(d time.Duration) string {
	if d < time.Second {
		return plural(int(d.Milliseconds()), "millisecond")
	}
	d = d.Round(time.Second)
	units := []struct {
		size time.Duration
		name string
	}{{time.Hour, "hour"}, {time.Minute, "minute"}, {time.Second, "second"}}
	var parts []string
	for _, u := range units {
		if n := int(d / u.size); n > 0 {
			parts = append(parts, plural(n, u.name))
			d -= time.Duration(n) * u.size
		}
	}
	return strings.Join(parts, " ")
}

func plural(n int, unit string) string {
	if n == 1 {
		return "1 " + unit
	}
	return fmt.Sprintf("%d %ss", n, unit)
}
