package kvstate_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/kvstate"
	"github.com/feedsift/feedsift/internal/natscluster"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
)

// retryBound is how long retry keeps trying: only a failure bound, generous
// because an election on a busy machine can take many seconds.
const retryBound = 2 * time.Minute

// retry runs fn until it succeeds or retryBound passes, for calls made
// while a replicated bucket elects a new leader.
func retry(t *testing.T, what string, fn func(ctx context.Context) error) {
	t.Helper()
	testwait.UntilNil(t, what, retryBound, func() error {
		ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer cancel()
		return fn(ctx)
	})
}

// TestStore_ClusterSurvivesNodeStop keeps state in a bucket with three
// replicas, stops the node leading it, and reads, writes and updates
// through the two that are left, from two instances.
func TestStore_ClusterSurvivesNodeStop(t *testing.T) {
	c, err := natscluster.Start(t.Context(), natscluster.Options{Nodes: 3, Dir: t.TempDir()})
	if err != nil {
		t.Fatalf("start cluster: %v", err)
	}
	t.Cleanup(c.Shutdown)
	js := connect(t, c.URL())
	var a *kvstate.Store
	retry(t, "Open", func(ctx context.Context) error {
		a, err = kvstate.Open(ctx, js, kvstate.Options{Replicas: 3, UpdateAttempts: 1000})
		return err
	})
	// The second instance's create-or-update of the bucket is a JetStream
	// API call too, and times out as the first can while the new R3
	// stream elects its leader on a busy machine.
	jsB := connect(t, c.URL())
	var b *kvstate.Store
	retry(t, "Open second instance", func(ctx context.Context) error {
		b, err = kvstate.Open(ctx, jsB, kvstate.Options{Replicas: 3, UpdateAttempts: 1000})
		return err
	})
	want := sampleState("example.com/rss")
	// The first write may reach the bucket before its stream has a leader.
	retry(t, "Put", func(ctx context.Context) error { return a.Put(ctx, want) })

	stream, err := js.Stream(t.Context(), "KV_"+kvstate.DefaultBucket)
	if err != nil {
		t.Fatal(err)
	}
	info, err := stream.Info(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if info.Config.Replicas != 3 {
		t.Fatalf("bucket replicas = %d, want 3", info.Config.Replicas)
	}
	leader := -1
	for i := range c.Nodes() {
		if info.Cluster != nil && c.ServerName(i) == info.Cluster.Leader {
			leader = i
		}
	}
	if leader < 0 {
		t.Fatalf("bucket leader %+v is no node of the cluster", info.Cluster)
	}
	if err := c.StopNode(leader); err != nil {
		t.Fatalf("StopNode(%d): %v", leader, err)
	}

	retry(t, "Get after node stop", func(ctx context.Context) error {
		got, found, err := b.Get(ctx, want.FeedID)
		if err == nil && (!found || got.ETag != want.ETag) {
			t.Fatalf("Get after node stop = %+v, found %v; want %+v", got, found, want)
		}
		return err
	})
	retry(t, "Put after node stop", func(ctx context.Context) error {
		return b.Put(ctx, story.FeedState{FeedID: "counter"})
	})

	// Concurrent updates through the two instances: none is lost (CAS on
	// a replicated stream reports conflicts with its own error code).
	// Not retried: a timed-out update may have been applied.
	const perStore = 15
	var wg sync.WaitGroup
	for _, s := range []*kvstate.Store{a, b} {
		wg.Go(func() {
			for range perStore {
				ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
				err := s.Update(ctx, "counter", func(old story.FeedState, _ bool) (story.FeedState, error) {
					old.Failures++
					return old, nil
				})
				cancel()
				if err != nil {
					t.Errorf("Update: %v", err)
					return
				}
			}
		})
	}
	wg.Wait()
	// A KV read may be served by a replica that has not applied the last
	// update yet (direct get), so the count is awaited; it must reach
	// exactly 2*perStore and never pass it.
	var got story.FeedState
	retry(t, "counter converges", func(ctx context.Context) error {
		var err error
		if got, _, err = a.Get(ctx, "counter"); err != nil {
			return err
		}
		if got.Failures > 2*perStore {
			t.Fatalf("counter = %d, more than the %d updates made", got.Failures, 2*perStore)
		}
		if got.Failures != 2*perStore {
			return fmt.Errorf("counter = %d, want %d", got.Failures, 2*perStore)
		}
		return nil
	})
	list, err := a.List(t.Context())
	if err != nil || len(list) != 2 {
		t.Errorf("List = %d states, %v; want 2", len(list), err)
	}
}
