package cli

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/cobra/doc"

	"github.com/connectwiz/connectwiz/flow"
)

// This file holds what the command tree gives to shells and manuals: the
// man pages (for the release) and the --key flag's completion.

// ManOptions are the arguments and flags of the hidden man command.
type ManOptions struct {
	Dir  string
	Gzip bool
}

func newCmdMan(f *Factory, runF func(*ManOptions) error) *cobra.Command {
	o := &ManOptions{}
	cmd := &cobra.Command{
		Use:    "man DIR",
		Short:  "Write a man page per command into DIR (for packaging)",
		Hidden: true,
		Args:   usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Dir = args[0]
			if runF != nil {
				return runF(o)
			}
			n, err := writeManPages(cmd.Root(), o)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintf(f.IO.Out, "Wrote %d man pages to %s.\n", n, o.Dir)
			return err
		},
	}
	cmd.Flags().BoolVar(&o.Gzip, "gzip", false, "write NAME.1.gz instead of NAME.1")
	return cmd
}

// writeManPages writes the man page of root and of every visible command
// below it (not help, not hidden ones) into o.Dir, and returns how many it
// wrote. The date is SOURCE_DATE_EPOCH's when set (cobra reads it), for
// reproducible packages; gzip output carries no name or time.
func writeManPages(root *cobra.Command, o *ManOptions) (int, error) {
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
		header := &doc.GenManHeader{Source: "connectwiz " + shortVersion(), Manual: "connectwiz manual"}
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

// completeConnectors completes --key: the connector keys of the instances
// in the local index, and the default one.
func completeConnectors(f *Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		keys := map[string]bool{flow.DefaultConnector: true}
		if st, err := f.Store(); err == nil {
			if entries, err := st.Entries(); err == nil {
				for _, e := range entries {
					if e.Connector != "" && flow.CheckConnectorKey(e.Connector) == nil {
						keys[e.Connector] = true
					}
				}
			}
		}
		var out []cobra.Completion
		for k := range keys {
			if strings.HasPrefix(k, toComplete) {
				out = append(out, k)
			}
		}
		sort.Strings(out)
		return out, cobra.ShellCompDirectiveNoFileComp
	}
}
