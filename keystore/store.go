package keystore

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// File names in the config dir.
const (
	IndexFile  = "instances.json"
	TokensFile = "tokens.json"
	pendingDir = "pending"
)

// Store keeps tokens and the index in a config dir.
type Store struct {
	Dir string
	// Keychain is where tokens go first; nil means the file only.
	Keychain *Keychain
	// Log records keystore decisions (never a secret); nil is quiet.
	Log *slog.Logger
	// Sandbox marks the store of the embedded sandbox's instances, kept
	// apart from the real ones: its tokens are test tokens of a platform
	// that lives as long as one run, kept in its 0600 file only, without
	// a warning.
	Sandbox bool
}

// SandboxDir is the sandbox store's directory within a config dir.
const SandboxDir = "sandbox"

// SandboxStore returns the store of the sandbox's instances inside s's
// directory: never the real index, never the keychain.
func (s *Store) SandboxStore() *Store {
	return &Store{Dir: filepath.Join(s.Dir, SandboxDir), Log: s.Log, Sandbox: true}
}

// New returns a store in dir with the OS keychain.
func New(dir string, keychainTimeout time.Duration) *Store {
	return &Store{Dir: dir, Keychain: NewKeychain(keychainTimeout)}
}

func (s *Store) log() *slog.Logger {
	if s.Log == nil {
		return slog.New(slog.DiscardHandler)
	}
	return s.Log
}

func (s *Store) path(name string) string { return filepath.Join(s.Dir, name) }

// Save stores an instance's token — in the keychain, or, when the keychain
// fails or insecure is set, in the 0600 file — and then records the entry
// in the index. It never replaces another entry: if the name is taken on
// the platform by the time the index is written (a race, a recovered
// create), the entry takes the first free name-2, name-3, … and
// Saved.RenamedFrom says so. The token is never dropped: if neither place
// takes it, the error says so and the caller must show the user how to
// get it back.
func (s *Store) Save(e Entry, token string, insecure bool) (Saved, error) {
	return s.save(e, token, insecure, false)
}

// SaveReplacing is Save that replaces the entry of the same name and
// platform (the user chose to): its token is removed once the new one is
// stored, and Saved.Replaced names it (its instance stays on the platform).
func (s *Store) SaveReplacing(e Entry, token string, insecure bool) (Saved, error) {
	return s.save(e, token, insecure, true)
}

func (s *Store) save(e Entry, token string, insecure, replace bool) (Saved, error) {
	if err := ensureDir(s.Dir); err != nil {
		return Saved{}, err
	}
	if e.KeyAccount == "" {
		e.KeyAccount = tokenAccount(e.BaseURL, e.ID)
	}
	if s.accountInUse(e.KeyAccount) {
		// Never write over a token another entry keeps (an entry of an
		// earlier version, an id seen twice): a fresh account instead.
		e.KeyAccount = tokenAccount(e.BaseURL, "")
	}
	saved, err := s.stash(e, token, insecure || s.Sandbox)
	if err != nil {
		return saved, err
	}
	entry, prev, err := s.put(saved.Entry, replace)
	if entry.Name != saved.Entry.Name {
		saved.RenamedFrom = saved.Entry.Name
	}
	saved.Entry = entry
	if err == nil && prev.Name != "" {
		// The entry was replaced (--replace), now that the new token is
		// stored: drop the old token, whose instance stays on the platform.
		if prev.Account() != saved.Entry.Account() {
			_ = s.dropToken(prev)
		}
		saved.Replaced = &prev
	}
	return saved, err
}

// stash stores the token where it can go and says where.
func (s *Store) stash(e Entry, token string, insecure bool) (Saved, error) {
	var why string
	var problem Problem
	switch {
	case insecure:
		why, problem = "--insecure-storage was chosen", ProblemChosen
	case s.Keychain == nil:
		why, problem = "no keychain is configured", ProblemNoKeychain
	default:
		start := time.Now()
		err := s.Keychain.Set(e.Account(), token)
		s.log().Info("keychain set", "account", e.Account(), "ok", err == nil, "duration", time.Since(start).Round(time.Millisecond).String())
		if err == nil {
			e.Storage = InKeychain
			return Saved{Entry: e}, nil
		}
		problem = Classify(err)
		why = problem.Advice()
		s.log().Info("keychain refused the token", "account", e.Account(), "err", err)
	}
	if err := s.setFileToken(e.Account(), token); err != nil {
		return Saved{}, fmt.Errorf("the token could be stored neither in the keychain (%s) nor in a file (%w)", why, err)
	}
	s.log().Info("token stored in file", "account", e.Account(), "reason", why, "sandbox", s.Sandbox)
	e.Storage = InFile
	if s.Sandbox {
		return Saved{Entry: e, Sandbox: true, Problem: ProblemChosen}, nil
	}
	return Saved{
		Entry:   e,
		Problem: problem,
		File:    s.path(TokensFile),
		Warning: fmt.Sprintf("the token is stored UNENCRYPTED in %s (mode 0600, readable only by you), because %s", s.path(TokensFile), why),
	}, nil
}

// Token returns the token of the instance named name (on baseURL, when not
// empty) and its entry.
func (s *Store) Token(name, baseURL string) (string, Entry, error) {
	e, err := s.Find(name, baseURL)
	if err != nil {
		return "", Entry{}, err
	}
	switch e.Storage {
	case InKeychain:
		if s.Keychain == nil {
			return "", e, fmt.Errorf("the token of %q is in the keychain, which is not available here", name)
		}
		tok, err := s.Keychain.Get(e.Account())
		if errors.Is(err, ErrNotFound) {
			return "", e, &MissingTokenError{Name: name, Where: fmt.Sprintf("the keychain (account %s/%s)", Service, e.Account())}
		}
		if err != nil {
			return "", e, fmt.Errorf("reading the token of %q: %w", name, err)
		}
		return tok, e, nil
	default:
		toks, err := s.fileTokens()
		if err != nil {
			return "", e, err
		}
		tok, ok := toks[e.Account()]
		if !ok {
			return "", e, &MissingTokenError{Name: name, Where: s.path(TokensFile)}
		}
		return tok, e, nil
	}
}

// Entries returns the index, sorted by base URL and name.
func (s *Store) Entries() ([]Entry, error) {
	var idx []Entry
	if err := readJSON(s.path(IndexFile), &idx); err != nil {
		return nil, err
	}
	sort.SliceStable(idx, func(i, j int) bool {
		if idx[i].BaseURL != idx[j].BaseURL {
			return idx[i].BaseURL < idx[j].BaseURL
		}
		return idx[i].Name < idx[j].Name
	})
	return idx, nil
}

// ErrUnknown is returned for a name the index does not have.
var ErrUnknown = errors.New("no such instance in the local index")

// ErrAmbiguous is returned for a name the index has on several platforms.
var ErrAmbiguous = errors.New("ambiguous instance name")

// MissingTokenError is an index entry whose token is gone from where the
// index says it is.
type MissingTokenError struct {
	Name, Where string
}

// Error implements error.
func (e *MissingTokenError) Error() string {
	return fmt.Sprintf("the token of %q is missing from %s", e.Name, e.Where)
}

// Find returns the entry named name; baseURL narrows it when not empty.
func (s *Store) Find(name, baseURL string) (Entry, error) {
	idx, err := s.Entries()
	if err != nil {
		return Entry{}, err
	}
	var found []Entry
	for _, e := range idx {
		if e.Name == name && (baseURL == "" || SamePlatform(e.BaseURL, baseURL)) {
			found = append(found, e)
		}
	}
	switch len(found) {
	case 0:
		return Entry{}, fmt.Errorf("%w: %q", ErrUnknown, name)
	case 1:
		return found[0], nil
	}
	var bases []string
	for _, e := range found {
		bases = append(bases, e.BaseURL)
	}
	return Entry{}, fmt.Errorf("%w: %q exists on several platforms (%s)", ErrAmbiguous, name, strings.Join(bases, ", "))
}

// Base is a platform base URL as the index compares it (flow normalises
// every URL it is given; entries written by older versions may end in /).

// samePlatform reports whether an entry or record of base is on the
// platform of baseURL, as far as names go: names are unique per platform;
// in the sandbox's store, whose platform is new every run, across it.
func (s *Store) samePlatform(base, baseURL string) bool {
	return s.Sandbox || SamePlatform(base, baseURL)
}

// taken maps the names idx has taken on baseURL's platform to their entry.
func (s *Store) taken(idx []Entry, baseURL string) map[string]Entry {
	taken := map[string]Entry{}
	for _, x := range idx {
		if s.samePlatform(x.BaseURL, baseURL) {
			taken[x.Name] = x
		}
	}
	return taken
}

// nextFree is name, or the first of name-2, name-3, … not taken.
func nextFree(name string, taken map[string]Entry) string {
	free := name
	for i := 2; ; i++ {
		if _, ok := taken[free]; !ok {
			return free
		}
		free = fmt.Sprintf("%s-%d", name, i)
	}
}

// AvailableName is name when no entry of baseURL's platform has it and no
// pending create does (its instance may exist), else the first free
// name-2, name-3, …: a default name never replaces earlier work.
func (s *Store) AvailableName(name, baseURL string) string {
	idx, err := s.Entries()
	if err != nil {
		return name
	}
	taken := s.taken(idx, baseURL)
	if pending, err := s.PendingCreates(); err == nil {
		for _, p := range pending {
			if s.samePlatform(p.BaseURL, baseURL) {
				taken[p.Name] = Entry{}
			}
		}
	}
	return nextFree(name, taken)
}

// put adds e to the index under the lock — replacing the entry of its
// name on its platform with replace, else under the next free name — and
// returns the entry as written and the one it replaced, if any.
func (s *Store) put(e Entry, replace bool) (entry, prev Entry, err error) {
	if e.Tags == nil {
		e.Tags = []string{}
	}
	err = s.updateIndex(func(idx []Entry) []Entry {
		taken := s.taken(idx, e.BaseURL)
		if x, ok := taken[e.Name]; ok && replace {
			prev = x
			return append(without(idx, x), e)
		}
		// Pending names do not count here: this create's own record is one.
		e.Name = nextFree(e.Name, taken)
		return append(idx, e)
	})
	if err != nil {
		return e, Entry{}, fmt.Errorf("the token is stored (%s) but the index could not be updated: %w", e.Storage, err)
	}
	return e, prev, nil
}

// Remove deletes e's token (keychain or file) and its index entry.
func (s *Store) Remove(e Entry) error {
	if err := s.dropToken(e); err != nil {
		return err
	}
	return s.updateIndex(func(idx []Entry) []Entry { return without(idx, e) })
}

// without is idx less the entry of e's name and platform.
func without(idx []Entry, e Entry) []Entry {
	out := make([]Entry, 0, len(idx))
	for _, x := range idx {
		if x.Name != e.Name || !SamePlatform(x.BaseURL, e.BaseURL) {
			out = append(out, x)
		}
	}
	return out
}

// updateIndex rewrites the index under the store's lock, so that two
// connectwiz processes saving at once do not drop each other's entry.
func (s *Store) updateIndex(change func([]Entry) []Entry) error {
	return s.locked(func() error {
		idx, err := s.Entries()
		if err != nil {
			return err
		}
		return writeJSON(s.path(IndexFile), change(idx), FileMode)
	})
}

// Locate probes where e's token really is: InKeychain, InFile or Missing.
// A keychain that cannot be asked gives an error.
func (s *Store) Locate(e Entry) (Location, error) {
	if e.Storage == InKeychain {
		if s.Keychain == nil {
			return "", ErrUnavailable
		}
		_, err := s.Keychain.Get(e.Account())
		switch {
		case err == nil:
			return InKeychain, nil
		case errors.Is(err, ErrNotFound):
			return Missing, nil
		}
		return "", err
	}
	toks, err := s.fileTokens()
	if err != nil {
		return "", err
	}
	if _, ok := toks[e.Account()]; ok {
		return InFile, nil
	}
	return Missing, nil
}
