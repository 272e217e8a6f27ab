//go:build !windows

package browser

import (
	"errors"
	"os"
	"syscall"
)

// privateDir checks that dir is a directory of this user's, not a link,
// and makes it 0700.
func privateDir(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return errors.New(dir + " is not a directory")
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Geteuid() {
		return errors.New(dir + " belongs to another user")
	}
	return os.Chmod(dir, 0o700)
}
