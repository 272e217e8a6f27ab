package cli

import (
	"context"
	"errors"
	"log/slog"
	"runtime"

	"github.com/connectwiz/connectwiz/cli/iostreams"
	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/browser"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/keystore"
)

// Factory holds what the commands share: the IO streams, the environment
// (read once), the debug log, and the store and session built from them.
type Factory struct {
	IO  *iostreams.IOStreams
	Env Env
	// Log is the debug log (a discarding one unless --debug is given).
	Log *slog.Logger
	// Browser opens URLs; nil means the system's ($BROWSER, xdg-open…).
	Browser flow.Opener
	// Program is how the user started connectwiz, for the hints that name
	// a command: "connectwiz", or "go run ." under go run.
	Program string

	store *keystore.Store
	// files are the private files the browser is opened on, removed when
	// the run ends (removeFiles).
	files browser.Forwards
	// sessions are the sessions made, ended when the run ends (endRun).
	sessions []*flow.Session
}

// endRun ends the run's sessions — their listeners served until now, so
// that a late use of an authorization is still an alarm — and removes the
// private browser files. It returns the alarms raised on the
// authorizations of instances created in this run (*flow.AlarmError).
func (f *Factory) endRun() error {
	var errs []error
	for _, s := range f.sessions {
		errs = append(errs, s.End())
	}
	f.removeFiles()
	return errors.Join(errs...)
}

// removeFiles removes the run's private browser files.
func (f *Factory) removeFiles() {
	if err := f.files.Remove(); err != nil && f.Log != nil {
		f.Log.Warn("private browser files not removed", "dir", f.files.Dir(), "err", err)
	}
}

// Store returns the keystore in the config dir.
func (f *Factory) Store() (*keystore.Store, error) {
	if f.store != nil {
		return f.store, nil
	}
	dir, err := keystore.DefaultDir(f.Env.ConfigDir)
	if err != nil {
		return nil, err
	}
	timeout, err := f.Env.keyringTimeout()
	if err != nil {
		return nil, err
	}
	f.store = keystore.New(dir, timeout)
	f.store.Log = f.Log
	if off := keystore.NoSessionBus(runtime.GOOS, f.Env.DBusSession); off != nil {
		f.store.Keychain.Off = off
		f.Log.Info("keychain off", "why", off)
	}
	return f.store, nil
}

// StoreFor returns the real store, or with sandbox the sandbox's own,
// clearly apart (see keystore.Store.Sandbox).
func (f *Factory) StoreFor(sandbox bool) (*keystore.Store, error) {
	st, err := f.Store()
	if err != nil || !sandbox {
		return st, err
	}
	return st.SandboxStore(), nil
}

// Session returns the session the create commands run: on the embedded
// sandbox, with the sandbox's store, when sb is not nil.
func (f *Factory) Session(sb *sandbox.Running) (*flow.Session, error) {
	st, err := f.StoreFor(sb != nil)
	if err != nil {
		return nil, err
	}
	s := &flow.Session{
		Store:    st,
		Terminal: f.IO.ErrOut,
		Screen:   f.Env.Screen,
		Remote:   f.Env.Remote,
		Hostname: f.Env.Hostname,
		Version:  shortVersion(),
		Log:      f.Log,
	}
	s.Browser = f.opener()
	f.sessions = append(f.sessions, s)
	if sb != nil {
		s.Sandbox = true
		s.ApproveConsent = func(ctx context.Context, url string) error { return sandbox.Consent(ctx, url, true) }
	}
	return s, nil
}

// opener is the factory's Browser, else the system's browser opener,
// reading the environment through the factory's one lookup.
func (f *Factory) opener() flow.Opener {
	if f.Browser != nil {
		return f.Browser
	}
	f.files.RuntimeDir = f.Env.RuntimeDir
	return browser.Browser{Env: f.Env.Browser, Getenv: f.Env.getenv, Files: &f.files}
}
