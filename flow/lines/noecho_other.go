//go:build !linux && !darwin && !freebsd && !netbsd && !openbsd && !dragonfly && !windows

package lines

import "errors"

// noEcho is not available here: the line is read with echo.
func noEcho(uintptr) (func(), error) { return nil, errors.New("no echo control on this system") }
