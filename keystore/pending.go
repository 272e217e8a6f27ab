package keystore

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/gofrs/flock"
)

// Pending is a create that was sent and whose token is not stored yet. It
// holds no secret.
type Pending struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Connector string    `json:"connector"`
	BaseURL   string    `json:"baseUrl"`
	Tags      []string  `json:"tags"`
	StartedAt time.Time `json:"startedAt"`
	// PID and Machine identify the process that sent the create.
	PID     int    `json:"pid"`
	Machine string `json:"machine"`
	// Insecure, Remember and Replace are the create's choices, which a
	// recovery honours: the token in the 0600 file, the secrets remembered,
	// the local entry of the same name replaced.
	Insecure bool `json:"insecure,omitempty"`
	Remember bool `json:"remember,omitempty"`
	Replace  bool `json:"replace,omitempty"`
	// Before lists the ids of the instances the platform listed just
	// before the create was sent (Listed says a listing was taken): none
	// of them can be the one this create made.
	Before []string `json:"before,omitempty"`
	Listed bool     `json:"listed,omitempty"`
}

// InFlight reports whether the process that wrote the record still runs on
// this machine, i.e. its create may still be answered.
func (p Pending) InFlight() bool {
	host, _ := os.Hostname()
	return p.PID > 0 && p.PID != os.Getpid() && p.Machine == host && processAlive(p.PID)
}

// Begin records a pending create before it is sent.
func (s *Store) Begin(p Pending) (Pending, error) {
	dir := s.path(pendingDir)
	if err := ensureDir(s.Dir); err != nil {
		return p, err
	}
	if err := ensureDir(dir); err != nil {
		return p, err
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	p.ID = hex.EncodeToString(b)
	if p.StartedAt.IsZero() {
		p.StartedAt = time.Now().UTC()
	}
	p.PID = os.Getpid()
	p.Machine, _ = os.Hostname()
	if err := writeJSON(filepath.Join(dir, p.ID+".json"), p, FileMode); err != nil {
		return p, fmt.Errorf("recording the pending create: %w", err)
	}
	return p, nil
}

// Clear removes a pending record (and its claim's lock file, once no
// claim holds it).
func (s *Store) Clear(p Pending) error {
	base := filepath.Join(s.path(pendingDir), p.ID)
	err := os.Remove(base + ".json")
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return fmt.Errorf("clearing the pending create of %q: %w", p.Name, err)
	}
	if l := flock.New(base + ".lock"); fileExists(base + ".lock") {
		if ok, _ := l.TryLock(); ok {
			_ = os.Remove(base + ".lock")
			_ = l.Unlock()
		}
	}
	return nil
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Claim takes a pending record for settling, so that two processes never
// settle the same one: a kernel lock on the record's own lock file, and a
// look that the record is still there once the lock is held. ok is false
// when another process is settling it, or already has; release ends the
// claim.
func (s *Store) Claim(p Pending) (release func(), ok bool, err error) {
	base := filepath.Join(s.path(pendingDir), p.ID)
	l := flock.New(base+".lock", flock.SetPermissions(FileMode))
	locked, err := l.TryLock()
	if err != nil {
		return nil, false, fmt.Errorf("claiming the pending create of %q: %w", p.Name, err)
	}
	if !locked {
		return nil, false, nil
	}
	release = func() {
		if _, err := os.Stat(base + ".json"); errors.Is(err, os.ErrNotExist) {
			_ = os.Remove(base + ".lock") // settled: a late claimer finds no record
		}
		_ = l.Unlock()
	}
	if _, err := os.Stat(base + ".json"); err != nil {
		release()
		return nil, false, nil // settled meanwhile by another process
	}
	return release, true, nil
}

// PendingCreates lists the pending records, oldest first.
func (s *Store) PendingCreates() ([]Pending, error) {
	files, err := filepath.Glob(filepath.Join(s.path(pendingDir), "*.json"))
	if err != nil {
		return nil, err
	}
	var out []Pending
	for _, f := range files {
		var p Pending
		if err := readJSON(f, &p); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].StartedAt.Before(out[j].StartedAt) })
	return out, nil
}
