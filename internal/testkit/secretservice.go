package testkit

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/connectwiz/connectwiz/keystore"
)

// SecretServiceEnv is the marker of a throwaway Secret Service: .ci/run
// sets it to 1 inside the dbus-run-session that holds a fresh, unlocked
// gnome-keyring. Only then do tests touch a real keyring: elsewhere it
// would be the developer's own (or an autolaunched one).
const SecretServiceEnv = "CONNECTWIZ_TEST_SECRET_SERVICE"

// HasSecretService reports whether the tests run with the throwaway
// Secret Service (SecretServiceEnv=1 and a D-Bus session).
func HasSecretService() bool {
	return os.Getenv(SecretServiceEnv) == "1" && keystore.NoSessionBus(runtime.GOOS, os.Getenv("DBUS_SESSION_BUS_ADDRESS")) == nil
}

// RequireSecretService skips t unless the tests run with the throwaway
// Secret Service; with the marker set but no D-Bus session, it fails t.
func RequireSecretService(t testing.TB) {
	t.Helper()
	if !keystore.NeedsSessionBus(runtime.GOOS) {
		t.Skipf("the keychain of %s is not a Secret Service", runtime.GOOS)
	}
	if os.Getenv(SecretServiceEnv) != "1" {
		t.Skipf("uses a real Secret Service: set %s=1 inside a D-Bus session with a throwaway, unlocked keyring (.ci/run does)", SecretServiceEnv)
	}
	if os.Getenv("DBUS_SESSION_BUS_ADDRESS") == "" {
		t.Fatalf("%s=1 but DBUS_SESSION_BUS_ADDRESS is unset (.ci/run starts gnome-keyring under dbus-run-session)", SecretServiceEnv)
	}
}

// ChildBus is the DBUS_SESSION_BUS_ADDRESS for a connectwiz process a
// test starts: the throwaway Secret Service's session when there is one,
// else an address nothing listens on (in dir), so that the keychain fails
// at once — never an unset address, never the developer's own keyring.
func ChildBus(dir string) string {
	if HasSecretService() {
		return os.Getenv("DBUS_SESSION_BUS_ADDRESS")
	}
	return "unix:path=" + filepath.Join(dir, "no-bus")
}
