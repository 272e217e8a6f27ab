package callback

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"slices"

	"github.com/connectwiz/connectwiz/flow/secret"
)

// ErrCallbackReused is the alarm of a second callback carrying this run's
// state after one was accepted: the provider redirected someone else's
// browser with it, or someone replays it.
var ErrCallbackReused = errors.New("a second answer carrying this run's state came to the callback after the first was accepted: someone else may be taking part in the authorization")

// alarmState is what the listener keeps about alarms: whether a callback
// was accepted (and its code), whether the listener lingers after the
// wait, and the alarms so far. Guarded by Listener.mu.
type alarmState struct {
	accepted bool
	code     secret.Secret
	raw      string // the accepted callback's query (or form), for reloads
	linger   bool
	alarms   []error
}

// Linger keeps the listener serving after the wait ends (Wait, Close)
// until Shutdown, so that a later use of the one-time link or a later
// callback carrying the state is still answered with an alarm page and
// recorded (Alarms). The run calls Shutdown when it ends.
func (l *Listener) Linger() {
	l.mu.Lock()
	l.alarm.linger = true
	l.mu.Unlock()
}

// Alarms returns the alarms raised so far, also those raised after the
// wait and after the create: a second fetch of the one-time link
// (ErrBrowserURLReused), a second callback carrying the state
// (ErrCallbackReused).
func (l *Listener) Alarms() []error {
	l.mu.Lock()
	defer l.mu.Unlock()
	return slices.Clone(l.alarm.alarms)
}

// Accepted reports whether code is the code of the callback this listener
// accepted.
func (l *Listener) Accepted(code secret.Secret) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.alarm.accepted && !code.IsZero() && l.alarm.code == code
}

// accept records the callback that ended the wait, and its raw query.
func (l *Listener) accept(res Result, raw string) {
	l.mu.Lock()
	l.alarm.accepted, l.alarm.code, l.alarm.raw = true, res.Code, raw
	l.mu.Unlock()
}

// reload reports whether raw repeats the accepted callback byte for byte:
// its tab reloaded (the same code and state), not a second party. It
// raises nothing, even after an alarm (whose page it then gets).
func (l *Listener) reload(raw string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.alarm.accepted && subtle.ConstantTimeCompare([]byte(raw), []byte(l.alarm.raw)) == 1
}

// raise records an alarm and reports whether a callback had been accepted
// before it (so that the page tells the truth: nothing can be created
// only if nothing was accepted).
func (l *Listener) raise(alarm error) (afterAccept bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.alarm.alarms = append(l.alarm.alarms, alarm)
	return l.alarm.accepted
}

// lateCallback answers a callback carrying the right state after the wait
// ended. After a callback was accepted, or an alarm, it is one more party:
// an alarm, recorded and shown. After a wait that ended otherwise (timed
// out, stopped) it is the user's own late answer: nothing is done with it,
// and the page says so.
func (l *Listener) lateCallback(w http.ResponseWriter) {
	l.mu.Lock()
	alarm := l.alarm.accepted || len(l.alarm.alarms) > 0
	l.mu.Unlock()
	if !alarm {
		l.log.Info("callback after the wait ended: not used")
		writePage(w, http.StatusGone, pageOver)
		return
	}
	l.log.Warn("a second callback carrying the state after one was accepted: alarm")
	l.raise(ErrCallbackReused)
	writePage(w, http.StatusForbidden, pageAlarmLate)
}

// endWait ends the wait of a lingering listener: a callback after it is
// not delivered (lateCallback answers it).
func (l *Listener) endWait() { l.once.Do(func() {}) }

// lingering reports whether Close leaves the listener serving.
func (l *Listener) lingering() bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.alarm.linger
}
