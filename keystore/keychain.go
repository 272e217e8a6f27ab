// Package keystore keeps instance tokens: in the OS keychain when it
// answers, else in a 0600 file, with a local index (no secrets) of the
// instances provisioned from this machine.
package keystore

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/zalando/go-keyring"
)

// Service is the keychain service name.
const Service = "connectwiz"

// DefaultTimeout bounds each keychain call: a locked or missing Secret
// Service can hang forever.
const DefaultTimeout = 5 * time.Second

// Errors the keychain maps its backend's failures to.
var (
	ErrNotFound    = errors.New("not in the keychain")
	ErrUnavailable = errors.New("the keychain is not available")
	ErrTimeout     = errors.New("the keychain did not answer in time")
	ErrTooBig      = errors.New("the keychain refused a value this large")
	ErrMismatch    = errors.New("the keychain gave back a different value than was stored")
	ErrLocked      = errors.New("the keychain is locked")
)

// Backend is the keychain API (go-keyring's); tests swap in their own.
type Backend interface {
	Set(service, user, password string) error
	Get(service, user string) (string, error)
	Delete(service, user string) error
}

// OSBackend is the operating system's keychain through go-keyring. It is
// the only way to go-keyring, and it obeys NoSessionBus on every call,
// whoever built the Keychain around it: without a D-Bus session it fails
// with ErrNoSession and starts nothing.
type OSBackend struct{}

// noSession is NoSessionBus for this process's environment.
func noSession() error {
	return NoSessionBus(runtime.GOOS, os.Getenv("DBUS_SESSION_BUS_ADDRESS"))
}

// Set implements Backend.
func (OSBackend) Set(service, user, password string) error {
	if err := noSession(); err != nil {
		return err
	}
	return keyring.Set(service, user, password)
}

// Get implements Backend.
func (OSBackend) Get(service, user string) (string, error) {
	if err := noSession(); err != nil {
		return "", err
	}
	return keyring.Get(service, user)
}

// Delete implements Backend.
func (OSBackend) Delete(service, user string) error {
	if err := noSession(); err != nil {
		return err
	}
	return keyring.Delete(service, user)
}

// Keychain wraps a Backend with a per-call timeout and its own errors.
type Keychain struct {
	Backend Backend
	Timeout time.Duration
	// Off, when set, says why the keychain cannot be used at all (e.g.
	// ErrNoSession): every call fails at once with it, and nothing is
	// started to find out.
	Off error
}

// ErrNoSession is why the keychain is off where the Secret Service is
// reached over a D-Bus session bus and there is none: asking anyway makes
// libdbus autolaunch a dbus-daemon (and gnome-keyring-daemon) that outlive
// connectwiz, so connectwiz never asks.
var ErrNoSession = errors.New("no D-Bus session (DBUS_SESSION_BUS_ADDRESS is unset, as over SSH or in containers)")

// NeedsSessionBus reports whether the OS keychain is reached over a D-Bus
// session bus (Linux and the BSDs: the Secret Service).
func NeedsSessionBus(goos string) bool { return goos != "darwin" && goos != "windows" }

// NoSessionBus is the rule that keeps connectwiz from autolaunching a
// session bus: ErrNoSession where the keychain needs a D-Bus session bus
// (NeedsSessionBus(goos)) and the bus address (DBUS_SESSION_BUS_ADDRESS)
// is empty, else nil. godbus would otherwise run dbus-launch, whose
// daemons outlive connectwiz.
func NoSessionBus(goos, busAddress string) error {
	if NeedsSessionBus(goos) && busAddress == "" {
		return ErrNoSession
	}
	return nil
}

// probeTimeout bounds a look-up that only prefills (remembered secrets):
// a keychain that does not answer must not hold up a run that may not
// need it.
const probeTimeout = time.Second

// NewKeychain returns the OS keychain with the given timeout (DefaultTimeout when zero).
func NewKeychain(timeout time.Duration) *Keychain {
	return &Keychain{Backend: OSBackend{}, Timeout: timeout}
}

type result struct {
	val string
	err error
}

// call runs f with the timeout. A call that hangs is abandoned: its
// goroutine ends whenever the backend returns.
func (k *Keychain) call(op string, f func() (string, error)) (string, error) {
	return k.callWithin(k.Timeout, op, f)
}

func (k *Keychain) callWithin(timeout time.Duration, op string, f func() (string, error)) (string, error) {
	if k.Off != nil {
		return "", fmt.Errorf("keychain %s: %w: %w", op, ErrUnavailable, k.Off)
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	ch := make(chan result, 1)
	go func() {
		v, err := f()
		ch <- result{v, err}
	}()
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case r := <-ch:
		return r.val, mapErr(op, r.err)
	case <-t.C:
		return "", fmt.Errorf("keychain %s: %w (after %s)", op, ErrTimeout, timeout)
	}
}

func mapErr(op string, err error) error {
	switch {
	case err == nil:
		return nil
	case errors.Is(err, keyring.ErrNotFound), errors.Is(err, ErrNotFound):
		return ErrNotFound
	case errors.Is(err, keyring.ErrSetDataTooBig), errors.Is(err, ErrTooBig):
		return fmt.Errorf("keychain %s: %w", op, ErrTooBig)
	case errors.Is(err, ErrNoSession):
		return fmt.Errorf("keychain %s: %w: %w", op, ErrUnavailable, err)
	case errors.Is(err, ErrTimeout), errors.Is(err, ErrUnavailable):
		return fmt.Errorf("keychain %s: %w", op, err)
	case locked(err):
		return fmt.Errorf("keychain %s: %w: %w", op, ErrUnavailable, ErrLocked)
	}
	return fmt.Errorf("keychain %s: %w: %v", op, ErrUnavailable, err)
}

// Set stores secret under account, then reads it back and compares.
func (k *Keychain) Set(account, secret string) error {
	if _, err := k.call("set", func() (string, error) { return "", k.Backend.Set(Service, account, secret) }); err != nil {
		return err
	}
	got, err := k.Get(account)
	if err != nil {
		return fmt.Errorf("keychain read-back: %w", err)
	}
	if got != secret {
		_ = k.Delete(account)
		return fmt.Errorf("keychain read-back: %w", ErrMismatch)
	}
	return nil
}

// Get returns the secret stored under account, or ErrNotFound.
func (k *Keychain) Get(account string) (string, error) {
	return k.call("get", func() (string, error) { return k.Backend.Get(Service, account) })
}

// probe is Get with the short probe timeout (or the keychain's, if shorter).
func (k *Keychain) probe(account string) (string, error) {
	return k.callWithin(min(probeTimeout, cmp.Or(k.Timeout, DefaultTimeout)), "get", func() (string, error) { return k.Backend.Get(Service, account) })
}

// Delete removes account's secret; a missing one is ErrNotFound.
func (k *Keychain) Delete(account string) error {
	_, err := k.call("delete", func() (string, error) { return "", k.Backend.Delete(Service, account) })
	return err
}
