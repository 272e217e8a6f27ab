package ui

import (
	"strings"

	"github.com/connectwiz/connectwiz/ui/wizard"
)

// storageWarning is the keystore's warning that the token went to the
// unencrypted file, as a sentence. The keystore words the cause once
// (keystore.Problem: no D-Bus session, locked, timing out, …, with what to
// do), never the Secret Service's raw D-Bus error, so there is nothing
// left to interpret here.
func storageWarning(w string) string {
	return wizard.Capitalize(strings.TrimSuffix(strings.TrimSpace(w), ".")) + "."
}
