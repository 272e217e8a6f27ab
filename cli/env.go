package cli

import (
	"cmp"
	"os"
	"time"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
	"github.com/connectwiz/connectwiz/keystore"
)

// Env is the environment connectwiz reads, read once at start through the
// getenv Main is given: nothing else in connectwiz calls os.Getenv (the
// browser opener gets the same getenv for $BROWSER, DISPLAY and WSL; the
// proxy settings are the standard library's).
type Env struct {
	BaseURL, Connector, ClientID, CallbackURL string
	UserSecret, OrgSecret, ClientSecret       secret.Secret
	ConfigDir                                 string
	KeyringTimeout                            string
	Debug                                     string
	Accessible                                bool
	// Term is TERM; the terminfo lookup behind it (noCursorAddressing) is
	// made only when a wizard would start, not by every command.
	Term   string
	Screen bool
	// RuntimeDir is XDG_RUNTIME_DIR: where the browser's private files go.
	RuntimeDir string
	// DBusSession is DBUS_SESSION_BUS_ADDRESS: without it the keychain is
	// off (keystore.ErrNoSession) rather than autolaunching daemons.
	DBusSession string
	// SSLCertFile and SSLCertDir are SSL_CERT_FILE and SSL_CERT_DIR, which
	// Go's TLS reads itself; doctor checks what they name.
	SSLCertFile, SSLCertDir string
	// Remote says this is a remote session without a display: SSH
	// (SSH_CONNECTION or SSH_TTY set) and neither DISPLAY nor
	// WAYLAND_DISPLAY (remoteSession). No browser is tried then; the port
	// forwarding to Hostname is offered (flow.Session.Remote).
	Remote bool
	// Hostname is this machine's name (os.Hostname), for the forwarding
	// line; empty when unknown.
	Hostname string
	// Browser is $BROWSER; getenv is the lookup it was all read with, for
	// the browser opener.
	Browser string
	getenv  func(string) string
}

// ReadEnv reads the environment through getenv.
func ReadEnv(getenv func(string) string) Env {
	e := Env{
		BaseURL:        getenv("CONNECTWIZ_BASE_URL"),
		Connector:      getenv("CONNECTWIZ_KEY"),
		ClientID:       getenv("CONNECTWIZ_CLIENT_ID"),
		CallbackURL:    getenv("CONNECTWIZ_CALLBACK_URL"),
		UserSecret:     secret.Secret(getenv(platform.EnvUserSecret)),
		OrgSecret:      secret.Secret(getenv(platform.EnvOrgSecret)),
		ClientSecret:   secret.Secret(getenv(platform.EnvClientSecret)),
		ConfigDir:      getenv("CONNECTWIZ_CONFIG_DIR"),
		KeyringTimeout: getenv("CONNECTWIZ_KEYRING_TIMEOUT"),
		Debug:          getenv("CONNECTWIZ_DEBUG"),
		Accessible:     getenv("ACCESSIBLE") != "",
		Term:           getenv("TERM"),
		Screen:         getenv("STY") != "",
		RuntimeDir:     getenv("XDG_RUNTIME_DIR"),
		DBusSession:    getenv("DBUS_SESSION_BUS_ADDRESS"),
		Browser:        getenv("BROWSER"),
		SSLCertFile:    getenv("SSL_CERT_FILE"),
		SSLCertDir:     getenv("SSL_CERT_DIR"),
		Remote:         remoteSession(getenv),
		getenv:         getenv,
	}
	if e.Remote {
		e.Hostname = hostname() // only a remote session's forwarding line names it
	}
	return e
}

// remoteSession is the one rule for "is this a remote session?": logged in
// over SSH, with no display forwarded. A browser would open on this
// machine, not the user's — if at all.
func remoteSession(getenv func(string) string) bool {
	ssh := getenv("SSH_CONNECTION") != "" || getenv("SSH_TTY") != ""
	return ssh && getenv("DISPLAY") == "" && getenv("WAYLAND_DISPLAY") == ""
}

// hostname is this machine's name, or empty.
func hostname() string {
	h, err := os.Hostname()
	if err != nil {
		return ""
	}
	return termsafe.Sanitize(h, 100)
}

// PlatformSecrets are the platform's secrets from the environment, for
// commands that talk to a platform without creating (recover, forget).
func (e Env) PlatformSecrets(baseURL string) flow.Credentials {
	return flow.Credentials{BaseURL: baseURL, UserSecret: e.UserSecret, OrgSecret: e.OrgSecret}
}

// Credentials are the create's credentials: flags, then the environment,
// then the last run's answers, then the defaults.
func (e Env) Credentials(flags flow.Credentials, last flow.Credentials) flow.Credentials {
	return flow.Credentials{
		BaseURL:      cmp.Or(flags.BaseURL, e.BaseURL, last.BaseURL, platform.DefaultBaseURL),
		UserSecret:   e.UserSecret,
		OrgSecret:    e.OrgSecret,
		Connector:    cmp.Or(flags.Connector, e.Connector, last.Connector, platform.DefaultConnector),
		ClientID:     cmp.Or(flags.ClientID, e.ClientID, last.ClientID),
		ClientSecret: e.ClientSecret,
		CallbackURL:  cmp.Or(flags.CallbackURL, e.CallbackURL, last.CallbackURL, platform.DefaultCallbackURL),
	}
}

// keyringTimeout is CONNECTWIZ_KEYRING_TIMEOUT, or the default.
func (e Env) keyringTimeout() (time.Duration, error) {
	if e.KeyringTimeout == "" {
		return keystore.DefaultTimeout, nil
	}
	d, err := time.ParseDuration(e.KeyringTimeout)
	if err != nil || d <= 0 {
		return 0, usagef("CONNECTWIZ_KEYRING_TIMEOUT=%q is not a duration such as 5s", e.KeyringTimeout)
	}
	return d, nil
}
