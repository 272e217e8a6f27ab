package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/cli/iostreams"
	"github.com/connectwiz/connectwiz/flow/termsafe"
	"github.com/connectwiz/connectwiz/keystore"
)

// ListOptions are the flags of list.
type ListOptions struct {
	JSON    bool
	Check   bool
	Sandbox bool
}

func newCmdList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	o := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the instances provisioned from this machine",
		Long: `List the instances provisioned from this machine, and where each token is
kept (keychain or file) as recorded when it was stored. --check asks the
keychain for each token (one keychain call per instance) and shows
"missing" for a token that is gone. On a terminal the columns are aligned
to fit the terminal's width; piped, each instance is one tab-separated line without
a header.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return runList(f, o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print a JSON array (the same fields as create --json)")
	cmd.Flags().BoolVar(&o.Check, "check", false, "probe the keychain for each token")
	cmd.Flags().BoolVar(&o.Sandbox, "sandbox", false, "the instances made with --sandbox (kept apart from the real ones)")
	return cmd
}

func runList(f *Factory, o *ListOptions) error {
	st, err := f.StoreFor(o.Sandbox)
	if err != nil {
		return err
	}
	entries, err := st.Entries()
	if err != nil {
		return err
	}
	var keychainErr error
	if o.Check {
		keychainErr = probe(st, entries)
	}
	out := f.IO.Out
	switch {
	case o.JSON:
		safe := make([]keystore.Entry, 0, len(entries))
		for _, e := range entries {
			safe = append(safe, displayEntry(e))
		}
		err = writeJSON(out, safe)
	case len(entries) == 0 && f.IO.IsStdoutTTY():
		fmt.Fprintln(out, "No instances yet. Create one with: connectwiz")
	case f.IO.IsStdoutTTY():
		err = writeTable(out, entries, f.IO.TerminalWidth())
	default:
		err = writeTSV(out, entries)
	}
	if err != nil {
		return err
	}
	if keychainErr != nil {
		fmt.Fprintf(f.IO.ErrOut, "Some tokens could not be checked (unknown): %v\n", keychainErr)
	}
	return nil
}

// probe sets where each token really is; a keychain that does not answer
// is asked once, not once per entry.
func probe(st *keystore.Store, entries []keystore.Entry) error {
	var keychainErr error
	for i, e := range entries {
		if keychainErr != nil && e.Storage == keystore.InKeychain {
			entries[i].Storage = keystore.Unknown
			continue
		}
		w, err := st.Locate(e)
		if err != nil {
			keychainErr = err
			w = keystore.Unknown
		}
		entries[i].Storage = w
	}
	return keychainErr
}

// writeJSON is the one JSON encoding of instances (create --json and
// list --json): control characters escaped — C0 by the encoder, C1 and
// bidi or other format characters by termsafe.JSONWriter — no HTML
// escaping.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(termsafe.JSONWriter(w))
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// displayEntry is e made safe to print or write as JSON. Platform strings
// are made safe when the answer is decoded; an index written by an earlier
// version may still hold raw ones, so every string of a stored entry goes
// through the same terminal safety before it is shown. (The raw entry is
// kept for what talks to the platform or the keychain.)
func displayEntry(e keystore.Entry) keystore.Entry {
	safe := func(v string) string { return termsafe.Sanitize(v, 200) }
	e.Name, e.PlatformName, e.ID, e.Connector, e.BaseURL = safe(e.Name), safe(e.PlatformName), safe(e.ID), safe(e.Connector), termsafe.Sanitize(e.BaseURL, 400)
	e.KeyAccount = safe(e.KeyAccount)
	tags := make([]string, 0, len(e.Tags))
	for _, t := range e.Tags {
		tags = append(tags, safe(t))
	}
	e.Tags = tags
	return e
}

// listRow is an entry's columns, made safe (displayEntry).
func listRow(e keystore.Entry) []string {
	e = displayEntry(e)
	return []string{e.Name, e.ID, e.Connector, keystore.Host(e.BaseURL), e.CreatedAt.Local().Format("2006-01-02 15:04"), e.Storage.String()}
}

// writeTSV writes one tab-separated line per instance, for scripts.
func writeTSV(w io.Writer, entries []keystore.Entry) error {
	for _, e := range entries {
		if _, err := fmt.Fprintln(w, strings.Join(listRow(e), "\t")); err != nil {
			return err
		}
	}
	return nil
}

// writeTable aligns the columns by display width (wide CJK and emoji
// count double) and fits width, cutting connector, platform, id and, last,
// name with an ellipsis as needed.
func writeTable(w io.Writer, entries []keystore.Entry, width int) error {
	rows := [][]string{{"NAME", "ID", "CONNECTOR", "PLATFORM", "CREATED", "TOKEN"}}
	for _, e := range entries {
		rows = append(rows, listRow(e))
	}
	// Cut the connector, then the platform, then the id, and the name
	// (what `token NAME` needs) last.
	return iostreams.WriteColumns(w, rows, width, []int{2, 3, 1, 0})
}
