package sink_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/feedsift/feedsift/internal/statetest"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// TestStateStoreConformance runs the feed-state contract against the
// bbolt store. bbolt locks its file, so the two stores of the contract
// are one file that each call opens and closes again: every read after a
// write is a restarted daemon's read.
func TestStateStoreConformance(t *testing.T) {
	statetest.Run(t, func(t *testing.T) (statetest.Store, statetest.Store) {
		s := &reopened{t: t, path: filepath.Join(t.TempDir(), "feedsift.db")}
		return s, s
	})
}

// reopened is a sink.Store opened for each call and closed after it.
type reopened struct {
	t    *testing.T
	path string
}

func (r *reopened) with(fn func(s *sink.Store) error) error {
	s, err := sink.OpenStore(r.path, sink.StoreOptions{})
	if err != nil {
		r.t.Fatalf("OpenStore: %v", err)
	}
	defer func() {
		if err := s.Close(); err != nil {
			r.t.Errorf("Close: %v", err)
		}
	}()
	return fn(s)
}

func (r *reopened) FeedState(ctx context.Context, feedID string) (st story.FeedState, found bool, err error) {
	err = r.with(func(s *sink.Store) error {
		st, found, err = s.FeedState(ctx, feedID)
		return err
	})
	return st, found, err
}

func (r *reopened) PutFeedState(ctx context.Context, st story.FeedState) error {
	return r.with(func(s *sink.Store) error { return s.PutFeedState(ctx, st) })
}
