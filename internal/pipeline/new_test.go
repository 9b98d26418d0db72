package pipeline_test

import (
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// TestNewRejectsBadOptions checks that New names every unusable option
// instead of failing later (a nil dependency) or polling in a busy loop
// (a zero interval).
func TestNewRejectsBadOptions(t *testing.T) {
	e := newEnv(t, nil)
	ok := story.Feed{ID: "courier", URL: "http://127.0.0.1:1/feed.xml", Topic: "local", Interval: time.Minute}
	l, err := ledger.New(ledger.Options{Index: e.index, Publisher: e.js})
	if err != nil {
		t.Fatal(err)
	}
	full := func(feeds ...story.Feed) pipeline.Options {
		return pipeline.Options{Feeds: feeds, Fetcher: e.fetch, State: e.store, Ledger: l}
	}
	withFeed := func(edit func(*story.Feed)) pipeline.Options {
		f := ok
		edit(&f)
		return full(f)
	}
	for _, tc := range []struct {
		name string
		opts pipeline.Options
		want []string // substrings of the error; nil means New succeeds
	}{
		{"valid", full(ok), nil},
		{"no feeds", full(), nil},
		{"nothing", pipeline.Options{}, []string{"Options.Fetcher", "Options.State", "Options.Ledger"}},
		{"nil ledger", pipeline.Options{Fetcher: e.fetch, State: e.store}, []string{"Options.Ledger is required"}},
		{"zero interval", withFeed(func(f *story.Feed) { f.Interval = 0 }), []string{"feed courier", "interval"}},
		{"bad topic", withFeed(func(f *story.Feed) { f.Topic = "news.>" }), []string{"feed courier", story.ErrInvalidTopic.Error()}},
		{"no url", withFeed(func(f *story.Feed) { f.URL = "" }), []string{"feed courier: empty URL"}},
		{"no id", withFeed(func(f *story.Feed) { f.ID = "" }), []string{"feed 0", "empty ID"}},
		{"same id twice", full(ok, ok), []string{"feed courier: ID used twice"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			p, err := pipeline.New(tc.opts)
			if tc.want == nil {
				if err != nil || p == nil {
					t.Fatalf("New: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatalf("New accepted %s", tc.name)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// The sink store is what the daemon passes for this seam.
var _ pipeline.StateStore = (*sink.Store)(nil)
