package cli

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/cli/iostreams"
	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/callback"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/flow/secret"
	"github.com/connectwiz/connectwiz/keystore"
)

// CreateOptions are the flags of create (and of the root command).
type CreateOptions struct {
	IO  *iostreams.IOStreams
	Ctx context.Context

	Flags                             flow.Credentials // base URL, key, client id, callback URL
	Name                              string
	Tags, Config                      []string
	Timeout                           time.Duration
	NoInput, NoBrowser, JSON, Sandbox bool
	Replace, Insecure, Remember       bool
	Accessible                        bool
	Code                              string
}

func newCmdCreate(f *Factory, runF func(*CreateOptions) error) *cobra.Command {
	o := &CreateOptions{IO: f.IO}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Provision a connector instance (the default command)",
		Example: `  connectwiz --sandbox                         # try it on the embedded sandbox
  CONNECTWIZ_USER_SECRET=… CONNECTWIZ_ORG_SECRET=… CONNECTWIZ_CLIENT_SECRET=… \
    connectwiz create --no-input --client-id ID --name my-drive --tag prod`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			o.Ctx = cmd.Context()
			if runF != nil {
				return runF(o)
			}
			return runCreate(f, o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.Flags.BaseURL, "base-url", "", "platform API root (env CONNECTWIZ_BASE_URL; default "+platform.DefaultBaseURL+")")
	fl.StringVar(&o.Flags.Connector, "key", "", "connector key (env CONNECTWIZ_KEY; default "+platform.DefaultConnector+")")
	_ = cmd.RegisterFlagCompletionFunc("key", completeConnectors(f))
	fl.StringVar(&o.Flags.ClientID, "client-id", "", "OAuth client id registered with the provider (env CONNECTWIZ_CLIENT_ID)")
	fl.StringVar(&o.Flags.CallbackURL, "callback-url", "", "OAuth callback URL registered with the provider (env CONNECTWIZ_CALLBACK_URL; default "+platform.DefaultCallbackURL+")")
	fl.StringVar(&o.Name, "name", "", "instance name (default <connector>-<user>-<yyyymmdd>)")
	fl.StringArrayVar(&o.Tags, "tag", nil, "instance tag (repeatable, or comma-separated)")
	fl.StringArrayVar(&o.Config, "config", nil, "extra configuration entry `KEY=VALUE` (repeatable)")
	fl.DurationVar(&o.Timeout, "timeout", callback.DefaultWait, "how long to wait for the browser to come back")
	fl.BoolVar(&o.NoInput, "no-input", false, "never prompt: run headless from flags and environment")
	fl.BoolVar(&o.NoBrowser, "no-browser", false, "do not open a browser; print the URL only")
	fl.StringVar(&o.Code, "code", "", "skip the browser: use this authorization `CODE` or redirect URL (- reads it from stdin, which keeps it out of ps)")
	fl.BoolVar(&o.JSON, "json", false, "print the created instance as JSON (never its token)")
	fl.BoolVar(&o.Sandbox, "sandbox", false, "run against an in-process sandbox platform, credentials prefilled")
	fl.BoolVar(&o.Replace, "replace", false, "replace a local instance of the same name")
	fl.BoolVar(&o.Insecure, "insecure-storage", false, "store the token in a 0600 file instead of the keychain")
	fl.BoolVar(&o.Remember, "remember", false, "remember the secrets in the keychain (never in a file) for the next run")
	fl.BoolVar(&o.Accessible, "accessible", f.Env.Accessible, "plain line prompts instead of the full-screen wizard, for screen readers (env ACCESSIBLE; always where the terminal cannot move its cursor, as TERM=dumb)")
	return cmd
}

// runCreate gathers the inputs and runs the wizard, the accessible prompts
// or the headless create.
func runCreate(f *Factory, o *CreateOptions) error {
	if o.Timeout <= 0 {
		return usagef("--timeout %s: give a positive duration such as 5m", o.Timeout)
	}
	extra, err := flow.ParseConfig(o.Config...)
	if err != nil {
		return usagef("--config %v", err)
	}
	var sb *sandbox.Running
	if o.Sandbox {
		if sb, err = sandbox.Start("127.0.0.1:0", sandbox.Options{}); err != nil {
			return err
		}
		defer func() { _ = sb.Close() }()
	}
	s, err := f.Session(sb)
	if err != nil {
		return err
	}
	s.NoBrowser = o.NoBrowser
	s.OneOff = o.Flags // a one-off flag does not become the next run's default
	// The last run's answers prefill the interactive runs only: a script
	// gets what its flags and environment say, or the defaults.
	prompts := !o.NoInput && o.Code == "" // else headless by request
	interactive := prompts && o.IO.CanPrompt()
	var last flow.Credentials
	if interactive {
		last = s.SavedAnswers()
	}
	creds := f.Env.Credentials(o.Flags, last)
	if sb != nil {
		creds = sb.Credentials(o.Flags.CallbackURL)
	}
	if creds.BaseURL, err = platform.NormalizeBaseURL(creds.BaseURL); err != nil {
		return usagef("%v", err)
	}
	if err := flow.CheckCallbackURL(creds.CallbackURL); err != nil {
		return usagef("%v", err)
	}
	if o.Name != "" {
		if err := flow.ValidName(o.Name); err != nil {
			return usagef("--name %q: %v", o.Name, err)
		}
	}
	if err := flow.ValidTags(o.Tags...); err != nil {
		return usagef("--tag: %v", err)
	}
	in := createInput{creds: creds, extra: extra, name: o.Name, tags: flow.ParseTags(o.Tags...)}
	if prompts {
		if interactive {
			if o.Accessible || iostreams.NoCursorAddressing(f.Env.Term) {
				return runAccessible(f, s, o, in)
			}
			return runWizard(f, s, o, in)
		}
		fmt.Fprintf(o.IO.ErrOut, "Not a terminal (%s): running headless, as with --no-input, from flags and the environment.\n", notTerminal(o.IO))
	}
	code, err := readCode(o.Code, o.IO.In)
	if err != nil {
		return err
	}
	if in.creds.ClientID != "" { // else the run stops at missing input: no keychain probe
		s.FillRemembered(&in.creds)
	}
	if err := missingInput(in.creds); err != nil {
		return err
	}
	return runHeadless(f, s, o, flow.HeadlessOptions{
		Creds: in.creds, Name: in.nameOr(s),
		Tags: in.tags, Extra: in.extra, Code: code,
	})
}

// createInput is what a create starts from before any prompt.
type createInput struct {
	creds flow.Credentials
	extra map[string]string
	name  string
	tags  []string
}

// nameOr is the name given, or else the one the session offers; that one
// is not looked up when a name is given (it reads the user database and
// the index).
func (in createInput) nameOr(s *flow.Session) string {
	if in.name != "" {
		return in.name
	}
	return s.DefaultName(in.creds)
}

// notTerminal names the standard stream that is not a terminal.
func notTerminal(ios *iostreams.IOStreams) string {
	switch {
	case !ios.IsStdinTTY() && !ios.IsStdoutTTY():
		return "stdin and stdout"
	case !ios.IsStdinTTY():
		return "stdin"
	}
	return "stdout"
}

// readCode is the --code value: a code, or a redirect URL carrying one
// (read as the paste box reads it), from the flag or, for "-", stdin.
func readCode(flag string, in io.Reader) (secret.Secret, error) {
	if flag == "" {
		return "", nil
	}
	text := flag
	if flag == "-" {
		b, err := io.ReadAll(io.LimitReader(in, 8192))
		if err != nil {
			return "", fmt.Errorf("reading the code from stdin: %w", err)
		}
		if strings.TrimSpace(string(b)) == "" {
			return "", usagef("no code on stdin: --code - reads the code (or the redirect URL) from stdin")
		}
		text = string(b)
	}
	p, err := callback.ParsePasted(text, "")
	if err != nil {
		return "", usagef("--code: %v", err)
	}
	return p.Code, nil
}

// reportCreated reports a created instance: warnings on stderr, the
// instance on stdout (JSON with --json).
func reportCreated(f *Factory, o *CreateOptions, c flow.Created, note string) error {
	ios := f.IO
	if c.Saved.Warning != "" {
		fmt.Fprintf(ios.ErrOut, "Warning: %s.\n", c.Saved.Warning)
	}
	switch {
	case c.RememberErr != nil:
		fmt.Fprintf(ios.ErrOut, "Warning: the secrets were not remembered: %v.\n", c.RememberErr)
	case c.Remembered:
		fmt.Fprintf(ios.ErrOut, "The secrets for %s are remembered in the keychain.\n", c.Saved.Entry.BaseURL)
	}
	if note != "" {
		fmt.Fprintln(ios.ErrOut, note)
	}
	rep := c.Report(tokenCommand(f, o.Sandbox))
	if rep.Renamed != "" {
		fmt.Fprintln(ios.ErrOut, rep.Renamed)
	}
	if r := c.Saved.Replaced; r != nil {
		fmt.Fprintf(ios.ErrOut, "Replaced the local entry %q of instance %s, which still exists on %s: its local token is removed. Delete it on the platform if it is no longer used:\n  %s\n",
			r.Name, r.ID, keystore.Host(r.BaseURL), platform.DeleteCurl(r.BaseURL, r.ID))
	}
	if o.Ctx.Err() != nil {
		fmt.Fprintln(ios.ErrOut, "Interrupted, but the instance was created and its token stored first.")
	}
	if o.JSON {
		return writeJSON(ios.Out, c.Saved.Entry)
	}
	fmt.Fprintln(ios.Out, rep.Title)
	for _, row := range rep.Rows {
		v := row.Value
		if row.Label == "Token" && rep.Warning != "" {
			v += " (see the warning above)"
		}
		fmt.Fprintf(ios.Out, "  %-11s%s\n", strings.ToLower(row.Label)+":", v)
	}
	fmt.Fprintf(ios.Out, "%s %s\n", rep.TokenHint, rep.TokenCommand)
	return nil
}

// tokenCommand is the command that prints a token, as the user started
// connectwiz: "connectwiz token", "go run . token --sandbox"…; the name
// follows.
func tokenCommand(f *Factory, sandbox bool) string {
	cmd := cmp.Or(f.Program, "connectwiz") + " token"
	if sandbox {
		cmd += " --sandbox"
	}
	return cmd
}

// missingInput names every missing value and how to give it.
func missingInput(c flow.Credentials) error {
	var miss []string
	for _, field := range c.Missing() {
		switch field {
		case flow.FieldUserSecret:
			miss = append(miss, "the User secret (env CONNECTWIZ_USER_SECRET)")
		case flow.FieldOrgSecret:
			miss = append(miss, "the Organization secret (env CONNECTWIZ_ORG_SECRET)")
		case flow.FieldClientID:
			miss = append(miss, "the OAuth client id (--client-id or env CONNECTWIZ_CLIENT_ID)")
		case flow.FieldClientSecret:
			miss = append(miss, "the OAuth client secret (env CONNECTWIZ_CLIENT_SECRET)")
		default:
		}
	}
	if len(miss) > 0 {
		return usagef("missing input:\n  - %s\nsecrets are read from the environment, never from flags (try --sandbox to use the embedded sandbox)", strings.Join(miss, "\n  - "))
	}
	return nil
}
