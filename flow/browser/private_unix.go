//go:build !windows

package browser

import (
	"errors"
	"os"
	"syscall"
)

// ownedByMe checks that st is this user's.
func ownedByMe(st os.FileInfo) error {
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Geteuid() {
		return errors.New(st.Name() + " belongs to another user")
	}
	return nil
}
