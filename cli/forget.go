package cli

import (
	"context"
	"fmt"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/keystore"
)

// ForgetOptions are the arguments and flags of forget.
type ForgetOptions struct {
	Ctx     context.Context
	Name    string
	BaseURL string
	Remote  bool
	Sandbox bool
}

func newCmdForget(f *Factory, runF func(*ForgetOptions) error) *cobra.Command {
	o := &ForgetOptions{}
	cmd := &cobra.Command{
		Use:               "forget NAME",
		Short:             "Remove an instance's local token and index entry (--remote also deletes it on the platform)",
		Args:              usageArgs(cobra.ExactArgs(1)),
		ValidArgsFunction: completeNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx, o.Name = cmd.Context(), args[0]
			if runF != nil {
				return runF(o)
			}
			return runForget(f, o)
		},
	}
	cmd.Flags().StringVar(&o.BaseURL, "base-url", "", "the platform, when the name exists on several")
	cmd.Flags().BoolVar(&o.Sandbox, "sandbox", false, "the instances made with --sandbox (kept apart from the real ones)")
	cmd.Flags().BoolVar(&o.Remote, "remote", false, "first delete the instance on the platform")
	return cmd
}

func runForget(f *Factory, o *ForgetOptions) error {
	s, err := f.Session(nil)
	if err != nil {
		return err
	}
	if o.Sandbox {
		s.Store = s.Store.SandboxStore()
	}
	e, err := s.Store.Find(o.Name, o.BaseURL)
	if err != nil {
		return err
	}
	if o.Remote {
		creds := f.Env.PlatformSecrets(e.BaseURL)
		s.FillRemembered(&creds)
		if creds.UserSecret.IsZero() || creds.OrgSecret.IsZero() {
			return usagef("--remote needs the platform's secrets: set CONNECTWIZ_USER_SECRET and CONNECTWIZ_ORG_SECRET")
		}
		if err := s.Client(creds).DeleteInstance(o.Ctx, flow.ID(e.ID)); err != nil {
			if ae, ok := flow.AsAPIError(err); !ok || ae.Status != 404 {
				return fmt.Errorf("%w; the local entry is kept", err)
			}
			fmt.Fprintf(f.IO.ErrOut, "Instance %s no longer exists on %s.\n", e.ID, keystore.Host(e.BaseURL))
		} else {
			fmt.Fprintf(f.IO.Out, "Deleted instance %s on %s.\n", e.ID, keystore.Host(e.BaseURL))
		}
	}
	if err := s.Store.Remove(e); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Forgot %q (its token is removed from the %s).\n", e.Name, e.Storage)
	return nil
}
