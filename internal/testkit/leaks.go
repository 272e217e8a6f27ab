package testkit

import (
	"fmt"
	"os"

	"go.uber.org/goleak"
)

// leakIgnores are the goroutines that outlive a test run by design.
var leakIgnores = []goleak.Option{
	// Idle keep-alive connections of shared HTTP clients.
	goleak.IgnoreTopFunction("net/http.(*persistConn).readLoop"),
	goleak.IgnoreTopFunction("net/http.(*persistConn).writeLoop"),
	// go-keyring's D-Bus session connection lives as long as the process
	// (the real Secret Service tests, see RequireSecretService).
	goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).inWorker"),
	goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*Conn).outWorker"),
	goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.(*unixTransport).ReadMessage"),
	goleak.IgnoreAnyFunction("github.com/godbus/dbus/v5.newConn.func1"),
}

func leakOptions(extra []goleak.Option) []goleak.Option {
	return append(append([]goleak.Option(nil), leakIgnores...), extra...)
}

// VerifyNoLeaks is a TestMain's whole body: it runs the tests, fails the
// run if goroutines are left over (beyond the common ignore list and
// extra), and exits.
func VerifyNoLeaks(m goleak.TestingM, extra ...goleak.Option) {
	goleak.VerifyTestMain(m, leakOptions(extra)...)
}

// NoLeaks wraps m for a TestMain that hands m to another runner (such as
// testscript.Main): its Run runs the tests and then fails the run if
// goroutines are left over, as VerifyNoLeaks does.
func NoLeaks(m goleak.TestingM, extra ...goleak.Option) goleak.TestingM {
	return leakChecked{m: m, opts: leakOptions(extra)}
}

type leakChecked struct {
	m    goleak.TestingM
	opts []goleak.Option
}

func (l leakChecked) Run() int {
	code := l.m.Run()
	if code != 0 {
		return code
	}
	if err := goleak.Find(l.opts...); err != nil {
		fmt.Fprintf(os.Stderr, "goleak: Errors on successful test run: %v\n", err)
		return 1
	}
	return 0
}
