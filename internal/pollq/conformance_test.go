package pollq_test

import (
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/internal/queuetest"
)

// TestQueueConformance runs the poll queue contract against the cluster's
// work queue on a one-node JetStream server.
func TestQueueConformance(t *testing.T) {
	queuetest.Run(t, func(t *testing.T) queuetest.Queue {
		return instance(t, server(t), pollq.Options{DrainTimeout: time.Minute})
	})
}
