package keystore

import (
	"errors"
	"fmt"
	"os"
)

// dropToken deletes e's token from the keychain and from the file alike,
// whatever the index says: a keychain write that timed out may still have
// landed after the token went to the file. A keychain that cannot be asked
// fails the removal only for a token the index says is there.
func (s *Store) dropToken(e Entry) error {
	if s.Keychain != nil {
		if err := s.Keychain.Delete(e.Account()); err != nil && !errors.Is(err, ErrNotFound) {
			if e.Storage == InKeychain {
				return fmt.Errorf("removing the token of %q from the keychain: %w", e.Name, err)
			}
			s.log().Info("keychain copy not checked", "account", e.Account(), "err", err)
		}
	}
	return s.deleteFileToken(e.Account())
}

// accountInUse reports whether an entry of the index keeps its token under
// account.
func (s *Store) accountInUse(account string) bool {
	idx, err := s.Entries()
	if err != nil {
		return false
	}
	for _, x := range idx {
		if x.Account() == account {
			return true
		}
	}
	return false
}

func (s *Store) fileTokens() (map[string]string, error) {
	p := s.path(TokensFile)
	if _, err := os.Stat(p); err == nil {
		if err := fixMode(p, FileMode); err != nil {
			return nil, err
		}
	}
	toks := map[string]string{}
	if err := readJSON(p, &toks); err != nil {
		return nil, err
	}
	return toks, nil
}

func (s *Store) setFileToken(account, token string) error {
	return s.updateFileTokens(func(toks map[string]string) { toks[account] = token })
}

func (s *Store) deleteFileToken(account string) error {
	return s.updateFileTokens(func(toks map[string]string) { delete(toks, account) })
}

// updateFileTokens rewrites the token file under the store's lock.
func (s *Store) updateFileTokens(change func(map[string]string)) error {
	return s.locked(func() error {
		toks, err := s.fileTokens()
		if err != nil {
			return err
		}
		change(toks)
		return writeJSON(s.path(TokensFile), toks, FileMode)
	})
}
