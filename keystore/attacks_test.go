package keystore_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/connectwiz/connectwiz/internal/testkit"
	"github.com/connectwiz/connectwiz/keystore"
)

// writeIndex writes the index as an earlier version left it.
func writeIndex(t *testing.T, s *keystore.Store, idx []keystore.Entry) {
	t.Helper()
	if err := os.MkdirAll(s.Dir, 0o700); err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(idx)
	if err := os.WriteFile(filepath.Join(s.Dir, keystore.IndexFile), b, 0o600); err != nil {
		t.Fatal(err)
	}
}

// Two instances with one id on one host, under two platform paths, keep
// two tokens: 'token prod' is prod's, and forgetting scratch leaves prod's.
func TestTwoInstancesSameIDDifferentPathKeepTheirTokens(t *testing.T) {
	s := newStore(t, testkit.NewKeychain())
	prod, scratch := entry("prod", "42"), entry("scratch", "42")
	prod.BaseURL, scratch.BaseURL = "https://p.example/prod", "https://p.example/scratch"
	if _, err := s.Save(prod, "tok-prod", false); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Save(scratch, "tok-scratch", false); err != nil {
		t.Fatal(err)
	}
	if got, _, err := s.Token("prod", ""); err != nil || got != "tok-prod" {
		t.Fatalf("token prod = %q, %v", got, err)
	}
	e, err := s.Find("scratch", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(e); err != nil {
		t.Fatal(err)
	}
	if got, _, err := s.Token("prod", ""); err != nil || got != "tok-prod" {
		t.Fatalf("forget scratch took prod's token: %q, %v", got, err)
	}
	// Same host and path, http and https: two platforms too.
	a, b := entry("a", "7"), entry("b", "7")
	a.BaseURL, b.BaseURL = "https://q.example/api", "http://q.example/api"
	sa, _ := s.Save(a, "tok-a", false)
	sb, _ := s.Save(b, "tok-b", false)
	if sa.Entry.Account() == sb.Entry.Account() {
		t.Fatalf("one account for two platforms: %s", sa.Entry.Account())
	}
}

// The store never writes over an account another entry keeps, even when
// the new entry's account would name it (an earlier version's naming).
func TestSaveNeverWritesOverAnotherEntrysAccount(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	old := entry("old", "42")
	old.KeyAccount, old.Storage = "instance:127.0.0.1:8751/42", keystore.InKeychain
	writeIndex(t, s, []keystore.Entry{old})
	if err := s.Keychain.Set(old.KeyAccount, "tok-old"); err != nil {
		t.Fatal(err)
	}
	clash := entry("new", "42")
	clash.KeyAccount = old.KeyAccount
	saved, err := s.Save(clash, "tok-new", false)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Entry.Account() == old.KeyAccount {
		t.Fatal("the new token was written over the old entry's account")
	}
	for name, want := range map[string]string{"old": "tok-old", "new": "tok-new"} {
		if got, _, err := s.Token(name, ""); err != nil || got != want {
			t.Fatalf("token %s = %q, %v", name, got, err)
		}
	}
}

// An earlier version kept the token of an instance with id "credentials"
// under <host>/credentials, the account it also used for remembered
// secrets: a secrets lookup never moves or deletes it, nor does 'secrets
// forget'.
func TestSecretsLookupNeverMovesATokenAccount(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	base := "https://p.example/api"
	old := keystore.Entry{Name: "legacy", ID: "credentials", BaseURL: base, Storage: keystore.InKeychain}
	writeIndex(t, s, []keystore.Entry{old})
	if old.Account() != "p.example/credentials" {
		t.Fatalf("test premise: %s", old.Account())
	}
	if err := s.Keychain.Set(old.Account(), "tok-legacy"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Remembered(base); !errors.Is(err, keystore.ErrNotFound) {
		t.Fatalf("a token was taken for remembered secrets: %v", err)
	}
	if err := s.ForgetCredentials(base); err != nil {
		t.Fatal(err)
	}
	if got, _, err := s.Token("legacy", ""); err != nil || got != "tok-legacy" {
		t.Fatalf("the old token was moved or deleted: %q, %v", got, err)
	}
	// Its index lost, the token is still not secrets' JSON: kept too.
	writeIndex(t, s, nil)
	if _, err := s.Remembered(base); err == nil {
		t.Fatal("a token was taken for remembered secrets")
	}
	if err := s.ForgetCredentials(base); err != nil {
		t.Fatal(err)
	}
	if v, err := s.Keychain.Get("p.example/credentials"); err != nil || v != "tok-legacy" {
		t.Fatalf("the old token was deleted: %v", err)
	}
}

// A keychain write that timed out may still land: the token went to the
// file and the index says file; forget removes both copies.
func TestForgetRemovesKeychainCopyOfTimedOutWrite(t *testing.T) {
	fb := testkit.NewKeychain()
	s := newStore(t, fb)
	fb.Block = make(chan struct{})
	saved, err := s.Save(entry("slow", "9"), "tok-slow", false)
	if err != nil {
		t.Fatal(err)
	}
	if saved.Entry.Storage != keystore.InFile {
		t.Fatalf("stored %v", saved.Entry.Storage)
	}
	close(fb.Block) // the write lands late
	deadline := time.Now().Add(5 * time.Second)
	for !fb.Has("tok-slow") {
		if time.Now().After(deadline) {
			t.Fatal("the late write never landed")
		}
		time.Sleep(5 * time.Millisecond)
	}
	e, err := s.Find("slow", "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Remove(e); err != nil {
		t.Fatal(err)
	}
	if fb.Has("tok-slow") {
		t.Fatal("forget left the keychain copy behind")
	}
	if b, _ := os.ReadFile(filepath.Join(s.Dir, keystore.TokensFile)); len(b) > 0 && json.Valid(b) && string(b) != "{}" && containsTok(b) {
		t.Fatal("forget left the file copy behind")
	}
}

func containsTok(b []byte) bool {
	var m map[string]string
	_ = json.Unmarshal(b, &m)
	for _, v := range m {
		if v == "tok-slow" {
			return true
		}
	}
	return false
}
