// Package cli is connectwiz's command line: one file per command, each an
// options struct and a newCmdX(f, runF) constructor (runF lets tests run a
// command in-process without its behaviour), a small Factory holding the
// IO streams, the environment read once, the store and the session. cli
// parses, wires and reports; the rules live in flow and keystore.
package cli

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"github.com/connectwiz/connectwiz/cli/iostreams"
	"github.com/connectwiz/connectwiz/flow"
	"github.com/connectwiz/connectwiz/flow/platform"
	"github.com/connectwiz/connectwiz/ui/prompts"
)

// Stamped at release time with -ldflags "-X github.com/connectwiz/connectwiz/cli.version=…".
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

// errInterrupted is returned when a signal stopped the run before anything
// was created.
var errInterrupted = errors.New("interrupted; nothing was created")

// Main runs connectwiz with the given arguments, streams and environment
// and returns the exit code. A signal (SIGINT, SIGTERM, SIGHUP) cancels the
// run's context.
func Main(args []string, ios *iostreams.IOStreams, getenv func(string) string) int {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	defer stop()
	return Run(ctx, args, &Factory{IO: ios, Env: ReadEnv(getenv), Program: programName(os.Args[0])})
}

// programName is how the user runs connectwiz, for hints: "go run ." when
// the binary is go run's temporary build, else "connectwiz".
func programName(argv0 string) string {
	if strings.Contains(filepath.ToSlash(argv0), "/go-build") {
		return "go run ."
	}
	return "connectwiz"
}

// Run runs the command line in ctx with the factory f and returns the exit
// code.
func Run(ctx context.Context, args []string, f *Factory) int {
	log := &debugLog{}
	defer log.close()
	f.Log = slog.New(slog.DiscardHandler)
	root := newCmdRoot(f, log)
	root.SetArgs(args)
	root.SetIn(f.IO.In)
	root.SetOut(f.IO.Out)
	root.SetErr(f.IO.ErrOut)
	err := root.ExecuteContext(ctx)
	if alarm := f.endRun(); alarm != nil {
		// An instance was created with an authorization someone else
		// took part in (possibly after the create): say so, exit non-zero.
		err = errors.Join(err, alarm)
	}
	return exitCode(ctx, f, err)
}

// exitCode reports err on stderr and maps it to the exit code.
func exitCode(ctx context.Context, f *Factory, err error) int {
	if err == nil {
		return exitOK
	}
	if errors.Is(err, errInterrupted) || ctx.Err() != nil && errors.Is(err, context.Canceled) {
		fmt.Fprintf(f.IO.ErrOut, "connectwiz: %v\n", errInterrupted)
		return exitInterrupted
	}
	fmt.Fprintf(f.IO.ErrOut, "connectwiz: %v\n", withAdvice(err))
	var ue usageError
	if errors.As(err, &ue) || needsInput(err) || strings.HasPrefix(err.Error(), "unknown command") {
		return exitUsage
	}
	return exitError
}

// Command is connectwiz's command tree as it runs in this process, for
// tools that describe it (the man page generator in tools/man).
func Command() *cobra.Command {
	return newCmdRoot(&Factory{IO: iostreams.System(), Env: ReadEnv(os.Getenv), Program: "connectwiz"}, &debugLog{})
}

// ShortVersion is the version stamped into the binary (or "dev").
func ShortVersion() string { return shortVersion() }

// needsInput reports whether err means input is missing or taken (exit
// 2, as for a usage error): a taken name, no pasted redirect, configuration
// entries the platform needs, prompts the input ended before.
func needsInput(err error) bool {
	if e, ok := platform.AsAPIError(err); ok && len(e.Missing) > 0 {
		return true
	}
	return errors.Is(err, flow.ErrNameTaken) || errors.Is(err, flow.ErrNoPasteInput) || errors.Is(err, prompts.ErrInputEnded)
}

func newCmdRoot(f *Factory, log *debugLog) *cobra.Command {
	create := newCmdCreate(f, nil)
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
			l, err := log.open(cmd)
			if err != nil {
				return err
			}
			f.Log = l
			return nil
		},
	}
	// No SetVersionTemplate: a custom template links text/template, whose
	// reflection keeps every exported method in the binary (+2.5 MB).
	root.SetFlagErrorFunc(func(cmd *cobra.Command, err error) error {
		return usagef("%v (see '%s --help')", err, cmd.CommandPath())
	})
	root.PersistentFlags().StringVar(&log.path, "debug", f.Env.Debug, "write a debug log (secrets redacted) to `FILE` (env CONNECTWIZ_DEBUG)")
	root.Flags().AddFlagSet(create.Flags())
	root.AddCommand(create,
		newCmdSandbox(f, nil),
		newCmdToken(f, nil),
		newCmdList(f, nil),
		newCmdStatus(f, nil),
		newCmdForget(f, nil),
		newCmdRecover(f, nil),
		newCmdDoctor(f, nil),
		newCmdSecrets(f),
		newCmdVersion(f),
	)
	return root
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
	return cmp.Or(v, "dev"), cmp.Or(c, "unknown"), cmp.Or(d, "unknown")
}

func versionString() string {
	v, c, d := buildInfo()
	return fmt.Sprintf("%s (commit %s, built %s)", v, c, d)
}

func shortVersion() string {
	v, _, _ := buildInfo()
	return v
}

func newCmdVersion(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  usageArgs(cobra.NoArgs),
		RunE: func(*cobra.Command, []string) error {
			_, err := fmt.Fprintf(f.IO.Out, "connectwiz version %s\n", versionString())
			return err
		},
	}
}
