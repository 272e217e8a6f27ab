package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/cli/iostreams"
	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/flow/termsafe"
	"github.com/connectwiz/connectwiz/keystore"
)

// StatusOptions are the arguments of status.
type StatusOptions struct {
	Ctx     context.Context
	Names   []string
	BaseURL string
	Sandbox bool
	JSON    bool
}

func newCmdStatus(f *Factory, runF func(*StatusOptions) error) *cobra.Command {
	o := &StatusOptions{}
	cmd := &cobra.Command{
		Use:   "status [NAME…]",
		Short: "Ask the platform about the instances provisioned here (all, or those named)",
		Long: `Ask each instance's platform about it (GET /instances/{id}): is it still
there, valid and enabled, under which name, and is the token kept here still
the platform's (compared, never shown). The secrets are the environment's
(CONNECTWIZ_USER_SECRET, CONNECTWIZ_ORG_SECRET) for the platform of
--base-url, CONNECTWIZ_BASE_URL or the one platform of the index, and
those remembered in the keychain for any other; the instances of a
platform without secrets are reported "not checked". On a terminal a
table fits the terminal's width; piped, each instance is one
tab-separated line without a header. Exit status 1 when anything is
wrong or could not be checked.`,
		Args:              usageArgs(cobra.ArbitraryArgs),
		ValidArgsFunction: completeNames(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.Ctx, o.Names = cmd.Context(), args
			if runF != nil {
				return runF(o)
			}
			return runStatus(f, o)
		},
	}
	cmd.Flags().StringVar(&o.BaseURL, "base-url", "", "only the instances on this platform (and the one the environment's secrets are for)")
	cmd.Flags().BoolVar(&o.Sandbox, "sandbox", false, "the instances made with --sandbox (kept apart from the real ones)")
	cmd.Flags().BoolVar(&o.JSON, "json", false, "print a JSON array (see README: JSON)")
	return cmd
}

func runStatus(f *Factory, o *StatusOptions) error {
	s, err := f.Session(nil)
	if err != nil {
		return err
	}
	if o.Sandbox {
		if s.Store, err = f.StoreFor(true); err != nil {
			return err
		}
		s.Sandbox = true
	}
	if o.BaseURL != "" {
		if o.BaseURL, err = platform.NormalizeBaseURL(o.BaseURL); err != nil {
			return usagef("%v", err)
		}
	}
	entries, err := s.Store.Entries()
	if err != nil {
		return err
	}
	if entries, err = chosen(entries, o.Names, o.BaseURL); err != nil {
		return err
	}
	bases := baseURLs(entries, func(e keystore.Entry) string { return e.BaseURL })
	given := f.Env.PlatformSecrets(cmp.Or(o.BaseURL, f.Env.BaseURL, onePlatform(bases)))
	secretsFor := s.SecretsFor(given)
	if o.Sandbox {
		secretsFor = sandboxSecrets(secretsFor)
	}
	rs := s.Status(o.Ctx, entries, secretsFor)
	if err := o.Ctx.Err(); err != nil {
		return err // interrupted: what was asked is not worth showing
	}
	if err := writeStatus(f, o, rs); err != nil {
		return err
	}
	bad := 0
	for _, r := range rs {
		if !r.OK() {
			bad++
		}
	}
	if bad > 0 {
		return fmt.Errorf("%d of %d %s %s not well (see above)", bad, len(rs), plural(len(rs), "instance", "instances"), plural(bad, "is", "are"))
	}
	return nil
}

// sandboxSecrets gives the sandbox's public secrets to the platforms the
// rule finds none for: the sandbox's store holds sandbox runs only.
func sandboxSecrets(rule func(string) flow.Credentials) func(string) flow.Credentials {
	return func(base string) flow.Credentials {
		c := rule(base)
		if !c.HasPlatformSecrets() {
			c.UserSecret, c.OrgSecret = secret.Secret(sandbox.DefaultUserSecret), secret.Secret(sandbox.DefaultOrgSecret)
		}
		return c
	}
}

// chosen narrows the index to the instances named (all when none is) on
// baseURL's platform (any when empty); a name it does not have is a usage
// error.
func chosen(entries []keystore.Entry, names []string, baseURL string) ([]keystore.Entry, error) {
	var out []keystore.Entry
	for _, e := range entries {
		if baseURL == "" || keystore.SamePlatform(e.BaseURL, baseURL) {
			out = append(out, e)
		}
	}
	if len(names) == 0 {
		return out, nil
	}
	var named []keystore.Entry
	for _, n := range names {
		found := false
		for _, e := range out {
			if e.Name == n {
				named, found = append(named, e), true
			}
		}
		switch {
		case !found && baseURL != "":
			return nil, usagef("no instance %q on %s in the local index (see 'connectwiz list')", termsafe.Sanitize(n, 200), keystore.Host(baseURL))
		case !found:
			return nil, usagef("no instance %q in the local index (see 'connectwiz list')", termsafe.Sanitize(n, 200))
		}
	}
	return named, nil
}

// statusJSON is one element of status --json (see README: JSON).
type statusJSON struct {
	Name         string   `json:"name"`
	ID           string   `json:"id"`
	BaseURL      string   `json:"baseUrl"`
	Platform     string   `json:"platform"`
	Valid        *bool    `json:"valid"`
	Disabled     *bool    `json:"disabled"`
	PlatformName string   `json:"platformName,omitempty"`
	Token        string   `json:"token"`
	OK           bool     `json:"ok"`
	Problems     []string `json:"problems"`
}

func writeStatus(f *Factory, o *StatusOptions, rs []flow.InstanceStatus) error {
	out := f.IO.Out
	switch {
	case o.JSON:
		js := make([]statusJSON, 0, len(rs))
		for _, r := range rs {
			safe := func(v string) string { return termsafe.Sanitize(v, 200) }
			js = append(js, statusJSON{
				Name: safe(r.Entry.Name), ID: safe(r.Entry.ID), BaseURL: safe(r.Entry.BaseURL),
				Platform: string(r.Presence), Valid: r.Valid, Disabled: r.Disabled, PlatformName: r.PlatformName,
				Token: string(r.Token), OK: r.OK(), Problems: problems(r),
			})
		}
		return writeJSON(out, js)
	case len(rs) == 0 && f.IO.IsStdoutTTY():
		_, err := fmt.Fprintln(out, "No instances to check. Create one with: connectwiz")
		return err
	case f.IO.IsStdoutTTY():
		return writeStatusTable(out, rs, f.IO.TerminalWidth())
	}
	for _, r := range rs {
		if _, err := fmt.Fprintln(out, strings.Join(append(statusRow(r), strings.Join(problems(r), "; ")), "\t")); err != nil {
			return err
		}
	}
	return nil
}

// problems are r's problems, made safe for a terminal (the platform's
// words in them are already; an index of an earlier version may not be).
func problems(r flow.InstanceStatus) []string {
	ps := r.Problems()
	for i, p := range ps {
		ps[i] = termsafe.Sanitize(p, 1000)
	}
	return append([]string{}, ps...)
}

// statusRow is an instance's columns: name, id, platform, what the
// platform said, valid, disabled, the name there, the token.
func statusRow(r flow.InstanceStatus) []string {
	row := listRow(r.Entry)
	yesNo := func(b *bool) string {
		switch {
		case b == nil:
			return "?"
		case *b:
			return "yes"
		}
		return "no"
	}
	return []string{row[0], row[1], row[3], string(r.Presence), yesNo(r.Valid), yesNo(r.Disabled), r.PlatformName, string(r.Token)}
}

// writeStatusTable writes the table, then a line for each instance that is
// not well saying why.
func writeStatusTable(w io.Writer, rs []flow.InstanceStatus, width int) error {
	rows := [][]string{{"NAME", "ID", "PLATFORM", "STATE", "VALID", "DISABLED", "NAME THERE", "TOKEN"}}
	for _, r := range rs {
		rows = append(rows, statusRow(r))
	}
	// Cut the name there, the platform, the id, and the name last.
	if err := iostreams.WriteColumns(w, rows, width, []int{6, 2, 1, 0}); err != nil {
		return err
	}
	var b strings.Builder
	for _, r := range rs {
		if ps := problems(r); len(ps) > 0 {
			fmt.Fprintf(&b, "✗ %s (%s): %s\n", termsafe.Sanitize(r.Entry.Name, 200), keystore.Host(r.Entry.BaseURL), strings.Join(ps, "; "))
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}
