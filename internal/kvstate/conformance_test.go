package kvstate_test

import (
	"testing"

	"github.com/feedsift/feedsift/internal/kvstate"
	"github.com/feedsift/feedsift/internal/statetest"
)

// TestStateStoreConformance runs the feed-state contract against the
// cluster's store: two instances on their own connections to one
// embedded server share the bucket.
func TestStateStoreConformance(t *testing.T) {
	statetest.Run(t, func(t *testing.T) (statetest.Store, statetest.Store) {
		url := server(t)
		return open(t, url, kvstate.Options{}), open(t, url, kvstate.Options{})
	})
}
