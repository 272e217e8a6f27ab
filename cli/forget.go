package cli

import (
	"bufio"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

// ForgetOptions are the arguments and flags of forget.
type ForgetOptions struct {
	Ctx     context.Context
	Name    string
	BaseURL string
	Remote  bool
	Yes     bool
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
	cmd.Flags().BoolVar(&o.Remote, "remote", false, "first delete the instance on the platform (asks first on a terminal)")
	cmd.Flags().BoolVar(&o.Yes, "yes", false, "with --remote: delete without asking")
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
	raw, err := s.Store.Find(o.Name, o.BaseURL)
	if err != nil {
		return err
	}
	// e is what is printed: an earlier version's index may hold raw
	// platform strings; raw is what the platform and the store are asked.
	e := displayEntry(raw)
	if o.Remote {
		creds := f.Env.PlatformSecrets(raw.BaseURL)
		s.FillRemembered(&creds)
		if !creds.HasPlatformSecrets() {
			return usagef("--remote needs the platform's secrets: set CONNECTWIZ_USER_SECRET and CONNECTWIZ_ORG_SECRET")
		}
		if !o.Yes {
			if !f.IO.CanPrompt() {
				return usagef("forget --remote deletes instance %s on %s for good: pass --yes to confirm (no terminal to ask on); nothing was deleted", e.ID, keystore.Host(e.BaseURL))
			}
			fmt.Fprintf(f.IO.ErrOut, "Delete instance %q (id %s) on %s? This cannot be undone. [y/N] ", e.Name, e.ID, keystore.Host(e.BaseURL))
			line, _ := bufio.NewReader(f.IO.In).ReadString('\n')
			if a := strings.ToLower(strings.TrimSpace(line)); a != "y" && a != "yes" {
				fmt.Fprintln(f.IO.ErrOut, "Nothing was deleted.")
				return nil
			}
		}
		if err := s.Client(creds).DeleteInstance(o.Ctx, platform.ID(raw.ID)); err != nil {
			if ae, ok := platform.AsAPIError(err); !ok || ae.Status != 404 {
				return fmt.Errorf("%w; the local entry is kept", err)
			}
			fmt.Fprintf(f.IO.ErrOut, "Instance %s no longer exists on %s.\n", e.ID, keystore.Host(e.BaseURL))
		} else {
			fmt.Fprintf(f.IO.Out, "Deleted instance %s on %s.\n", e.ID, keystore.Host(e.BaseURL))
		}
	}
	if err := s.Store.Remove(raw); err != nil {
		return err
	}
	fmt.Fprintf(f.IO.Out, "Forgot %q (its token is removed from the %s).\n", e.Name, e.Storage)
	if !o.Remote {
		fmt.Fprintf(f.IO.ErrOut, "Instance %s still exists on %s. To delete it there too (the local entry is gone, so forget --remote no longer can):\n  %s\n", e.ID, keystore.Host(e.BaseURL), platform.DeleteCurl(e.BaseURL, e.ID))
	}
	return nil
}
