//go:build !windows

package cli

import (
	"errors"
	"fmt"
	"os"
	"syscall"
)

// openPrivate opens path for appending, created 0600: a symbolic link at
// path is refused (O_NOFOLLOW), so is anything but a regular file (a FIFO
// is opened without blocking, O_NONBLOCK, and then refused) and a file
// another user owns, and an existing file's mode is forced to 0600.
func openPrivate(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_WRONLY|os.O_APPEND|syscall.O_NOFOLLOW|syscall.O_NONBLOCK, 0o600)
	if errors.Is(err, syscall.ENXIO) {
		return nil, errors.New("it is not a regular file (a FIFO or a socket)")
	}
	if errors.Is(err, syscall.ELOOP) {
		return nil, errors.New("it is a symbolic link; give the path of a regular file")
	}
	if err != nil {
		return nil, err
	}
	st, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, err
	}
	if !st.Mode().IsRegular() {
		_ = f.Close()
		return nil, errors.New("it is not a regular file")
	}
	if sys, ok := st.Sys().(*syscall.Stat_t); ok && int(sys.Uid) != os.Geteuid() {
		_ = f.Close()
		return nil, fmt.Errorf("it belongs to another user (uid %d); choose a file of your own", sys.Uid)
	}
	if err := f.Chmod(0o600); err != nil {
		_ = f.Close()
		return nil, err
	}
	return f, nil
}
