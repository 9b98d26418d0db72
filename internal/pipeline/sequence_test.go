package pipeline_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// lazyFollower is a Follower that reads the stream only when asked to
// wait: until then its index stays where it was, as an instance's index
// does while another instance's message is on its way.
type lazyFollower struct {
	js    *sink.JetStream
	index *dedupe.Index

	mu      sync.Mutex
	applied uint64
	waits   int
}

func (f *lazyFollower) Applied() uint64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.applied
}

// AppliedLocally: the lazy follower replays every message.
func (f *lazyFollower) AppliedLocally(uint64) {}

func (f *lazyFollower) WaitApplied(ctx context.Context, seq uint64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.waits++
	err := f.js.Replay(ctx, func(ev sink.Event) error {
		if ev.Seq <= f.applied {
			return nil
		}
		switch {
		case ev.Story != nil:
			s := ev.Story
			f.index.Add(dedupe.Entry{StoryID: s.ID, Keys: dedupe.IdentityKeys(s.FeedID, story.Item{GUID: s.GUID, URL: s.URL}), Text: s.Text, Time: time.Now()})
		case ev.Duplicate != nil:
			d := ev.Duplicate
			f.index.Add(dedupe.Entry{StoryID: d.StoryID, Keys: dedupe.IdentityKeys(d.FeedID, story.Item{GUID: d.GUID, URL: d.URL}), Time: time.Now()})
		}
		f.applied = ev.Seq
		return nil
	})
	if err == nil && f.applied < seq {
		err = fmt.Errorf("stream ends at %d, before %d", f.applied, seq)
	}
	return err
}

// TestFollowerRedecides runs two pipelines with indexes of their own on
// one stream, as two instances are: the first publishes a story, the
// second, whose index has not seen it, decides its copy is new. With a
// Follower its publish is refused (the stream moved), it waits for its
// index to catch up, decides again and publishes a duplicate; without
// one, two stories are published, which is the failure the mechanism
// prevents.
func TestFollowerRedecides(t *testing.T) {
	flood := demoArticles()["river-aske-floods-lowbridge"]
	scA := feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "courier", Format: feedfarm.FormatRSS, Topic: "regional",
		Template: feedfarm.TemplateNewsroom, Entries: []feedfarm.Entry{{Article: flood, GUID: "courier-77"}}}}}
	scB := feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "wire", Format: feedfarm.FormatJSON, Topic: "regional",
		Template: feedfarm.TemplateWire, Entries: []feedfarm.Entry{{
			Article: flood, GUID: "wire-0388", Slug: "2026/03/lowbridge-evacuated",
			Footer: []string{"More from our partner newsrooms: coastlinewire.example/partners"},
		}}}}}
	for _, tc := range []struct {
		name          string
		follow        bool
		stories, dups int
	}{
		{"with a follower", true, 1, 1},
		{"without a follower", false, 2, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, nil)
			farmA, farmB := feedfarm.New(scA), feedfarm.New(scB)
			feedA := farmFeeds(scA, farmA, serveFarm(t, farmA, nil).URL, time.Hour)[0]
			feedB := farmFeeds(scB, farmB, serveFarm(t, farmB, nil).URL, time.Hour)[0]
			var pipes [2]*pipeline.Pipeline
			var follows [2]*lazyFollower
			for i := range pipes {
				ix, err := dedupe.NewIndex(dedupe.Options{})
				if err != nil {
					t.Fatal(err)
				}
				lo := ledger.Options{Index: ix}
				if tc.follow {
					follows[i] = &lazyFollower{js: e.js, index: ix}
					lo.Follower = follows[i]
				}
				pipes[i], _ = e.pipelineWith(t, pipeline.Options{Metrics: pipeline.NewMetrics(nil)}, lo)
			}
			if res, err := pipes[0].Poll(t.Context(), feedA); err != nil || res.Published != 1 {
				t.Fatalf("first instance: %+v, %v; want one story", res, err)
			}
			res, err := pipes[1].Poll(t.Context(), feedB)
			if err != nil {
				t.Fatalf("second instance: %v", err)
			}
			stories, dupes := e.read(t)
			if len(stories) != tc.stories || len(dupes) != tc.dups {
				t.Fatalf("stream has %d stories and %d duplicates, want %d and %d", len(stories), len(dupes), tc.stories, tc.dups)
			}
			if !tc.follow {
				return
			}
			if res.Duplicates != 1 || dupes[0].StoryID != stories[0].ID || dupes[0].FeedID != feedB.ID {
				t.Errorf("second instance: %+v, duplicate %+v of story %s; want its copy merged into the first's story", res, dupes[0], stories[0].ID)
			}
			if follows[1].waits != 1 {
				t.Errorf("second instance waited for its index %d times, want 1 (one refused publish)", follows[1].waits)
			}
			if follows[0].waits != 0 {
				t.Errorf("first instance waited for its index %d times, want 0 (its publish was not refused)", follows[0].waits)
			}
		})
	}
}
