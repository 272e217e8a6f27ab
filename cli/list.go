package cli

import (
	"encoding/json"
	"fmt"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/keystore"
)

// ListOptions are the flags of list.
type ListOptions struct {
	JSON    bool
	Sandbox bool
}

func newCmdList(f *Factory, runF func(*ListOptions) error) *cobra.Command {
	o := &ListOptions{}
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the instances provisioned from this machine",
		Long: `List the instances provisioned from this machine, and where each token is:
keychain, file, or missing (probed, with the keychain timeout).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return runList(f, o)
		},
	}
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print JSON")
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
	// Probe where each token really is; a keychain that does not answer is
	// asked once, not once per entry.
	var keychainErr error
	for i, e := range entries {
		if keychainErr != nil && e.Storage == keystore.InKeychain {
			entries[i].Storage = keystore.Unknown
			continue
		}
		w, err := st.Where(e)
		if err != nil {
			keychainErr = err
			w = keystore.Unknown
		}
		entries[i].Storage = w
	}
	out := f.IO.Out
	if o.JSON {
		enc := json.NewEncoder(out)
		enc.SetIndent("", "  ")
		return enc.Encode(entries)
	}
	if len(entries) == 0 {
		fmt.Fprintln(out, "No instances yet. Create one with: connectwiz")
		return nil
	}
	tw := tabwriter.NewWriter(out, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "NAME\tID\tCONNECTOR\tPLATFORM\tCREATED\tTOKEN")
	for _, e := range entries {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, e.ID, e.Connector, keystore.Host(e.BaseURL), e.CreatedAt.Local().Format("2006-01-02 15:04"), e.Storage)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	if keychainErr != nil {
		fmt.Fprintf(f.IO.ErrOut, "Some tokens could not be checked (unknown): %v\n", keychainErr)
	}
	return nil
}
