package cli

import (
	"fmt"

	"github.com/spf13/cobra"
)

// TokenOptions are the arguments of token.
type TokenOptions struct {
	Name    string
	BaseURL string
	Sandbox bool
}

func newCmdToken(f *Factory, runF func(*TokenOptions) error) *cobra.Command {
	o := &TokenOptions{}
	cmd := &cobra.Command{
		Use:               "token NAME",
		Short:             "Print an instance's token (for scripts)",
		Example:           `  curl -H "Authorization: User $U, Organization $O, Element $(connectwiz token my-drive)" …`,
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeNames(f),
		RunE: func(_ *cobra.Command, args []string) error {
			o.Name = args[0]
			if runF != nil {
				return runF(o)
			}
			return runToken(f, o)
		},
	}
	cmd.Flags().StringVar(&o.BaseURL, "base-url", "", "the platform, when the name exists on several")
	cmd.Flags().BoolVar(&o.Sandbox, "sandbox", false, "the instances made with --sandbox (kept apart from the real ones)")
	return cmd
}

func runToken(f *Factory, o *TokenOptions) error {
	st, err := f.StoreFor(o.Sandbox)
	if err != nil {
		return err
	}
	tok, _, err := st.Token(o.Name, o.BaseURL)
	if err != nil {
		return err
	}
	_, err = fmt.Fprintln(f.IO.Out, tok)
	return err
}
