// Package testkit is what the tests of every package share: an in-memory
// keychain, the goroutine-leak check of a TestMain, the characters no
// hostile input may carry to a terminal, and the gate of the tests that
// use the real Secret Service. Only tests import it; it imports none of
// ui, cli or flow.
package testkit
