package sink_test

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.json from the current payloads")

// TestGoldenPayloads pins the JSON that subscribers receive: the bytes
// stored in the stream are compared with testdata/<name>.golden.json.
// Run `go test ./sink -run TestGoldenPayloads -update` after an intended
// change to the contract, and raise story.Version if a meaning changed.
func TestGoldenPayloads(t *testing.T) {
	e := newEnv(t, sink.JetStreamOptions{})
	ctx := t.Context()
	published := time.Date(2026, 3, 14, 9, 26, 53, 0, time.UTC)

	full := story.Story{
		ID:           "9f2c1e7a4b3d5e60",
		Topic:        "world.europe",
		FeedID:       "example-news",
		URL:          "https://news.example.org/2026/03/14/river-levels?utm_source=rss",
		CanonicalURL: "https://news.example.org/2026/03/14/river-levels",
		GUID:         "tag:news.example.org,2026:4711",
		Title:        "River levels fall after a week of rain",
		Author:       "A. Writer",
		Published:    published,
		Fetched:      published.Add(7*time.Minute + 500*time.Millisecond),
		Text:         "Water levels dropped on Saturday.\n\nOfficials said roads would reopen.",
		Source:       "article",
		Related:      []story.Related{{StoryID: "1a2b3c4d5e6f7081", Similarity: 0.41}},
	}
	minimal := story.Story{
		ID:      "0000000000000001",
		Topic:   "tech",
		FeedID:  "f",
		URL:     "https://example.com/a",
		Title:   "Short",
		Fetched: published,
		Text:    "Only a summary.",
		Source:  "summary",
	}
	dupe := story.Duplicate{
		StoryID:    full.ID,
		Topic:      full.Topic,
		FeedID:     "mirror-feed",
		URL:        "https://mirror.example.net/river-levels",
		GUID:       "mirror-991",
		Title:      "River levels fall after week of rain",
		Seen:       published.Add(time.Hour),
		Method:     "content",
		Similarity: 0.92,
		Reason:     "text similarity 0.92 >= threshold 0.85",
	}

	contentDupe := dupe
	contentDupe.URL = "https://mirror.example.net/river-levels-2"
	contentDupe.Published = published.Add(30 * time.Minute)
	contentDupe.Text = "Water levels dropped on Saturday, the mirror says.\n\nOfficials said roads would reopen."
	contentDupe.Source = "article"
	split := story.Override{
		ID: "5d41402abc4b2a76", Op: story.OpSplit, Story: full.ID, Member: contentDupe.MemberKey(),
		NewStory: "7b8c9d0e1f2a3b4c", Keys: []string{"guid:mirror-feed:mirror-991", "url:https://mirror.example.net/river-levels-2"},
		Topic: full.Topic, At: published.Add(2 * time.Hour), By: "editor",
	}
	merge := story.Override{
		ID: "6e52513bcd5c3b87", Op: story.OpMerge, Story: full.ID, Other: "1a2b3c4d5e6f7081",
		Topic: full.Topic, At: published.Add(3 * time.Hour),
	}
	updated := full
	updated.Merged = []string{merge.Other}
	splitOff := story.SplitStory(split, contentDupe, nil)

	tests := []struct {
		name    string
		publish func() (uint64, bool, error)
	}{
		{"duplicate_text", func() (uint64, bool, error) {
			return e.js.Publish(ctx, sink.DuplicateEvent(contentDupe), sink.PublishOptions{})
		}},
		{"override_split", func() (uint64, bool, error) {
			return e.js.Publish(ctx, sink.OverrideEvent(split), sink.PublishOptions{})
		}},
		{"override_merge", func() (uint64, bool, error) {
			return e.js.Publish(ctx, sink.OverrideEvent(merge), sink.PublishOptions{})
		}},
		{"story_merged", func() (uint64, bool, error) {
			return e.js.Publish(ctx, sink.StoryEvent(updated), sink.PublishOptions{Revision: merge.ID})
		}},
		{"story_split", func() (uint64, bool, error) {
			return e.js.Publish(ctx, sink.StoryEvent(splitOff), sink.PublishOptions{Revision: split.ID})
		}},
		{"story", func() (uint64, bool, error) { return e.js.Publish(ctx, sink.StoryEvent(full), sink.PublishOptions{}) }},
		{"story_minimal", func() (uint64, bool, error) {
			return e.js.Publish(ctx, sink.StoryEvent(minimal), sink.PublishOptions{})
		}},
		{"duplicate", func() (uint64, bool, error) {
			return e.js.Publish(ctx, sink.DuplicateEvent(dupe), sink.PublishOptions{})
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			seq, _, err := tc.publish()
			if err != nil {
				t.Fatalf("publish: %v", err)
			}
			var got bytes.Buffer
			if err := json.Indent(&got, e.rawMsg(t, seq).Data, "", "  "); err != nil {
				t.Fatalf("payload is not JSON: %v", err)
			}
			got.WriteByte('\n')
			path := filepath.Join("testdata", tc.name+".golden.json")
			if *update {
				if err := os.WriteFile(path, got.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("read golden (run with -update to create it): %v", err)
			}
			if !bytes.Equal(want, got.Bytes()) {
				t.Errorf("payload differs from %s\n--- want\n%s\n--- got\n%s", path, want, got.Bytes())
			}
		})
	}
}
