package cli

import (
	"context"
	"io"
	"log/slog"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
)

func runDaemon(ctx context.Context, args []string, _, stderr io.Writer) error {
	fs := newFlagSet("run", "run [--config feedsift.toml]", stderr)
	path := fs.String("config", "feedsift.toml", "configuration file (see config.example.toml)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := config.Load(*path)
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
