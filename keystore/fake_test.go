package keystore_test

import (
	"strings"
	"sync"

	"github.com/connectwiz/connectwiz/keystore"
)

// fakeBackend is an in-memory keychain whose behaviour tests can bend.
type fakeBackend struct {
	mu       sync.Mutex
	items    map[string]string
	block    chan struct{} // when set, every call waits on it
	fail     error         // when set, every call returns it
	maxLen   int           // when set, Set refuses longer values
	truncate int           // when set, Set silently keeps only this many bytes
	sets     int
}

func newFake() *fakeBackend { return &fakeBackend{items: map[string]string{}} }

func (f *fakeBackend) wait() error {
	if f.block != nil {
		<-f.block
	}
	return f.fail
}

func (f *fakeBackend) Set(service, user, password string) error {
	if err := f.wait(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sets++
	if f.maxLen > 0 && len(password) > f.maxLen {
		return keystore.ErrTooBig
	}
	if f.truncate > 0 && len(password) > f.truncate {
		password = password[:f.truncate]
	}
	f.items[service+"|"+user] = password
	return nil
}

func (f *fakeBackend) Get(service, user string) (string, error) {
	if err := f.wait(); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	v, ok := f.items[service+"|"+user]
	if !ok {
		return "", keystore.ErrNotFound
	}
	return v, nil
}

func (f *fakeBackend) Delete(service, user string) error {
	if err := f.wait(); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if _, ok := f.items[service+"|"+user]; !ok {
		return keystore.ErrNotFound
	}
	delete(f.items, service+"|"+user)
	return nil
}

func (f *fakeBackend) has(sub string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, v := range f.items {
		if strings.Contains(v, sub) {
			return true
		}
	}
	return false
}
