package cli

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow/platform"
)

// completeNames completes an instance name from the local index (never a
// file name): the sandbox's own with --sandbox.
func completeNames(f *Factory) cobra.CompletionFunc {
	return func(cmd *cobra.Command, args []string, _ string) ([]cobra.Completion, cobra.ShellCompDirective) {
		if len(args) > 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		sandboxed, _ := cmd.Flags().GetBool("sandbox")
		st, err := f.StoreFor(sandboxed)
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		entries, err := st.Entries()
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		seen := map[string]bool{}
		var names []cobra.Completion
		for _, e := range entries {
			if !seen[e.Name] {
				seen[e.Name] = true
				names = append(names, e.Name)
			}
		}
		return names, cobra.ShellCompDirectiveNoFileComp
	}
}

// completeConnectors completes --key: the connector keys of the instances
// in the local index, and the default one.
func completeConnectors(f *Factory) cobra.CompletionFunc {
	return func(_ *cobra.Command, _ []string, toComplete string) ([]cobra.Completion, cobra.ShellCompDirective) {
		keys := map[string]bool{platform.DefaultConnector: true}
		if st, err := f.Store(); err == nil {
			if entries, err := st.Entries(); err == nil {
				for _, e := range entries {
					if e.Connector != "" && platform.CheckConnectorKey(e.Connector) == nil {
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
