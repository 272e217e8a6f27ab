package keystore

import (
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"time"
)

// Entry is one instance in the local index. It holds no secret.
type Entry struct {
	Name string `json:"name"`
	// PlatformName is the name the platform gave the instance, when it
	// differs from the one asked for (Name).
	PlatformName string    `json:"platformName,omitempty"`
	ID           string    `json:"id"`
	Connector    string    `json:"connector"`
	BaseURL      string    `json:"baseUrl"`
	Tags         []string  `json:"tags"`
	CreatedAt    time.Time `json:"createdAt"`
	// Storage says where the token is (InKeychain or InFile); the index
	// never holds the token itself.
	Storage Location `json:"token"`
	// KeyAccount is the keychain (and token file) account of the token,
	// fixed when it is first stored; empty for entries of older versions,
	// whose account was <host>/<id>.
	KeyAccount string `json:"account,omitempty"`
}

// Account is the keychain account of the entry's token.
func (e Entry) Account() string {
	if e.KeyAccount != "" {
		return e.KeyAccount
	}
	return Host(e.BaseURL) + "/" + e.ID
}

// tokenAccount is the account a new token is stored under:
// "instance:<platform key>/<id>", the platform key being the normalised
// platform URL (PlatformKey: scheme, host, port, path), so that two
// instances with one id on two platforms of one host keep two accounts.
// Token accounts and remembered-secret accounts
// ("secrets:…") live in separate namespaces, so no instance id the platform
// sends can name another entry's account; an id that is empty, long or
// not plain is replaced by a random name.
func tokenAccount(baseURL, id string) string {
	return "instance:" + PlatformKey(baseURL) + "/" + safeID(id)
}

// plainID reports whether id is 1 to 64 of [A-Za-z0-9._-], and not "."
// or "..".
func plainID(id string) bool {
	if id == "" || len(id) > 64 || id == "." || id == ".." {
		return false
	}
	for _, c := range []byte(id) {
		switch {
		case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9', c == '.', c == '_', c == '-':
		default:
			return false
		}
	}
	return true
}

func safeID(id string) string {
	if plainID(id) {
		return id
	}
	// Not plain (empty, long, odd characters): a random name, kept in the
	// entry (KeyAccount). A digest of the id would do too, but the id has
	// been made safe (and maybe cut) before it gets here, so two odd ids
	// could meet.
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return "x-" + hex.EncodeToString(b)
}

// Host is the platform host (with its port) of a base URL.
func Host(baseURL string) string {
	if u, err := url.Parse(baseURL); err == nil && u.Host != "" {
		return u.Host
	}
	return baseURL
}

// Saved says where a token went.
type Saved struct {
	Entry Entry
	// Warning is set when the token went to the unencrypted file.
	Warning string
	// Replaced is the entry of the same name this one replaced (whose
	// instance still exists on the platform), if any.
	Replaced *Entry
	// Sandbox is set when the token went to the sandbox's store.
	Sandbox bool
	// RenamedFrom is the name asked for when another entry took it first
	// and this one got the next free name (Entry.Name) instead.
	RenamedFrom string
	// Problem is why the token is not in the keychain (ProblemNone when it
	// is).
	Problem Problem
	// File is the file the token went to, when it went to a file.
	File string
}

// Where says where the token went, in words for the user.
func (s Saved) Where() string {
	switch {
	case s.Sandbox:
		return "the sandbox's own store (a test token, kept apart from your real instances)"
	case s.Entry.Storage == InKeychain:
		return "the OS keychain (service " + Service + ", account " + s.Entry.Account() + ")"
	case s.Entry.Storage == InFile && s.File != "":
		return "the unencrypted file " + s.File + " (mode 0600)"
	}
	return s.Entry.Storage.Describe()
}
