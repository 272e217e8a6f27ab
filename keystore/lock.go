package keystore

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"time"
)

// Lock timing: how long to wait for the store's lock, and when a lock left
// by a crashed process is taken over.
const (
	lockWait  = 10 * time.Second
	lockStale = 30 * time.Second
	lockFile  = ".lock"
)

// locked runs fn holding the store's lock: a file created exclusively in
// the config dir, which works across processes on every OS.
func (s *Store) locked(fn func() error) error {
	if err := ensureDir(s.Dir); err != nil {
		return err
	}
	path := s.path(lockFile)
	deadline := time.Now().Add(lockWait)
	for {
		f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
		if err == nil {
			_ = f.Close()
			break
		}
		if !errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("locking %s: %w", s.Dir, err)
		}
		if st, serr := os.Stat(path); serr == nil && time.Since(st.ModTime()) > lockStale {
			_ = os.Remove(path) // left by a process that died holding it
			continue
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%s stays locked by another connectwiz; if none is running, remove %s", s.Dir, path)
		}
		time.Sleep(5 * time.Millisecond)
	}
	defer func() { _ = os.Remove(path) }()
	return fn()
}
