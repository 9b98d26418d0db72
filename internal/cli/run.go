package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

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
	d, err := daemon.Start(ctx, cfg, daemon.Options{Logger: log, Version: Version, ConfigPath: *path})
	if err != nil {
		return err
	}
	stopReload := reloadOnHangup(ctx, d, log)
	defer stopReload()
	return d.Run(ctx)
}

// reloadOnHangup calls d.Reload on every SIGHUP until ctx ends or the
// returned function is called (which waits for a reload in progress).
func reloadOnHangup(ctx context.Context, d *daemon.Daemon, log *slog.Logger) (stop func()) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	ctx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		for {
			select {
			case <-ctx.Done():
				return
			case <-hup:
				log.Info("SIGHUP: reloading the feeds of the config file")
				if err := d.Reload(ctx); err != nil {
					log.Error("reload failed; the feeds are unchanged", "error", err)
				}
			}
		}
	}()
	return func() {
		signal.Stop(hup)
		cancel()
		<-done
	}
}
