package keystore

import (
	"context"
	"fmt"
	"time"

	"github.com/gofrs/flock"
)

// Lock timing: how long to wait for another connectwiz holding the store's
// lock, and how often to try.
const (
	lockWait  = 10 * time.Second
	lockRetry = 2 * time.Millisecond
	lockFile  = ".lock"
)

// locked runs fn holding the store's lock: a kernel lock (flock(2), or
// LockFileEx on Windows) on a file in the config dir. The kernel releases
// it when its holder exits, however it exits, so a killed process never
// leaves the store locked and no takeover rule is needed.
func (s *Store) locked(fn func() error) error {
	if err := ensureDir(s.Dir); err != nil {
		return err
	}
	l := flock.New(s.path(lockFile), flock.SetPermissions(FileMode))
	ctx, cancel := context.WithTimeout(context.Background(), lockWait)
	defer cancel()
	ok, err := l.TryLockContext(ctx, lockRetry)
	if err != nil && ctx.Err() == nil {
		return fmt.Errorf("locking %s: %w", s.Dir, err)
	}
	if !ok {
		return fmt.Errorf("%s stayed locked by another running connectwiz for %s; wait for it to finish and try again", s.Dir, lockWait)
	}
	defer func() { _ = l.Unlock() }()
	return fn()
}
