package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
)

func runDaemon(ctx context.Context, args []string, _, stderr io.Writer) error {
	flags := newFlagSet("run", "run [--config feedsift.toml]", stderr)
	path := flags.String("config", "feedsift.toml", "configuration file (see config.example.toml)")
	if err := parseFlags(flags, args); err != nil {
		return err
	}
	if flags.NArg() > 0 {
		return fmt.Errorf("%w: run takes no arguments (got %q); pass the file with --config", ErrUsage, flags.Arg(0))
	}
	cfg, err := config.Load(*path)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("%w (start from config.example.toml, or pass --config)", err)
	}
	if err != nil {
		return err
	}
	log := newLogger(stderr, cfg.Log.Level, cfg.Log.Format)
	slog.SetDefault(log) // only so third-party output lands in the same place
	d, err := daemon.Start(ctx, cfg, daemon.Options{Logger: log, Version: Version})
	if err != nil {
		return err
	}
	return d.Run(ctx)
}
