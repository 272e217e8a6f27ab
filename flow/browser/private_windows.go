//go:build windows

package browser

import (
	"errors"
	"os"
)

// privateDir checks that dir is a directory; on Windows it inherits the
// ACL of the user's cache directory, which only the user can read.
func privateDir(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return errors.New(dir + " is not a directory")
	}
	return nil
}
