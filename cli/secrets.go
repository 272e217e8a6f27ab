package cli

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/keystore"
)

// SecretsForgetOptions are the flags of secrets forget.
type SecretsForgetOptions struct {
	BaseURL string
}

func newCmdSecrets(f *Factory) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "secrets",
		Short: "Manage the secrets remembered with --remember",
		Long: `create --remember keeps a platform's User and Organization secrets and the
OAuth client secret in the OS keychain (never in a file), under the
platform's full URL. 'secrets forget' removes them. The keychain cannot
list them, so there is no 'secrets list'.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.AddCommand(newCmdSecretsForget(f, nil))
	return cmd
}

func newCmdSecretsForget(f *Factory, runF func(*SecretsForgetOptions) error) *cobra.Command {
	o := &SecretsForgetOptions{}
	cmd := &cobra.Command{
		Use:   "forget",
		Short: "Remove the secrets remembered for a platform from the keychain",
		Long: `Remove the secrets remembered for a platform (with create --remember) from
the keychain. The platform is --base-url, else CONNECTWIZ_BASE_URL, else the
one of the last run, else the default; the instances and their tokens are
not touched.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			if runF != nil {
				return runF(o)
			}
			return runSecretsForget(f, o)
		},
	}
	cmd.Flags().StringVar(&o.BaseURL, "base-url", "", "the platform whose secrets to forget (env CONNECTWIZ_BASE_URL)")
	return cmd
}

func runSecretsForget(f *Factory, o *SecretsForgetOptions) error {
	s, err := f.Session(nil)
	if err != nil {
		return err
	}
	base, err := platform.NormalizeBaseURL(f.Env.Credentials(flow.Credentials{BaseURL: o.BaseURL}, s.SavedAnswers()).BaseURL)
	if err != nil {
		return usagef("%v", err)
	}
	st := s.Store
	if st.Keychain == nil {
		fmt.Fprintf(f.IO.Out, "Nothing to forget for %s: this store has no keychain, and secrets are never remembered in a file.\n", base)
		return nil
	}
	if st.Keychain.Off != nil {
		return fmt.Errorf("nothing was removed: the secrets remembered for %s (if any) are in the keychain, which cannot be asked here: %w; run this where the keychain answers ('connectwiz doctor' says how)", base, st.Keychain.Off)
	}
	_, probeErr := st.Remembered(base)
	if errors.Is(probeErr, keystore.ErrNotFound) {
		fmt.Fprintf(f.IO.Out, "No secrets were remembered for %s; nothing was removed.\n", base)
		if others := otherPlatforms(st, base); others != "" {
			fmt.Fprintf(f.IO.ErrOut, "Your instances are on %s: pass one with --base-url to forget its secrets.\n", others)
		}
		return nil
	}
	// Found, damaged, or the short probe timed out: delete with the full
	// timeout (a missing entry is not an error).
	if err := st.ForgetCredentials(base); err != nil {
		return fmt.Errorf("removing the secrets remembered for %s: %w; nothing was removed (see 'connectwiz doctor')", base, err)
	}
	if probeErr != nil {
		fmt.Fprintf(f.IO.Out, "Removed the secrets remembered for %s from the keychain, if there were any (the first look-up failed: %v).\n", base, probeErr)
		return nil
	}
	fmt.Fprintf(f.IO.Out, "Removed the secrets remembered for %s (User, Organization and OAuth client secrets) from the keychain. The next create asks for them again.\n", base)
	return nil
}

// otherPlatforms lists the platforms of the index other than base.
func otherPlatforms(st *keystore.Store, base string) string {
	entries, err := st.Entries()
	if err != nil {
		return ""
	}
	seen := map[string]bool{}
	var out []string
	for _, e := range entries {
		if b := strings.TrimRight(e.BaseURL, "/"); !keystore.SamePlatform(b, base) && !seen[keystore.PlatformKey(b)] {
			seen[keystore.PlatformKey(b)] = true
			out = append(out, b)
		}
	}
	return strings.Join(out, ", ")
}
