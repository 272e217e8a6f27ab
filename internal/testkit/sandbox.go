package testkit

import (
	"testing"

	"github.com/connectwiz/connectwiz/flow/sandbox"
)

// Sandbox starts the embedded sandbox platform on a free loopback port for
// the test, and stops it when the test ends.
func Sandbox(t testing.TB, o sandbox.Options) *sandbox.Running {
	t.Helper()
	sb, err := sandbox.Start("127.0.0.1:0", o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	return sb
}
