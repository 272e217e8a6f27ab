//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package lines

import "golang.org/x/sys/unix"

// noEcho turns the terminal's echo off, keeping its line editing and its
// signals (ctrl+c still interrupts); restore turns it back on.
func noEcho(fd uintptr) (restore func(), err error) {
	old, err := unix.IoctlGetTermios(int(fd), getTermios)
	if err != nil {
		return nil, err
	}
	t := *old
	t.Lflag &^= unix.ECHO
	t.Lflag |= unix.ICANON | unix.ISIG
	t.Iflag |= unix.ICRNL
	if err := unix.IoctlSetTermios(int(fd), setTermios, &t); err != nil {
		return nil, err
	}
	return func() { _ = unix.IoctlSetTermios(int(fd), setTermios, old) }, nil
}
