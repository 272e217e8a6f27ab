//go:build windows

package cli

import "os"

// openPrivate opens path for appending, created 0600 (on Windows the
// file's ACL is inherited from its directory).
func openPrivate(path string) (*os.File, error) {
	return os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
}
