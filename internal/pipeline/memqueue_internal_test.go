package pipeline

import (
	"log/slog"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/queuetest"
)

// TestMemQueueConformance runs the poll queue contract against the
// in-process queue a pipeline without Options.Queue uses.
func TestMemQueueConformance(t *testing.T) {
	queuetest.Run(t, func(*testing.T) queuetest.Queue {
		return newMemQueue(time.Minute, slog.New(slog.DiscardHandler))
	})
}
