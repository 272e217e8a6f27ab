package browser

import (
	"bufio"
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
)

// confinedPath reports whether the program at path is a snap-confined
// browser, which cannot read a file in a hidden or runtime directory of
// the user's: the program, or the file it links to, is under /snap/, or it
// is a small wrapper script that runs one from /snap/bin (Ubuntu's
// /usr/bin/firefox).
func confinedPath(path string) bool {
	if path == "" {
		return false
	}
	if real, err := filepath.EvalSymlinks(path); err == nil {
		path = real
	}
	if strings.HasPrefix(filepath.ToSlash(path), "/snap/") {
		return true
	}
	f, err := os.Open(path) //nolint:gosec // the browser program the user named
	if err != nil {
		return false
	}
	defer func() { _ = f.Close() }()
	head := make([]byte, 4096)
	n, _ := f.Read(head)
	head = head[:n]
	return bytes.HasPrefix(head, []byte("#!")) && bytes.Contains(head, []byte("/snap/bin/"))
}

// snapDesktopRe matches a snap's desktop file id, e.g. firefox_firefox.desktop.
var snapDesktopRe = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^([a-z0-9-]+)_[A-Za-z0-9-]+\.desktop$`) })

// confinedDefault reports whether the desktop's default handler for HTML
// files (what xdg-open starts for a file: URL) is a snap, as far as the
// mimeapps.list files say.
func (b Browser) confinedDefault() bool {
	var lists []string
	if d := b.getenv("XDG_CONFIG_HOME"); d != "" {
		lists = append(lists, filepath.Join(d, "mimeapps.list"))
	}
	if h, err := os.UserHomeDir(); err == nil {
		lists = append(lists, filepath.Join(h, ".config", "mimeapps.list"), filepath.Join(h, ".local", "share", "applications", "mimeapps.list"))
	}
	lists = append(lists, "/etc/xdg/mimeapps.list", "/usr/share/applications/mimeapps.list", "/usr/share/applications/defaults.list")
	for _, l := range lists {
		if id, ok := b.htmlHandler(l); ok {
			return snapDesktopRe().MatchString(id)
		}
	}
	return false
}

// htmlHandler returns the first default handler that list names for
// text/html.
func (b Browser) htmlHandler(list string) (string, bool) {
	read := os.ReadFile
	if b.ReadFile != nil {
		read = b.ReadFile
	}
	data, err := read(list)
	if err != nil {
		return "", false
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	section := ""
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if strings.HasPrefix(line, "[") {
			section = line
			continue
		}
		if section != "[Default Applications]" {
			continue
		}
		if v, ok := strings.CutPrefix(line, "text/html="); ok {
			id, _, _ := strings.Cut(v, ";")
			if id = strings.TrimSpace(id); id != "" {
				return id, true
			}
		}
	}
	return "", false
}
