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
		header := &doc.GenManHeader{Source: "connectwiz " + cli.ShortVersion(), Manual: "connectwiz manual"}
		var page bytes.Buffer
		if err := doc.GenMan(c, header, &page); err != nil {
			return fmt.Errorf("the man page of %q: %w", c.CommandPath(), err)
		}
		name := strings.ReplaceAll(c.CommandPath(), " ", "-") + ".1"
		data := page.Bytes()
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
