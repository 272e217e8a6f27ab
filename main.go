// Command connectwiz provisions a connector instance on the unified-API
// platform and keeps its token in the OS keychain.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	osc52 "github.com/aymanbagabas/go-osc52/v2"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/term"
	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/sandbox"
	"github.com/connectwiz/connectwiz/keystore"
	"github.com/connectwiz/connectwiz/ui"
)

// Stamped at release time with -ldflags "-X main.version=… -X main.commit=… -X main.date=…".
var (
	version = ""
	commit  = ""
	date    = ""
)

// Exit codes.
const (
	exitOK          = 0
	exitError       = 1
	exitUsage       = 2
	exitInterrupted = 130
)

// usageError is a mistake in the command line or missing input: exit 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return usageError{fmt.Sprintf(format, args...)} }

// usageArgs makes a cobra argument check's error a usage error.
func usageArgs(check cobra.PositionalArgs) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if err := check(cmd, args); err != nil {
			return usagef("%v (see '%s --help')", err, cmd.CommandPath())
		}
		return nil
	}
}

// errInterrupted is returned when a signal stopped the run.
var errInterrupted = errors.New("interrupted")

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// app holds what every command shares.
type app struct {
	stdin          io.Reader
	stdout, stderr io.Writer
	debugPath      string
	log            *slog.Logger
	logFile        *os.File
}

func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	a := &app{stdin: stdin, stdout: stdout, stderr: stderr}
	defer a.closeLog()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	root := a.rootCmd()
	root.SetArgs(args)
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errInterrupted) || ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintln(stderr, "connectwiz: interrupted; nothing was created")
		return exitInterrupted
	}
	fmt.Fprintf(stderr, "connectwiz: %v\n", err)
	var ue usageError
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		return exitUsage
	}
	return exitError
}

// buildInfo is the version, commit and date: stamped at release time, else
// what `go install` recorded, else placeholders.
func buildInfo() (v, c, d string) {
	v, c, d = version, commit, date
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch {
			case s.Key == "vcs.revision" && c == "":
				c = s.Value
			case s.Key == "vcs.time" && d == "":
				d = s.Value
			}
		}
	}
	return orDefault(v, "dev"), orDefault(c, "unknown"), orDefault(d, "unknown")
}

func versionString() string {
	v, c, d := buildInfo()
	return fmt.Sprintf("%s (commit %s, built %s)", v, c, d)
}

func shortVersion() string {
	v, _, _ := buildInfo()
	return v
}

func (a *app) rootCmd() *cobra.Command {
	create := a.createCmd()
	root := &cobra.Command{
		Use:   "connectwiz",
		Short: "Provision a connector instance and keep its token in the OS keychain",
		Long: `connectwiz provisions a connector instance (OneDrive for Business by default)
on the unified-API platform: it gets the OAuth URL, opens the browser, receives
the callback on a loopback listener, creates the instance and stores its token
in the OS keychain. Without arguments it runs 'connectwiz create'.`,
		Version:       versionString(),
		SilenceUsage:  true,
		SilenceErrors: true,
		Args:          usageArgs(cobra.NoArgs),
		RunE:          create.RunE,
		PersistentPreRunE: func(cmd *cobra.Command, _ []string) error {
			return a.openLog(cmd)
		},
	}
	// No SetVersionTemplate: a custom template links text/template, whose
	// reflection keeps every exported method in the binary (+2.5 MB).
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usagef("%v (see '%s --help')", err, cmd.CommandPath())
	})
	root.PersistentFlags().StringVar(&a.debugPath, "debug", os.Getenv("CONNECTWIZ_DEBUG"), "write a debug log (secrets redacted) to `FILE` (env CONNECTWIZ_DEBUG)")
	root.Flags().AddFlagSet(create.Flags())
	root.AddCommand(create, a.sandboxCmd(), a.tokenCmd(), a.listCmd(), a.forgetCmd(), a.recoverCmd())
	return root
}

func (a *app) openLog(cmd *cobra.Command) error {
	if a.debugPath == "" {
		a.log = slog.New(slog.DiscardHandler)
		return nil
	}
	f, err := os.OpenFile(a.debugPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return usagef("cannot open the debug log: %v", err)
	}
	a.logFile = f
	a.log = slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	a.log.Info("start", "version", versionString(), "command", cmd.CommandPath()) // flags may carry a code: not logged
	return nil
}

func (a *app) closeLog() {
	if a.logFile != nil {
		_ = a.logFile.Close()
	}
}

func (a *app) store() (*keystore.Store, error) {
	dir, err := keystore.DefaultDir()
	if err != nil {
		return nil, err
	}
	timeout := keystore.DefaultTimeout
	if v := os.Getenv("CONNECTWIZ_KEYRING_TIMEOUT"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			return nil, usagef("CONNECTWIZ_KEYRING_TIMEOUT=%q is not a duration such as 5s", v)
		}
		timeout = d
	}
	s := keystore.New(dir, timeout)
	s.Log = a.log
	return s, nil
}

// createOptions are the flags of create.
type createOptions struct {
	baseURL, connector, clientID, callbackURL, name string
	tags, config                                    []string
	timeout                                         time.Duration
	noInput, noBrowser, jsonOut, sandbox            bool
	replace, insecure, remember, accessible         bool
	code                                            string
}

func (a *app) createCmd() *cobra.Command {
	o := &createOptions{}
	cmd := &cobra.Command{
		Use:   "create",
		Short: "Provision a connector instance (the default command)",
		Example: `  connectwiz --sandbox                         # try it on the embedded sandbox
  CONNECTWIZ_USER_SECRET=… CONNECTWIZ_ORG_SECRET=… CONNECTWIZ_CLIENT_SECRET=… \
    connectwiz create --no-input --client-id ID --name my-drive --tag prod`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error { return a.runCreate(cmd.Context(), o) },
	}
	f := cmd.Flags()
	f.StringVar(&o.baseURL, "base-url", "", "platform API root (env CONNECTWIZ_BASE_URL; default "+flow.DefaultBaseURL+")")
	f.StringVar(&o.connector, "key", "", "connector key (default "+flow.DefaultConnector+")")
	f.StringVar(&o.clientID, "client-id", "", "OAuth client id registered with the provider (env CONNECTWIZ_CLIENT_ID)")
	f.StringVar(&o.callbackURL, "callback-url", "", "OAuth callback URL registered with the provider (env CONNECTWIZ_CALLBACK_URL; default "+flow.DefaultCallbackURL+")")
	f.StringVar(&o.name, "name", "", "instance name (default <connector>-<user>-<yyyymmdd>)")
	f.StringArrayVar(&o.tags, "tag", nil, "instance tag (repeatable, or comma-separated)")
	f.StringArrayVar(&o.config, "config", nil, "extra configuration entry `KEY=VALUE` (repeatable)")
	f.DurationVar(&o.timeout, "timeout", flow.DefaultWait, "how long to wait for the browser to come back")
	f.BoolVar(&o.noInput, "no-input", false, "never prompt: run headless from flags and environment")
	f.BoolVar(&o.noBrowser, "no-browser", false, "do not open a browser; print the URL only")
	f.StringVar(&o.code, "code", "", "skip the browser and use this authorization `code` (- reads it from stdin)")
	f.BoolVar(&o.jsonOut, "json", false, "print the created instance as JSON (never its token)")
	f.BoolVar(&o.sandbox, "sandbox", false, "run against an in-process sandbox platform, credentials prefilled")
	f.BoolVar(&o.replace, "replace", false, "replace a local instance of the same name")
	f.BoolVar(&o.insecure, "insecure-storage", false, "store the token in a 0600 file instead of the keychain")
	f.BoolVar(&o.remember, "remember", false, "remember the secrets in the keychain (never in a file) for the next run")
	f.BoolVar(&o.accessible, "accessible", os.Getenv("ACCESSIBLE") != "", "plain line prompts instead of the full-screen wizard, for screen readers (env ACCESSIBLE)")
	return cmd
}

// env returns the first non-empty of flag and the environment variable.
func env(flagVal, name, def string) string {
	if flagVal != "" {
		return flagVal
	}
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

func (a *app) runCreate(ctx context.Context, o *createOptions) error {
	st, err := a.store()
	if err != nil {
		return err
	}
	// Prefill: flags, then environment, then the last answers, then defaults.
	last, _ := st.LoadAnswers()
	creds := flow.Credentials{
		BaseURL:      env(o.baseURL, "CONNECTWIZ_BASE_URL", orDefault(last.BaseURL, flow.DefaultBaseURL)),
		UserSecret:   flow.Secret(os.Getenv("CONNECTWIZ_USER_SECRET")),
		OrgSecret:    flow.Secret(os.Getenv("CONNECTWIZ_ORG_SECRET")),
		Connector:    env(o.connector, "CONNECTWIZ_KEY", orDefault(last.Connector, flow.DefaultConnector)),
		ClientID:     env(o.clientID, "CONNECTWIZ_CLIENT_ID", last.ClientID),
		ClientSecret: flow.Secret(os.Getenv("CONNECTWIZ_CLIENT_SECRET")),
		CallbackURL:  env(o.callbackURL, "CONNECTWIZ_CALLBACK_URL", orDefault(last.CallbackURL, flow.DefaultCallbackURL)),
	}
	if o.sandbox {
		sb, err := sandbox.Start("127.0.0.1:0", sandbox.Options{})
		if err != nil {
			return err
		}
		defer func() { _ = sb.Close() }()
		creds = sb.Credentials(o.callbackURL)
	}
	extra, err := parseConfig(o.config)
	if err != nil {
		return err
	}
	if !o.noInput && o.code == "" && isTerminal(a.stdin) && isTerminal(a.stdout) {
		if o.accessible {
			return a.runAccessible(ctx, st, creds, extra, o)
		}
		return a.runWizard(ctx, st, creds, extra, o)
	}
	code := flow.Secret(o.code)
	if o.code == "-" {
		b, err := io.ReadAll(io.LimitReader(a.stdin, 8192))
		if err != nil {
			return fmt.Errorf("reading the code from stdin: %w", err)
		}
		code = flow.Secret(strings.TrimSpace(string(b)))
	}
	if !o.sandbox {
		a.fillRemembered(st, &creds)
	}
	if err := missingInput(creds); err != nil {
		return err
	}
	return a.runHeadless(ctx, st, flow.HeadlessOptions{
		Creds: creds, Name: orDefault(o.name, flow.DefaultName(creds.Connector, time.Now())),
		Tags: flow.ParseTags(o.tags...), Extra: extra, Code: code,
	}, o)
}

// runHeadless runs the create's steps without a TUI, printing each step as a
// line: for --no-input and for the accessible prompts' answers.
func (a *app) runHeadless(ctx context.Context, st *keystore.Store, h flow.HeadlessOptions, o *createOptions) error {
	h.Wait, h.NoBrowser, h.Replace, h.Insecure = o.timeout, o.noBrowser, o.replace, o.insecure
	h.Stdin, h.Status, h.Log = a.stdin, a.stderr, a.log
	a.recoverPending(ctx, st, h.Creds, false)
	created, err := flow.Headless(ctx, a.client(h.Creds), st, flow.SystemBrowser(), h)
	if err != nil {
		if created.Instance.ID == "" && ctx.Err() != nil {
			return errInterrupted
		}
		return err
	}
	a.rememberIfAsked(st, h.Creds, o)
	return a.finish(ctx, created, o.jsonOut)
}

// runWizard runs the full-screen wizard.
func (a *app) runWizard(ctx context.Context, st *keystore.Store, creds flow.Credentials, extra map[string]string, o *createOptions) error {
	a.recoverPending(ctx, st, creds, false)
	m := ui.New(&wizardService{a: a, st: st, sandbox: o.sandbox}, ui.Options{
		Creds:       creds,
		Sandbox:     o.sandbox,
		Insecure:    o.insecure,
		Remember:    o.remember,
		Wait:        o.timeout,
		Name:        o.name,
		DefaultName: flow.DefaultName(creds.Connector, time.Now()),
		Tags:        flow.ParseTags(o.tags...),
		Extra:       extra,
	})
	p := tea.NewProgram(m, tea.WithInput(a.stdin), tea.WithOutput(a.stdout), tea.WithoutSignalHandler(),
		// The renderer checks for a new frame 60 times a second. That is most
		// of what an idle wait costs (~1 % of a core on the benchmark VM), but
		// fewer checks delay the first frame by up to one period; see
		// BENCHMARKS.md for the trade-off measured.
		tea.WithFPS(60))
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-ctx.Done():
			p.Send(ui.SignalMsg{})
		case <-stop:
		}
	}()
	if _, err := p.Run(); err != nil {
		return fmt.Errorf("the wizard failed: %w", err)
	}
	if c := m.Created(); c != nil {
		return a.finish(context.Background(), *c, o.jsonOut)
	}
	if err := m.Err(); err != nil {
		return err
	}
	return errInterrupted
}

// wizardService gives the wizard flow and keystore.
type wizardService struct {
	a       *app
	st      *keystore.Store
	sandbox bool
}

func (w *wizardService) Remembered(baseURL string) (flow.Credentials, bool) {
	return remembered(w.st, baseURL)
}

func (w *wizardService) SaveAnswers(c flow.Credentials) error {
	if w.sandbox {
		return nil // the sandbox's URL changes every run
	}
	return w.st.SaveAnswers(keystore.Answers{BaseURL: c.BaseURL, Connector: c.Connector, ClientID: c.ClientID, CallbackURL: c.CallbackURL})
}

func (w *wizardService) Authorize(ctx context.Context, c flow.Credentials) (*flow.Authorization, error) {
	return flow.Authorize(ctx, w.a.client(c), c, w.a.log)
}

func (w *wizardService) OpenBrowser(url string) error { return flow.SystemBrowser().Open(url) }

func (w *wizardService) Copy(text string) error {
	seq := osc52.New(text)
	if os.Getenv("TMUX") != "" {
		seq = seq.Tmux()
	}
	_, err := seq.WriteTo(os.Stderr)
	return err
}

func (w *wizardService) Approve(ctx context.Context, url string) error {
	if !w.sandbox {
		return errors.New("only the sandbox's consent can be approved here")
	}
	return sandbox.Consent(ctx, url, true)
}

func (w *wizardService) NameTaken(name, baseURL string) bool {
	_, err := w.st.Find(name, baseURL)
	return err == nil
}

func (w *wizardService) Create(ctx context.Context, c flow.Credentials, req flow.InstanceRequest, insecure bool) (flow.Created, error) {
	return flow.CreateAndSave(ctx, w.a.client(c), w.st, req, insecure)
}

func (w *wizardService) Recover(ctx context.Context, c flow.Credentials) (string, error) {
	found, err := flow.RecoverPlatform(ctx, w.a.client(c), w.st, false)
	if err != nil {
		return "", err
	}
	if len(found) == 0 {
		return "", errors.New("no pending create to recover for this platform")
	}
	said := make([]string, len(found))
	for i, r := range found {
		said[i] = r.String()
	}
	return strings.Join(said, "; ") + ". See 'connectwiz list'.", nil
}

func (w *wizardService) Remember(c flow.Credentials) error { return remember(w.st, c) }

// runAccessible asks the questions as plain line prompts, then runs the
// headless steps, which print each step as a line.
func (a *app) runAccessible(ctx context.Context, st *keystore.Store, creds flow.Credentials, extra map[string]string, o *createOptions) error {
	if !o.sandbox {
		a.fillRemembered(st, &creds)
	}
	type answered struct {
		ans ui.Answers
		err error
	}
	ch := make(chan answered, 1)
	go func() { // the prompts block on stdin: a signal must not wait for them
		ans, err := ui.Accessible(a.stdin, a.stderr, ui.Options{
			Creds: creds, Sandbox: o.sandbox, Remember: o.remember,
			Name: o.name, DefaultName: flow.DefaultName(creds.Connector, time.Now()), Tags: flow.ParseTags(o.tags...), Extra: extra,
		})
		ch <- answered{ans, err}
	}()
	var ans ui.Answers
	select {
	case <-ctx.Done():
		return errInterrupted
	case r := <-ch:
		if r.err != nil {
			return r.err
		}
		ans = r.ans
	}
	for k, v := range ans.Extra {
		extra[k] = v
	}
	o.remember = ans.Remember
	return a.runHeadless(ctx, st, flow.HeadlessOptions{Creds: ans.Creds, Name: ans.Name, Tags: ans.Tags, Extra: extra}, o)
}

// finish reports a created instance.
func (a *app) finish(ctx context.Context, created flow.Created, asJSON bool) error {
	if created.Saved.Warning != "" {
		fmt.Fprintf(a.stderr, "Warning: %s.\n", created.Saved.Warning)
	}
	if ctx.Err() != nil {
		fmt.Fprintln(a.stderr, "Interrupted, but the instance was created and its token stored first.")
	}
	return a.printCreated(created, asJSON)
}

func (a *app) rememberIfAsked(st *keystore.Store, creds flow.Credentials, o *createOptions) {
	if !o.remember || o.sandbox {
		return
	}
	if err := remember(st, creds); err != nil {
		fmt.Fprintf(a.stderr, "Warning: %v.\n", err)
		return
	}
	fmt.Fprintf(a.stderr, "The secrets for %s are remembered in the keychain.\n", keystore.Host(creds.BaseURL))
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func isTerminal(v any) bool {
	f, ok := v.(*os.File)
	return ok && term.IsTerminal(f.Fd())
}

func (a *app) printCreated(c flow.Created, asJSON bool) error {
	e := c.Saved.Entry
	if asJSON {
		enc := json.NewEncoder(a.stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			flow.Instance
			BaseURL      string `json:"baseUrl"`
			TokenStorage string `json:"tokenStorage"`
		}{c.Instance, e.BaseURL, e.Token})
	}
	where := "the OS keychain"
	if e.Token == keystore.InFile {
		where = "an unencrypted file (see the warning above)"
	}
	fmt.Fprintf(a.stdout, "Instance created\n  name:      %s\n  id:        %s\n  connector: %s\n  token:     in %s\nGet the token with: connectwiz token %s\n",
		e.Name, e.ID, e.Connector, where, flow.ShellQuote(e.Name))
	return nil
}

func (a *app) client(creds flow.Credentials) *flow.Client {
	c := flow.NewClient(creds.BaseURL, creds.UserSecret, creds.OrgSecret, shortVersion())
	c.Log = a.log
	return c
}

// missingInput names every missing value and how to give it.
func missingInput(c flow.Credentials) error {
	var miss []string
	if c.UserSecret.IsZero() {
		miss = append(miss, "the User secret (env CONNECTWIZ_USER_SECRET)")
	}
	if c.OrgSecret.IsZero() {
		miss = append(miss, "the Organization secret (env CONNECTWIZ_ORG_SECRET)")
	}
	if c.ClientID == "" {
		miss = append(miss, "the OAuth client id (--client-id or env CONNECTWIZ_CLIENT_ID)")
	}
	if c.ClientSecret.IsZero() {
		miss = append(miss, "the OAuth client secret (env CONNECTWIZ_CLIENT_SECRET)")
	}
	if len(miss) > 0 {
		return usagef("missing input:\n  - %s\nsecrets are read from the environment, never from flags (try --sandbox to use the embedded sandbox)", strings.Join(miss, "\n  - "))
	}
	if err := flow.CheckBrowserURL(c.BaseURL); err != nil {
		return usagef("the platform URL %q is not usable: %v", c.BaseURL, err)
	}
	return nil
}

func parseConfig(kvs []string) (map[string]string, error) {
	out := map[string]string{}
	for _, kv := range kvs {
		k, v, ok := strings.Cut(kv, "=")
		k = strings.TrimSpace(k)
		if !ok || k == "" {
			return nil, usagef("--config %q is not KEY=VALUE", kv)
		}
		out[k] = v
	}
	return out, nil
}

// fillRemembered completes missing secrets from the keychain, where the user
// asked to have them remembered. The keychain is asked only when a secret
// is missing.
func (a *app) fillRemembered(st *keystore.Store, c *flow.Credentials) {
	if c.UserSecret.IsZero() || c.OrgSecret.IsZero() || c.ClientSecret.IsZero() {
		if r, ok := remembered(st, c.BaseURL); ok {
			c.FillSecrets(r)
		}
	}
}

// remembered returns the secrets remembered in the keychain for a platform.
func remembered(st *keystore.Store, baseURL string) (flow.Credentials, bool) {
	r, err := st.Remembered(baseURL)
	if err != nil {
		return flow.Credentials{}, false
	}
	return flow.Credentials{UserSecret: flow.Secret(r.UserSecret), OrgSecret: flow.Secret(r.OrgSecret), ClientSecret: flow.Secret(r.ClientSecret)}, true
}

// remember keeps a platform's secrets in the keychain.
func remember(st *keystore.Store, c flow.Credentials) error {
	return st.Remember(c.BaseURL, keystore.Credentials{UserSecret: c.UserSecret.Reveal(), OrgSecret: c.OrgSecret.Reveal(), ClientSecret: c.ClientSecret.Reveal()})
}

// recoverPending settles the pending creates of creds' platform — of every
// platform with all set, using remembered secrets for the others — and
// reports on stderr. It returns the records left unsettled.
func (a *app) recoverPending(ctx context.Context, st *keystore.Store, creds flow.Credentials, all bool) []keystore.Pending {
	pending, err := st.PendingCreates()
	if err != nil {
		fmt.Fprintf(a.stderr, "Warning: %v\n", err)
		return nil
	}
	done := map[string]bool{}
	for _, p := range pending {
		base := strings.TrimRight(p.BaseURL, "/")
		if done[base] || p.InFlight() {
			continue
		}
		done[base] = true
		pc := creds
		if !keystore.SameBase(base, creds.BaseURL) {
			if !all {
				continue
			}
			pc = flow.Credentials{BaseURL: base}
			a.fillRemembered(st, &pc)
		}
		if pc.UserSecret.IsZero() || pc.OrgSecret.IsZero() {
			fmt.Fprintf(a.stderr, "Cannot check the pending creates on %s: set CONNECTWIZ_USER_SECRET and CONNECTWIZ_ORG_SECRET for that platform and run 'connectwiz recover'.\n", keystore.Host(base))
			continue
		}
		pc.BaseURL = base
		found, err := flow.RecoverPlatform(ctx, a.client(pc), st, false)
		for _, r := range found {
			fmt.Fprintf(a.stderr, "Pending create: %s.\n", r)
			if r.Saved.Warning != "" {
				fmt.Fprintf(a.stderr, "Warning: %s.\n", r.Saved.Warning)
			}
		}
		if err != nil {
			fmt.Fprintf(a.stderr, "%v\n", err)
		}
	}
	left, _ := st.PendingCreates()
	var unsettled []keystore.Pending
	for _, p := range left {
		if !p.InFlight() {
			unsettled = append(unsettled, p)
		}
	}
	if !all && len(unsettled) > 0 {
		fmt.Fprintf(a.stderr, "%d pending create(s) not settled: run 'connectwiz recover'.\n", len(unsettled))
	}
	return unsettled
}

func (a *app) recoverCmd() *cobra.Command {
	var discard bool
	cmd := &cobra.Command{
		Use:   "recover",
		Short: "Store the tokens of creates whose answer was lost (never creates anything)",
		Long: `Before every create, connectwiz writes a pending record (no secrets). If the
answer never arrives (dropped connection, timeout, crash), the instance may
exist. recover looks each pending instance up on the platform (same name and
connector, newest id not already known), stores its token and clears the
record; if no such instance exists it says so and clears the record.
Secrets come from the environment, or from the keychain if remembered.`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			pending, err := st.PendingCreates()
			if err != nil {
				return err
			}
			if len(pending) == 0 {
				fmt.Fprintln(a.stdout, "Nothing to recover: no pending creates.")
				return nil
			}
			creds := flow.Credentials{
				BaseURL:    env("", "CONNECTWIZ_BASE_URL", flow.DefaultBaseURL),
				UserSecret: flow.Secret(os.Getenv("CONNECTWIZ_USER_SECRET")),
				OrgSecret:  flow.Secret(os.Getenv("CONNECTWIZ_ORG_SECRET")),
			}
			a.fillRemembered(st, &creds)
			left := a.recoverPending(cmd.Context(), st, creds, true)
			if len(left) == 0 {
				fmt.Fprintln(a.stdout, "All pending creates are settled.")
				return nil
			}
			if discard {
				for _, p := range left {
					if err := st.Clear(p); err != nil {
						return err
					}
				}
				fmt.Fprintf(a.stdout, "Discarded %d pending record(s) that could not be settled.\n", len(left))
				return nil
			}
			return fmt.Errorf("%d pending create(s) could not be settled (see above); fix that and run 'connectwiz recover' again, or drop them with --discard", len(left))
		},
	}
	cmd.Flags().BoolVar(&discard, "discard", false, "clear the pending records that cannot be settled")
	return cmd
}

func (a *app) forgetCmd() *cobra.Command {
	var base string
	var remote bool
	cmd := &cobra.Command{
		Use:   "forget NAME",
		Short: "Remove an instance's local token and index entry (--remote also deletes it on the platform)",
		Args:  usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			e, err := st.Find(args[0], base)
			if err != nil {
				return err
			}
			if remote {
				creds := flow.Credentials{
					BaseURL:    e.BaseURL,
					UserSecret: flow.Secret(os.Getenv("CONNECTWIZ_USER_SECRET")),
					OrgSecret:  flow.Secret(os.Getenv("CONNECTWIZ_ORG_SECRET")),
				}
				a.fillRemembered(st, &creds)
				if creds.UserSecret.IsZero() || creds.OrgSecret.IsZero() {
					return usagef("--remote needs the platform's secrets: set CONNECTWIZ_USER_SECRET and CONNECTWIZ_ORG_SECRET")
				}
				if err := a.client(creds).DeleteInstance(cmd.Context(), flow.ID(e.ID)); err != nil {
					if ae, ok := flow.AsAPIError(err); !ok || ae.Status != 404 {
						return fmt.Errorf("%w; the local entry is kept", err)
					}
					fmt.Fprintf(a.stderr, "Instance %s no longer exists on %s.\n", e.ID, keystore.Host(e.BaseURL))
				} else {
					fmt.Fprintf(a.stdout, "Deleted instance %s on %s.\n", e.ID, keystore.Host(e.BaseURL))
				}
			}
			if err := st.Remove(e); err != nil {
				return err
			}
			fmt.Fprintf(a.stdout, "Forgot %q (its token is removed from the %s).\n", e.Name, e.Token)
			return nil
		},
	}
	cmd.Flags().StringVar(&base, "base-url", "", "the platform, when the name exists on several")
	cmd.Flags().BoolVar(&remote, "remote", false, "first delete the instance on the platform")
	return cmd
}

func (a *app) tokenCmd() *cobra.Command {
	var base string
	cmd := &cobra.Command{
		Use:     "token NAME",
		Short:   "Print an instance's token (for scripts)",
		Example: `  curl -H "Authorization: User $U, Organization $O, Element $(connectwiz token my-drive)" …`,
		Args:    usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			tok, _, err := st.Token(args[0], base)
			if err != nil {
				return err
			}
			_, err = fmt.Fprintln(a.stdout, tok)
			return err
		},
	}
	cmd.Flags().StringVar(&base, "base-url", "", "the platform, when the name exists on several")
	return cmd
}

func (a *app) listCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the instances provisioned from this machine",
		Long: `List the instances provisioned from this machine, and where each token is:
keychain, file, or missing (probed, with the keychain timeout).`,
		Args: usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.store()
			if err != nil {
				return err
			}
			entries, err := st.Entries()
			if err != nil {
				return err
			}
			// Probe where each token really is; a keychain that does not
			// answer is asked once, not once per entry.
			var keychainErr error
			for i, e := range entries {
				if keychainErr != nil && e.Token == keystore.InKeychain {
					entries[i].Token = "unknown"
					continue
				}
				w, err := st.Where(e)
				if err != nil {
					keychainErr = err
					w = "unknown"
				}
				entries[i].Token = w
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(entries)
			}
			if len(entries) == 0 {
				fmt.Fprintln(a.stdout, "No instances yet. Create one with: connectwiz")
				return nil
			}
			tw := tabwriter.NewWriter(a.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tID\tCONNECTOR\tPLATFORM\tCREATED\tTOKEN")
			for _, e := range entries {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", e.Name, e.ID, e.Connector, keystore.Host(e.BaseURL), e.CreatedAt.Local().Format("2006-01-02 15:04"), e.Token)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			if keychainErr != nil {
				fmt.Fprintf(a.stderr, "Some tokens could not be checked (unknown): %v\n", keychainErr)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func (a *app) sandboxCmd() *cobra.Command {
	var addr string
	o := sandbox.Options{}
	cmd := &cobra.Command{
		Use:   "sandbox",
		Short: "Serve the sandbox platform and OAuth provider on a loopback port",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(cmd *cobra.Command, _ []string) error {
			sb, err := sandbox.Start(addr, o)
			if err != nil {
				return err
			}
			defer func() { _ = sb.Close() }()
			so := sb.Options()
			fmt.Fprintf(a.stdout, `Sandbox platform serving at %s
Its credentials (public, for testing only):
  export CONNECTWIZ_BASE_URL=%s
  export CONNECTWIZ_USER_SECRET=%s
  export CONNECTWIZ_ORG_SECRET=%s
  export CONNECTWIZ_CLIENT_ID=%s
  export CONNECTWIZ_CLIENT_SECRET=%s
Then run connectwiz in another terminal. ctrl+c stops the sandbox.
`, sb.BaseURL, sb.BaseURL, so.UserSecret, so.OrgSecret, so.ClientID, so.ClientSecret)
			<-cmd.Context().Done()
			return nil
		},
	}
	f := cmd.Flags()
	f.StringVar(&addr, "addr", sandbox.DefaultAddr, "address to serve on")
	f.StringVar(&o.UserSecret, "user-secret", sandbox.DefaultUserSecret, "the User secret it accepts")
	f.StringVar(&o.OrgSecret, "org-secret", sandbox.DefaultOrgSecret, "the Organization secret it accepts")
	f.StringVar(&o.ClientID, "client-id", sandbox.DefaultClientID, "the OAuth client id it accepts")
	f.StringVar(&o.ClientSecret, "client-secret", sandbox.DefaultClientSecret, "the OAuth client secret it accepts")
	f.StringArrayVar(&o.RequireConfig, "require-config", nil, "a configuration `KEY` every create must carry (repeatable)")
	f.DurationVar(&o.CreateDelay, "create-delay", 0, "delay every create's answer")
	f.IntVar(&o.FailCreate, "fail-create", 0, "the first `N` creates answer 502 and create nothing")
	f.BoolVar(&o.DropCreate, "drop-create", false, "create the instance, then drop the connection unanswered")
	consent := &cobra.Command{
		Use:    "consent URL",
		Short:  "Play the user at the sandbox consent page (a BROWSER for scripts and tests)",
		Hidden: true,
		Args:   usageArgs(cobra.ExactArgs(1)),
		RunE: func(cmd *cobra.Command, args []string) error {
			deny, _ := cmd.Flags().GetBool("deny")
			if print, _ := cmd.Flags().GetBool("print-redirect"); print {
				u, err := sandbox.ConsentRedirect(cmd.Context(), args[0], !deny)
				if err == nil {
					fmt.Fprintln(a.stdout, u)
				}
				return err
			}
			return sandbox.Consent(cmd.Context(), args[0], !deny)
		},
	}
	consent.Flags().Bool("deny", false, "press Deny instead of Approve")
	consent.Flags().Bool("print-redirect", false, "do not follow the redirect: print the URL it leads to")
	cmd.AddCommand(consent)
	return cmd
}
