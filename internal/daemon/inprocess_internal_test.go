package daemon

import (
	"context"
	"testing"

	"github.com/feedsift/feedsift/internal/config"
)

// TestEmbeddedConnectionInProcess checks that the daemon talks to its
// embedded server through memory (net.Pipe, whose address is "pipe"), not
// through the loopback socket it serves other clients on.
func TestEmbeddedConnectionInProcess(t *testing.T) {
	cfg := config.Default()
	cfg.DataDir = t.TempDir()
	cfg.Log.Level = "warn"
	cfg.NATS.EmbeddedListen = "127.0.0.1:0"
	cfg.HTTP.Listen = "127.0.0.1:0"
	if err := cfg.Validate(); err != nil {
		t.Fatalf("config does not validate: %v", err)
	}
	ctx, cancel := context.WithCancel(t.Context())
	d, err := Start(ctx, cfg, Options{Version: "test"})
	if err != nil {
		cancel()
		t.Fatalf("Start: %v", err)
	}
	done := make(chan error, 1)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run: %v", err)
		}
	}()
	if got := d.nc.ConnectedAddr(); got != "pipe" {
		t.Errorf("daemon's NATS connection address = %q, want %q (in-process)", got, "pipe")
	}
	if d.NATSURL() == "" {
		t.Error("NATSURL() is empty: other clients need the listening socket")
	}
}
