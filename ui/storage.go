package ui

import "strings"

// storageWarning turns the keystore's warning that the token went to the
// unencrypted file into words for the done screen: where the file is, why
// the keychain did not take the token and what to do about it; never the
// Secret Service's raw D-Bus error. The keystore's warning reads "the
// token is stored UNENCRYPTED in PATH (…), because CAUSE"; ui cannot
// import keystore, so it matches the cause's text.
func storageWarning(w string) string {
	where, cause, ok := strings.Cut(w, ", because ")
	if !ok {
		where, cause = w, ""
	}
	where = capitalize(strings.TrimSuffix(where, "."))
	if why := keychainCause(cause); why != "" {
		return where + ": " + why
	}
	return where + "."
}

// keychainCause says in words why the keychain did not take the token, and
// what to do; "" when nothing is known.
func keychainCause(cause string) string {
	c := strings.ToLower(cause)
	switch {
	case c == "":
		return ""
	case strings.Contains(c, "no d-bus session"), strings.Contains(c, "dbus_session_bus_address"):
		return "no D-Bus session: over SSH or in a container the file is used; run connectwiz inside dbus-run-session for a keychain."
	case strings.Contains(c, "islocked"), strings.Contains(c, "failed to unlock"), strings.Contains(c, "locked"):
		return "the keychain is locked. Unlock your keyring (e.g. log in to the desktop, or `gnome-keyring-daemon --unlock`) to keep the next tokens there."
	case strings.Contains(c, "did not answer in time"):
		return "the keychain did not answer in time (locked and waiting for a password prompt, or stuck). Unlock your keyring (e.g. log in to the desktop, or `gnome-keyring-daemon --unlock`), or restart it."
	case strings.Contains(c, "refused a value this large"):
		return "the keychain refused a token this large."
	case strings.Contains(c, "different value"):
		return "the keychain gave back a different value than was stored, so it is not trusted with the token."
	case strings.Contains(c, "--insecure-storage"), strings.Contains(c, "no keychain is configured"):
		return strings.TrimSuffix(cause, ".") + "."
	case strings.Contains(c, "not available"), strings.Contains(c, "dbus"), strings.Contains(c, "freedesktop"),
		strings.Contains(c, "secret service"), strings.Contains(c, "collection"):
		return "the keychain is unavailable: no Secret Service answered. Start one in your session (e.g. gnome-keyring or KeePassXC) to keep the next tokens there."
	}
	return "the OS keychain could not take it."
}
