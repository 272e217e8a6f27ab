package browser

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// Forwards are the private files a run opens the browser on: each is an
// HTML page that forwards to a URL (a meta refresh and location.replace),
// so that the URL — which carries a secret: the one-time link or the OAuth
// state — is never in the browser's argv, which every local user can read
// (/proc/PID/cmdline). The files are 0600 in a directory of the run's own,
// 0700, made on the first Write below Base and removed by Remove. The zero
// value is ready to use.
type Forwards struct {
	// Base is where the run's directory is made; empty means
	// PrivateBase(RuntimeDir).
	Base string
	// RuntimeDir is $XDG_RUNTIME_DIR, as the command line read it.
	RuntimeDir string

	mu  sync.Mutex
	dir string
}

// PrivateBase is where a run's private files go by default: runtimeDir
// ($XDG_RUNTIME_DIR, a per-user 0700 tmpfs) when set, else the user's cache
// directory's connectwiz folder.
func PrivateBase(runtimeDir string) (string, error) {
	if d := runtimeDir; d != "" && filepath.IsAbs(d) {
		if st, err := os.Stat(d); err == nil && st.IsDir() { //nolint:gosec // the user's own runtime directory, checked to be absolute
			return d, nil
		}
	}
	c, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(c, "connectwiz"), nil
}

// Write makes a private file that forwards to target (which must pass
// CheckBrowserURL) and returns its path.
func (f *Forwards) Write(target string) (string, error) {
	if err := CheckBrowserURL(target); err != nil {
		return "", err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dir == "" {
		base := f.Base
		if base == "" {
			var err error
			if base, err = PrivateBase(f.RuntimeDir); err != nil {
				return "", err
			}
		}
		if err := os.MkdirAll(base, 0o700); err != nil {
			return "", err
		}
		dir, err := os.MkdirTemp(base, "connectwiz-open-") // 0700
		if err != nil {
			return "", err
		}
		if err := privateDir(dir); err != nil {
			_ = os.RemoveAll(dir)
			return "", err
		}
		f.dir = dir
	}
	b := make([]byte, 8)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+)
	p := filepath.Join(f.dir, "open-"+hex.EncodeToString(b)+".html")
	file, err := os.OpenFile(p, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	_, werr := file.WriteString(forwardPage(target))
	if cerr := file.Close(); werr == nil {
		werr = cerr
	}
	if werr != nil {
		_ = os.Remove(p)
		return "", werr
	}
	return p, nil
}

// Dir is the run's private directory ("" before the first Write).
func (f *Forwards) Dir() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dir
}

// Remove deletes the run's directory and its files; a later Write makes a
// new one.
func (f *Forwards) Remove() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.dir == "" {
		return nil
	}
	err := os.RemoveAll(f.dir)
	f.dir = ""
	return err
}

// FileURL is the file: URL of an absolute path, as a browser takes it.
func FileURL(path string) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // C:/… on Windows
	}
	return (&url.URL{Scheme: "file", Path: p}).String()
}

// forwardPage is the HTML of a forwarding file: the target is escaped for
// the attribute and encoded as a JSON string (which escapes <, > and &)
// for the script.
func forwardPage(target string) string {
	js, _ := json.Marshal(target)
	e := html.EscapeString(target)
	return `<!doctype html><html lang=en><head><meta charset=utf-8>` +
		`<meta name=referrer content=no-referrer>` +
		`<meta http-equiv=refresh content="0;url=` + e + `">` +
		`<title>connectwiz</title>` +
		`<script>window.location.replace(` + string(js) + `);</script>` +
		`</head><body><p>Opening the authorization… <a rel=noreferrer data-connectwiz-target href="` + e + `">continue</a></p></body></html>` + "\n"
}

var targetRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`data-connectwiz-target href="([^"]*)"`) })

// ForwardTarget reads the URL a forwarding file (a path or a file: URL)
// leads to, as a browser would follow it; for tests and the sandbox's
// consent player.
func ForwardTarget(pathOrURL string) (string, error) {
	p := pathOrURL
	if u, err := url.Parse(pathOrURL); err == nil && u.Scheme == "file" {
		p = filepath.FromSlash(u.Path)
		if len(p) > 2 && p[0] == filepath.Separator && p[2] == ':' {
			p = p[1:] // \C:\… on Windows
		}
	}
	b, err := os.ReadFile(p) //nolint:gosec // a forwarding file named by the caller
	if err != nil {
		return "", err
	}
	m := targetRe().FindSubmatch(b)
	if m == nil {
		return "", errors.New("not a connectwiz forwarding file")
	}
	t := html.UnescapeString(string(m[1]))
	if err := CheckBrowserURL(t); err != nil {
		return "", fmt.Errorf("the forwarding file leads to a bad URL: %w", err)
	}
	return t, nil
}

// privateDir checks that dir is a directory of this user's, not a link,
// and makes it 0700.
func privateDir(dir string) error {
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return errors.New(dir + " is not a directory")
	}
	if err := ownedByMe(st); err != nil {
		return err
	}
	return os.Chmod(dir, 0o700) //nolint:gosec // a directory: 0700 is owner-only
}
