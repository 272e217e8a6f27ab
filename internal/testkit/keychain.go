package testkit

import (
	"fmt"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/connectwiz/connectwiz/keystore"
)

// Keychain is an in-memory keystore.Backend whose behaviour tests can
// bend. Its zero value is an empty, well-behaved keychain. Set the knobs
// before the keychain is in use.
type Keychain struct {
	// Block, when set, makes every call wait until it is closed.
	Block chan struct{}
	// Fail, when set, is returned by every call.
	Fail error
	// MaxLen, when set, makes Set refuse longer values (keystore.ErrTooBig).
	MaxLen int
	// Truncate, when set, makes Set silently keep only this many bytes.
	Truncate int

	mu    sync.Mutex
	items map[string]string // by key(service, user)
	sets  int
}

var _ keystore.Backend = (*Keychain)(nil)

// NewKeychain returns an empty in-memory keychain.
func NewKeychain() *Keychain { return &Keychain{} }

// key is where an item is kept: "service/user".
func key(service, user string) string { return service + "/" + user }

func (k *Keychain) wait() error {
	if k.Block != nil {
		<-k.Block
	}
	return k.Fail
}

// Set implements keystore.Backend.
func (k *Keychain) Set(service, user, password string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	k.sets++
	if k.MaxLen > 0 && len(password) > k.MaxLen {
		return keystore.ErrTooBig
	}
	if k.Truncate > 0 && len(password) > k.Truncate {
		password = password[:k.Truncate]
	}
	if k.items == nil {
		k.items = map[string]string{}
	}
	k.items[key(service, user)] = password
	return nil
}

// Get implements keystore.Backend; a missing item is keystore.ErrNotFound.
func (k *Keychain) Get(service, user string) (string, error) {
	if err := k.wait(); err != nil {
		return "", err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	v, ok := k.items[key(service, user)]
	if !ok {
		return "", keystore.ErrNotFound
	}
	return v, nil
}

// Delete implements keystore.Backend; a missing item is keystore.ErrNotFound.
func (k *Keychain) Delete(service, user string) error {
	if err := k.wait(); err != nil {
		return err
	}
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.items[key(service, user)]; !ok {
		return keystore.ErrNotFound
	}
	delete(k.items, key(service, user))
	return nil
}

// Len is the number of items held.
func (k *Keychain) Len() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return len(k.items)
}

// Sets is the number of Set calls that got past Block and Fail.
func (k *Keychain) Sets() int {
	k.mu.Lock()
	defer k.mu.Unlock()
	return k.sets
}

// Has reports whether some item's value contains sub.
func (k *Keychain) Has(sub string) bool {
	k.mu.Lock()
	defer k.mu.Unlock()
	for _, v := range k.items {
		if strings.Contains(v, sub) {
			return true
		}
	}
	return false
}

// Items is a copy of the items, by "service/user".
func (k *Keychain) Items() map[string]string {
	k.mu.Lock()
	defer k.mu.Unlock()
	return maps.Clone(k.items)
}

// Clear drops every item (as if removed behind connectwiz's back).
func (k *Keychain) Clear() {
	k.mu.Lock()
	defer k.mu.Unlock()
	clear(k.items)
}

// TokenAccount is the keychain account keystore gives the token of a new
// instance id on the platform at baseURL: a real keystore.Store saves it,
// with this in-memory keychain, in a temporary directory removed before
// it returns. Fakes of the flow use it so that what they show is the
// current account form, not a copy of keystore's rule.
func TokenAccount(baseURL, id string) (string, error) {
	dir, err := os.MkdirTemp("", "testkit-account-")
	if err != nil {
		return "", err
	}
	defer func() { _ = os.RemoveAll(dir) }()
	s := &keystore.Store{Dir: filepath.Join(dir, "cfg"), Keychain: &keystore.Keychain{Backend: NewKeychain()}}
	saved, err := s.Save(keystore.Entry{Name: "account-of-" + id, ID: id, BaseURL: baseURL}, "token", false)
	if err != nil {
		return "", err
	}
	if saved.Entry.Storage != keystore.InKeychain {
		return "", fmt.Errorf("the in-memory keychain did not take the token: %s", saved.Warning)
	}
	return saved.Entry.Account(), nil
}
