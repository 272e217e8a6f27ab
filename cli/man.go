package cli

import (
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow"
)

// This file holds what the command tree gives to shells and manuals: the
// man pages (for the release) and the --key flag's completion.

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
