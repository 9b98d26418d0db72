package pollq_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/natscluster"
	"github.com/feedsift/feedsift/internal/pollq"
	"github.com/feedsift/feedsift/internal/testwait"
)

// enqueueRetry enqueues, retrying (idempotently: same message id) while
// the cluster elects a new leader.
func enqueueRetry(t *testing.T, q *pollq.Queue, feed string, due time.Time) {
	t.Helper()
	testwait.UntilNil(t, fmt.Sprintf("Enqueue(%s)", feed), waitLimit, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		return q.Enqueue(ctx, feed, due)
	})
}

// TestQueue_ClusterSurvivesNodeStop runs the queue with three replicas on
// a three-node cluster, with two instances, stops the node leading the
// stream, and checks that polls enqueued before and after all run.
func TestQueue_ClusterSurvivesNodeStop(t *testing.T) {
	c, err := natscluster.Start(t.Context(), natscluster.Options{Nodes: 3, Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("start cluster: %v", err)
	}
	t.Cleanup(c.Shutdown)
	opts := pollq.Options{Replicas: 3, AckWait: 2 * time.Second, NakDelay: 100 * time.Millisecond}
	_, js := connect(t, c.URL())
	a, err := pollq.Open(t.Context(), js, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	b := instance(t, c.URL(), opts)

	var h handled
	seen := func() map[string]int {
		m := map[string]int{}
		for _, p := range h.all() {
			m[p.Feed]++
		}
		return m
	}
	for i := range 5 {
		enqueueRetry(t, a, fmt.Sprintf("before-%d", i), due0)
	}
	// Replicated streams absorb a second poll of a pending feed too.
	enqueueRetry(t, b, "before-0", due0.Add(time.Minute))
	enqueueRetry(t, b, "before-1", due0)
	stream, err := js.Stream(t.Context(), a.Stream())
	if err != nil {
		t.Fatal(err)
	}
	if si, err := stream.Info(t.Context()); err != nil || si.State.Msgs != 5 {
		t.Fatalf("stream info %v, %v; want 5 polls stored", si, err)
	}
	for i, q := range []*pollq.Queue{a, b} {
		run(t, q, 2, func(_ context.Context, feed string, due time.Time) error {
			h.add(fmt.Sprint(i), feed, due)
			return nil
		})
	}
	testwait.Until(t, "polls before the stop", waitLimit, func() bool { return len(seen()) == 5 })

	si, err := stream.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if si.Config.Replicas != 3 || si.Cluster == nil {
		t.Fatalf("stream replicas %d, cluster %+v; want 3 replicas", si.Config.Replicas, si.Cluster)
	}
	leader := -1
	for i := range c.Nodes() {
		if c.ServerName(i) == si.Cluster.Leader {
			leader = i
		}
	}
	if leader < 0 {
		t.Fatalf("stream leader %q is no node of the cluster", si.Cluster.Leader)
	}
	if err := c.StopNode(leader); err != nil {
		t.Fatalf("StopNode(%d): %v", leader, err)
	}

	for i := range 5 {
		enqueueRetry(t, b, fmt.Sprintf("after-%d", i), due0)
	}
	testwait.Until(t, "polls after the stop", waitLimit, func() bool { return len(seen()) == 10 })
	// Delivery is at least once; a leader change may repeat a poll whose
	// ack was lost, but none may be missing and the queue must drain.
	testwait.Until(t, "queue drained", waitLimit, func() bool {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		s, err := js.Stream(ctx, a.Stream())
		if err != nil {
			return false
		}
		si, err := s.Info(ctx)
		return err == nil && si.State.Msgs == 0
	})
	for f, n := range seen() {
		if n > 1 {
			t.Logf("feed %s handled %d times (at least once)", f, n)
		}
	}
}
