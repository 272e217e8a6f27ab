package cli

import (
	"cmp"
	"context"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

// RecoverOptions are the flags of recover.
type RecoverOptions struct {
	Ctx     context.Context
	BaseURL string
	Discard bool
	// Adopt is the id of the instance chosen among a pending create's
	// candidates.
	Adopt string
}

func newCmdRecover(f *Factory, runF func(*RecoverOptions) error) *cobra.Command {
	o := &RecoverOptions{}
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "Store the tokens of creates whose answer was lost (never creates anything)",
		Long: `Before every create, connectwiz writes a pending record (no secrets). If the
answer never arrives (dropped connection, timeout, crash), the instance may
exist. recover looks each pending instance up on the platform (same
connector, an id not known here, created after the create started; the
exact name first, then a name the platform trimmed or suffixed), stores its
token as the create asked (keychain or file, remembered secrets, replace)
and clears the record; if no such instance exists it says so and clears
the record. When several instances may each be the create's, it lists them
and keeps the record: choose one with --adopt ID.
Secrets come from the environment, or from the keychain if remembered.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return runRecover(f, o)
		},
	}
	cmd.Flags().StringVar(&o.BaseURL, "base-url", "", "the platform whose secrets the environment holds (env CONNECTWIZ_BASE_URL)")
	cmd.Flags().BoolVar(&o.Discard, "discard", false, "clear the pending records that cannot be settled")
	cmd.Flags().StringVar(&o.Adopt, "adopt", "", "settle the pending create that lists instance `ID` among its candidates with that instance")
	return cmd
}

func runRecover(f *Factory, o *RecoverOptions) error {
	s, err := f.Session(nil)
	if err != nil {
		return err
	}
	pending, err := s.Store.PendingCreates()
	if err != nil {
		return err
	}
	if len(pending) == 0 {
		fmt.Fprintln(f.IO.Out, "Nothing to recover: no pending creates.")
		return nil
	}
	base, err := platform.NormalizeBaseURL(cmp.Or(o.BaseURL, f.Env.BaseURL, onePlatform(baseURLs(pending, func(p keystore.Pending) string { return p.BaseURL })), platform.DefaultBaseURL))
	if err != nil {
		return usagef("%v", err)
	}
	creds := f.Env.PlatformSecrets(base)
	s.FillRemembered(&creds)
	if o.Adopt != "" {
		r, err := s.AdoptCandidate(o.Ctx, creds, platform.ID(o.Adopt))
		if err != nil {
			return err
		}
		reportRecovered(f, r)
	}
	left := recoverPending(o.Ctx, f, s, creds, true)
	if len(left) == 0 {
		fmt.Fprintln(f.IO.Out, "All pending creates are settled.")
		return nil
	}
	if o.Discard {
		for _, p := range left {
			if err := s.Store.Clear(p); err != nil {
				return err
			}
		}
		fmt.Fprintf(f.IO.Out, "Discarded %d pending record(s) that could not be settled.\n", len(left))
		return nil
	}
	return fmt.Errorf("%d pending create(s) could not be settled (see above); fix that and run 'connectwiz recover' again, or drop them with --discard", len(left))
}

// recoverPending settles the pending creates of creds' platform — of every
// platform with all set — reports on stderr, and returns the records left
// unsettled.
func recoverPending(ctx context.Context, f *Factory, s *flow.Session, creds flow.Credentials, all bool) []keystore.Pending {
	rep, err := s.RecoverPending(ctx, creds, all)
	if err != nil {
		fmt.Fprintf(f.IO.ErrOut, "Warning: %v\n", err)
		return nil
	}
	for _, r := range rep.Settled {
		reportRecovered(f, r)
	}
	for _, r := range rep.Ambiguous {
		fmt.Fprintf(f.IO.ErrOut, "Pending create: %s: choose the one that is yours with 'connectwiz recover --adopt ID'.\n", r)
	}
	for _, p := range rep.Problems {
		switch {
		case p.OtherPlatform:
			fmt.Fprintf(f.IO.ErrOut, "%s (CONNECTWIZ_USER_SECRET and CONNECTWIZ_ORG_SECRET are used for %s): run 'connectwiz recover --base-url %s' with that platform's secrets.\n", capitalize(p.String()), creds.Host(), p.BaseURL)
		case p.NoSecrets:
			fmt.Fprintf(f.IO.ErrOut, "%s: set CONNECTWIZ_USER_SECRET and CONNECTWIZ_ORG_SECRET for that platform and run 'connectwiz recover --base-url %s'.\n", capitalize(p.String()), p.BaseURL)
		default:
			fmt.Fprintf(f.IO.ErrOut, "%s\n", capitalize(p.String()))
		}
	}
	if !all && len(rep.Left) > 0 {
		fmt.Fprintf(f.IO.ErrOut, "%d pending create(s) not settled: run 'connectwiz recover'.\n", len(rep.Left))
	}
	return rep.Left
}

// reportRecovered says what settling one pending create did.
func reportRecovered(f *Factory, r flow.Recovered) {
	fmt.Fprintf(f.IO.ErrOut, "Pending create: %s.\n", r)
	if r.Saved.Warning != "" {
		fmt.Fprintf(f.IO.ErrOut, "Warning: %s.\n", r.Saved.Warning)
	}
	switch {
	case r.Remembered:
		fmt.Fprintln(f.IO.ErrOut, "The secrets are remembered in the keychain, as that create asked.")
	case r.RememberErr != nil:
		fmt.Fprintf(f.IO.ErrOut, "Warning: that create asked to remember the secrets, but %v.\n", r.RememberErr)
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// onePlatform is the platform of every base URL when they are all on one
// (whose secrets the environment then holds); "" otherwise.
func onePlatform(bases []string) string {
	for _, b := range bases {
		if !keystore.SamePlatform(b, bases[0]) {
			return ""
		}
	}
	if len(bases) == 0 {
		return ""
	}
	return bases[0]
}

// baseURLs are the base URLs of xs.
func baseURLs[T any](xs []T, of func(T) string) []string {
	bases := make([]string, len(xs))
	for i, x := range xs {
		bases[i] = of(x)
	}
	return bases
}
