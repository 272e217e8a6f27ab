// Command man writes connectwiz's man pages, one per visible command, for
// the release packages: go run ./tools/man [--gzip] DIR. It is a program
// of its own so that the man page generator (cobra/doc and its markdown
// and roff libraries, +0.4 MB) is not linked into connectwiz.
package main

import (
	"bytes"
	"compress/gzip"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"
	"github.com/spf13/pflag"

	"github.com/connectwiz/connectwiz/cli"
)

// options are the generator's arguments.
type options struct {
	Dir  string
	Gzip bool
}

func main() {
	var o options
	flag.BoolVar(&o.Gzip, "gzip", false, "write NAME.1.gz instead of NAME.1")
	flag.Usage = func() { fmt.Fprintln(os.Stderr, "usage: go run ./tools/man [--gzip] DIR") }
	flag.Parse()
	if flag.NArg() != 1 {
		flag.Usage()
		os.Exit(2)
	}
	o.Dir = flag.Arg(0)
	// The pages describe the defaults, not this machine's environment.
	for _, kv := range os.Environ() {
		if name, _, _ := strings.Cut(kv, "="); strings.HasPrefix(name, "CONNECTWIZ_") || name == "ACCESSIBLE" {
			_ = os.Unsetenv(name)
		}
	}
	n, err := writeManPages(cli.Command(), o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "man:", err)
		os.Exit(1)
	}
	fmt.Printf("Wrote %d man pages to %s.\n", n, o.Dir)
}

// writeManPages writes the man page of root and of every visible command
// below it (not help, not hidden ones) into o.Dir, and returns how many it
// wrote. The date is SOURCE_DATE_EPOCH's when set (cobra reads it), for
// reproducible packages; gzip output carries no name or time.
func writeManPages(root *cobra.Command, o options) (int, error) {
	root.DisableAutoGenTag = true
	if err := os.MkdirAll(o.Dir, 0o755); err != nil { //nolint:gosec // man pages are for every user
		return 0, fmt.Errorf("creating %s: %w", o.Dir, err)
	}
	n := 0
	var walk func(c *cobra.Command) error
	walk = func(c *cobra.Command) error {
		for _, sub := range c.Commands() {
			if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
				if err := walk(sub); err != nil {
					return err
				}
			}
		}
		escapeMarkdown(c)
		header := &doc.GenManHeader{Source: "connectwiz " + cli.ShortVersion(), Manual: "connectwiz manual"}
		var page bytes.Buffer
		if err := doc.GenMan(c, header, &page); err != nil {
			return fmt.Errorf("the man page of %q: %w", c.CommandPath(), err)
		}
		dashed := strings.ReplaceAll(c.CommandPath(), " ", "-")
		name := dashed + ".1"
		data := withSections(page.Bytes(), extraSections(root.Name(), dashed))
		if o.Gzip {
			var z bytes.Buffer
			zw, _ := gzip.NewWriterLevel(&z, gzip.BestCompression)
			_, _ = zw.Write(data)
			if err := zw.Close(); err != nil {
				return err
			}
			name, data = name+".gz", z.Bytes()
		}
		if err := os.WriteFile(filepath.Join(o.Dir, name), data, 0o644); err != nil { //nolint:gosec // man pages are for every user
			return fmt.Errorf("writing the man page: %w", err)
		}
		n++
		return nil
	}
	return n, walk(root)
}

// escapeMarkdown escapes what markdown would take for markup in c's texts
// and flag usages: cobra's generator reads them as markdown, so that
// "(default <connector>-<user>-<yyyymmdd>)" lost its placeholders as HTML
// tags. Backquotes stay: pflag takes `NAME` for the flag's value name, and
// they render as bold. Each text is escaped once (flags are shared by
// parent and child pages).
func escapeMarkdown(c *cobra.Command) {
	esc := strings.NewReplacer(`\`, `\\`, "<", `\<`, ">", `\>`, "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`)
	c.Short, c.Long = esc.Replace(c.Short), esc.Replace(c.Long)
	escapeFlags := func(f *pflag.Flag) {
		if f.Annotations == nil || f.Annotations[escapedMark] == nil {
			f.Usage = esc.Replace(f.Usage)
			if f.Annotations == nil {
				f.Annotations = map[string][]string{}
			}
			f.Annotations[escapedMark] = []string{"yes"}
		}
	}
	c.LocalFlags().VisitAll(escapeFlags)
	c.InheritedFlags().VisitAll(escapeFlags)
}

// escapedMark is the flag annotation escapeMarkdown leaves.
const escapedMark = "connectwiz-man-escaped"

// withSections inserts the roff of extra sections before SEE ALSO (at the
// end when there is none).
func withSections(page []byte, extra string) []byte {
	text := string(page)
	if i := strings.Index(text, ".SH SEE ALSO"); i >= 0 {
		return []byte(text[:i] + extra + text[i:])
	}
	return []byte(text + extra)
}
