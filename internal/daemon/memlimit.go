package daemon

import (
	"log/slog"
	"math"
	"os"
	"runtime/debug"

	"github.com/feedsift/feedsift/internal/config"
)

// applyMemoryLimit sets the Go runtime's soft memory limit to
// daemon.memory_limit (0: none) unless GOMEMLIMIT is set, which the
// runtime has applied already and which wins. It returns the function
// that puts back the limit there was before, for close.
func applyMemoryLimit(cfg config.DaemonConfig, log *slog.Logger) (restore func()) {
	if env := os.Getenv("GOMEMLIMIT"); env != "" {
		log.Info("memory limit from GOMEMLIMIT; daemon.memory_limit not applied", "GOMEMLIMIT", env)
		return func() {}
	}
	limit := int64(math.MaxInt64) // the runtime's "no limit"
	if cfg.MemoryLimit > 0 {
		limit = int64(cfg.MemoryLimit)
	}
	old := debug.SetMemoryLimit(limit)
	log.Debug("memory limit", "daemon.memory_limit", cfg.MemoryLimit.String())
	return func() { debug.SetMemoryLimit(old) }
}
