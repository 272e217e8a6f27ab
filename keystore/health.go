package keystore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// The modes the store keeps its directories and files at.
const (
	DirMode  fs.FileMode = 0o700
	FileMode fs.FileMode = 0o600
)

// ErrNoKeychain is why a store without a keychain cannot be probed.
var ErrNoKeychain = errors.New("this store has no keychain (tokens go to its 0600 file)")

// ProbeKeychain writes a throwaway entry, reads it back and deletes it, as
// a save would; it says how long that took.
func (s *Store) ProbeKeychain() (time.Duration, error) {
	kc := s.Keychain
	if kc == nil {
		return 0, ErrNoKeychain
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	account := "doctor:probe-" + hex.EncodeToString(b)
	start := time.Now()
	err := kc.Set(account, "probe-"+hex.EncodeToString(b))
	if err == nil {
		err = kc.Delete(account)
	}
	took := time.Since(start).Round(time.Millisecond)
	if err != nil {
		_ = kc.Delete(account) // in case the write landed before the failure
	}
	return took, err
}

// TokensPath is the 0600 file tokens fall back to.
func (s *Store) TokensPath() string { return s.path(TokensFile) }

// PendingPath is the directory of the pending records.
func (s *Store) PendingPath() string { return s.path(pendingDir) }

// ErrModesNotUsed is LooseModes' answer where access is not a matter of
// modes (Windows: the directory's ACL protects it).
var ErrModesNotUsed = errors.New("access is protected by the directory's ACL, not by a mode")

// LooseModes lists the store's directories and files that others can read
// or write, against DirMode and FileMode, e.g. "/home/me/.config/connectwiz
// is 0755". A store not created yet has none.
func (s *Store) LooseModes() ([]string, error) {
	if runtime.GOOS == "windows" {
		return nil, ErrModesNotUsed
	}
	if _, err := os.Lstat(s.Dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	var loose []string
	err := filepath.WalkDir(s.Dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.Type()&fs.ModeSymlink != 0 {
			return err
		}
		info, err := d.Info()
		if err != nil {
			return err
		}
		want := FileMode
		if d.IsDir() {
			want = DirMode
		}
		if info.Mode().Perm()&^want != 0 {
			loose = append(loose, fmt.Sprintf("%s is %04o", path, info.Mode().Perm()))
		}
		return nil
	})
	return loose, err
}
