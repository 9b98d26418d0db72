package ledger

import (
	"bytes"
	"encoding/json"
	"log/slog"
	"testing"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/story"
)

// TestFollowerMovesPastLocalDecisions: a message the local ledger
// published and applied itself is passed over without being decoded;
// any other message is applied, and a story's declared address is one of
// its keys.
func TestFollowerMovesPastLocalDecisions(t *testing.T) {
	ix, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var logs bytes.Buffer
	f := &StreamFollower{index: ix, overr: NewOverrides(), changed: make(chan struct{}), local: map[uint64]struct{}{},
		log: slog.New(slog.NewTextHandler(&logs, nil))}
	f.AppliedLocally(1)
	f.apply("news.world", []byte("not json: the follower must not read it"), 1)
	if f.Applied() != 1 || logs.Len() != 0 || ix.Len() != 0 {
		t.Fatalf("local message: applied %d, index %d stories, logs %q; want applied 1 and nothing else", f.Applied(), ix.Len(), logs.String())
	}
	f.AppliedLocally(1) // already applied: forgotten
	if len(f.local) != 0 {
		t.Errorf("a sequence already applied was kept: %v", f.local)
	}

	s := story.Story{Version: story.Version, ID: "s1", Topic: "world", FeedID: "f", URL: "https://a.example/amp/x",
		CanonicalURL: "https://a.example/x", Text: "Some text.", Fetched: time.Now().UTC()}
	data, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	f.apply("news.world", data, 2)
	if f.Applied() != 2 {
		t.Fatalf("applied %d, want 2", f.Applied())
	}
	for _, k := range []string{"url:https://a.example/amp/x", "url:https://a.example/x"} {
		if id, _, ok := ix.Seen([]string{k}); !ok || id != "s1" {
			t.Errorf("key %s: story %q, %v; want s1", k, id, ok)
		}
	}
}
