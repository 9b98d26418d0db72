package daemon_test

import (
	"log/slog"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// TestStoreRetentionAtStart starts the daemon with store.retention on a
// store that holds a story past it, with a copy, and a recent story: the
// old story and its copy are gone once the daemon has started, the recent
// one stays, and the log says how many left.
func TestStoreRetentionAtStart(t *testing.T) {
	dataDir := t.TempDir()
	st, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now().UTC()
	old := story.Story{ID: "old-story", Topic: "local", FeedID: "courier", URL: "https://courier.example/old", Title: "Old",
		Text: "An old story.", Published: now.Add(-60 * 24 * time.Hour), Fetched: now.Add(-60 * 24 * time.Hour)}
	recent := story.Story{ID: "recent-story", Topic: "local", FeedID: "courier", URL: "https://courier.example/new", Title: "New",
		Text: "A recent story.", Published: now.Add(-time.Hour), Fetched: now.Add(-time.Hour)}
	copyOfOld := story.Duplicate{StoryID: old.ID, Topic: "local", FeedID: "wire", URL: "https://wire.example/old",
		Seen: old.Fetched, Method: "content", Similarity: 0.9}
	for _, ev := range []sink.Event{{Story: &old}, {Story: &recent}, {Duplicate: &copyOfOld}} {
		if err := st.PutEvent(ev); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	cfg := testConfig(t, dataDir, feedfarm.Scenario{}, nil)
	cfg.Log.Level = "info"
	cfg.Store.Retention = 30 * 24 * time.Hour
	var logs syncLog
	r := startDaemonWith(t, cfg, daemon.Options{Version: "test", Logger: slog.New(slog.NewTextHandler(&logs, nil))})
	store := r.d.Store()
	r.wait(t, "the old story aged out", 30*time.Second, func() bool {
		_, ok, err := store.Story(t.Context(), old.ID)
		return err == nil && !ok
	})
	if _, ok, err := store.Story(t.Context(), recent.ID); err != nil || !ok {
		t.Errorf("the recent story: found %v (%v), want it kept", ok, err)
	}
	if ms, err := store.Members(t.Context(), old.ID); err != nil || len(ms) != 0 {
		t.Errorf("the old story's copies: %v (%v), want none", ms, err)
	}
	r.wait(t, "the retention log line", 30*time.Second, func() bool {
		return strings.Contains(logs.String(), `msg="stories aged out of the store" stories=1 copies=1`)
	})
}
