package daemon_test

import (
	"runtime/debug"
	"testing"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/feedfarm"
)

// TestMemoryLimit: a running daemon holds the Go runtime's soft memory
// limit at daemon.memory_limit and puts the earlier limit back when it
// stops; with GOMEMLIMIT set it leaves the runtime's limit alone.
func TestMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	const earlier = 3 << 30

	t.Run("config", func(t *testing.T) {
		debug.SetMemoryLimit(earlier)
		cfg := testConfig(t, t.TempDir(), feedfarm.Scenario{}, nil)
		cfg.Daemon.MemoryLimit = 200 * config.MiB
		r := startDaemon(t, cfg)
		if got := debug.SetMemoryLimit(-1); got != 200<<20 {
			t.Errorf("memory limit while running = %d, want daemon.memory_limit %d", got, 200<<20)
		}
		r.stop(t)
		if got := debug.SetMemoryLimit(-1); got != earlier {
			t.Errorf("memory limit after stop = %d, want the earlier %d back", got, earlier)
		}
	})
	t.Run("GOMEMLIMIT wins", func(t *testing.T) {
		t.Setenv("GOMEMLIMIT", "3GiB")
		debug.SetMemoryLimit(earlier) // as the runtime read it at start
		cfg := testConfig(t, t.TempDir(), feedfarm.Scenario{}, nil)
		r := startDaemon(t, cfg)
		if got := debug.SetMemoryLimit(-1); got != earlier {
			t.Errorf("memory limit while running with GOMEMLIMIT = %d, want GOMEMLIMIT's %d", got, earlier)
		}
		r.stop(t)
	})
}
