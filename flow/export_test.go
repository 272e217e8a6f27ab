package flow

import "time"

// SetSettleLooks shortens the looks after an unknown outcome for a test.
func SetSettleLooks(looks ...time.Duration) (restore func()) {
	old := settleLooks
	settleLooks = looks
	return func() { settleLooks = old }
}
