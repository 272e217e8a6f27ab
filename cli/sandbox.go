package cli

import (
	"context"
	"errors"
	"fmt"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow/sandbox"
)

// SandboxOptions are the flags of sandbox.
type SandboxOptions struct {
	Ctx     context.Context
	Addr    string
	Options sandbox.Options
}

func newCmdSandbox(f *Factory, runF func(*SandboxOptions) error) *cobra.Command {
	o := &SandboxOptions{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the sandbox platform and OAuth provider on a loopback port",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return runSandbox(f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Addr, "addr", sandbox.DefaultAddr, "loopback address to serve on")
	fl.BoolVar(&o.Options.AllowRemote, "allow-remote", false, "allow a non-loopback --addr (the sandbox's secrets are public)")
	fl.StringVar(&o.Options.UserSecret, "user-secret", sandbox.DefaultUserSecret, "the User secret it accepts")
	fl.StringVar(&o.Options.OrgSecret, "org-secret", sandbox.DefaultOrgSecret, "the Organization secret it accepts")
	fl.StringVar(&o.Options.ClientID, "client-id", sandbox.DefaultClientID, "the OAuth client id it accepts")
	fl.StringVar(&o.Options.ClientSecret, "client-secret", sandbox.DefaultClientSecret, "the OAuth client secret it accepts")
	fl.StringArrayVar(&o.Options.RequireConfig, "require-config", nil, "a configuration `KEY` every create must carry (repeatable)")
	fl.DurationVar(&o.Options.CreateDelay, "create-delay", 0, "delay every create before the instance is made")
	fl.DurationVar(&o.Options.AnswerDelay, "answer-delay", 0, "delay every create's answer after the instance is made")
	fl.IntVar(&o.Options.FailCreate, "fail-create", 0, "the first `N` creates answer --fail-status and create nothing")
	fl.IntVar(&o.Options.FailStatus, "fail-status", 502, "the `STATUS` of --fail-create")
	fl.IntVar(&o.Options.LoseCreates, "lose-create", 0, "the first `N` creates make the instance, then answer --lose-status with a gateway's page")
	fl.IntVar(&o.Options.LoseStatus, "lose-status", 504, "the `STATUS` of --lose-create")
	fl.BoolVar(&o.Options.DropCreate, "drop-create", false, "create the instance, then drop the connection unanswered")
	fl.BoolVar(&o.Options.Rename, "rename", false, "store each instance under its name suffixed with \" (N)\"")
	fl.BoolVar(&o.Options.FormPost, "form-post", false, "answer the consent with a form posted to the callback (response_mode=form_post)")
	fl.IntVar(&o.Options.FailListsAfterCreate, "fail-lists-after-create", 0, "the `N` listings after each create answer 500")
	cmd.AddCommand(newCmdConsent(f))
	return cmd
}

func runSandbox(f *Factory, o *SandboxOptions) error {
	sb, err := sandbox.Start(o.Addr, o.Options)
	if errors.Is(err, syscall.EADDRINUSE) {
		return fmt.Errorf("%w; another sandbox (or program) serves on %s: stop it, or give --addr 127.0.0.1:0 for a free port", err, o.Addr)
	}
	if err != nil {
		return err
	}
	defer func() { _ = sb.Close() }()
	so := sb.Options()
	fmt.Fprintf(f.IO.Out, `Sandbox platform serving at %s
Its credentials (public, for testing only):
  export CONNECTWIZ_BASE_URL=%s
  export CONNECTWIZ_USER_SECRET=%s
  export CONNECTWIZ_ORG_SECRET=%s
  export CONNECTWIZ_CLIENT_ID=%s
  export CONNECTWIZ_CLIENT_SECRET=%s
Then run connectwiz in another terminal. ctrl+c stops the sandbox.
`, sb.BaseURL, sb.BaseURL, so.UserSecret, so.OrgSecret, so.ClientID, so.ClientSecret)
	<-o.Ctx.Done()
	return nil
}

// newCmdConsent plays the user at the sandbox's consent page: a BROWSER
// for scripts and tests.
func newCmdConsent(f *Factory) *cobra.Command {
	var deny, printRedirect bool
	cmd := &cobra.Command{
		Use:    "consent URL",
		Short:  "Play the user at the sandbox consent page (a BROWSER for scripts and tests)",
		Hidden: true,
		Args:   usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			if printRedirect {
				u, err := sandbox.ConsentRedirect(cmd.Context(), args[0], !deny)
				if err == nil {
					fmt.Fprintln(f.IO.Out, u)
				}
				return err
			}
			return sandbox.Consent(cmd.Context(), args[0], !deny)
		},
	}
	cmd.Flags().BoolVar(&deny, "deny", false, "press Deny instead of Approve")
	cmd.Flags().BoolVar(&printRedirect, "print-redirect", false, "do not follow the redirect: print the URL it leads to")
	return cmd
}
