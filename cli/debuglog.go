package cli

import (
	"log/slog"
	"os"

	"github.com/spf13/cobra"
)

// debugLog is the --debug log: secrets redacted by the code that logs, the
// file created 0600, never through a symbolic link, never another user's.
type debugLog struct {
	path string
	file *os.File
}

// open opens the log when a path was given; else it returns a logger
// that discards.
func (d *debugLog) open(cmd *cobra.Command) (*slog.Logger, error) {
	if d.path == "" {
		return slog.New(slog.DiscardHandler), nil
	}
	f, err := openPrivate(d.path)
	if err != nil {
		return nil, usagef("cannot use %s as the debug log: %v", d.path, err)
	}
	d.file = f
	log := slog.New(slog.NewTextHandler(f, &slog.HandlerOptions{Level: slog.LevelDebug}))
	log.Info("start", "version", versionString(), "command", cmd.CommandPath()) // flags may carry a code: not logged
	return log, nil
}

func (d *debugLog) close() {
	if d.file != nil {
		_ = d.file.Close()
	}
}
