//go:build darwin || freebsd || netbsd || openbsd || dragonfly

package cli_test

import "golang.org/x/sys/unix"

// getTermios is the ioctl that reads a terminal's settings here.
const getTermios = unix.TIOCGETA
