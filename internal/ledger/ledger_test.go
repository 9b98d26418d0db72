package ledger_test

import (
	"bytes"
	"context"
	"log/slog"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/natstest"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// The sink types are what the daemon passes for the ledger's seams.
var (
	_ ledger.Publisher     = (*sink.JetStream)(nil)
	_ ledger.ReviewStore   = (*sink.Store)(nil)
	_ ledger.SnapshotStore = (*sink.Store)(nil)
	_ ledger.Follower      = (*ledger.StreamFollower)(nil)
)

// env is a JetStream server with the feedsift stream and a bbolt store
// that applies the stream, as an instance has.
type env struct {
	js    *sink.JetStream
	raw   jetstream.JetStream
	store *sink.Store
}

func newEnv(t *testing.T) *env {
	t.Helper()
	srv := natstest.RunJetStream(t)
	nc := natstest.Connect(t, srv)
	js, err := sink.NewJetStream(t.Context(), nc, sink.JetStreamOptions{})
	if err != nil {
		t.Fatalf("NewJetStream: %v", err)
	}
	raw, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	store, err := sink.OpenStore(filepath.Join(t.TempDir(), "feedsift.db"), sink.StoreOptions{})
	if err != nil {
		t.Fatalf("OpenStore: %v", err)
	}
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan error, 1)
	go func() { done <- store.Consume(ctx, js, "store-test") }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Consume: %v", err)
		}
		if err := store.Close(); err != nil {
			t.Errorf("close store: %v", err)
		}
	})
	return &env{js: js, raw: raw, store: store}
}

// follow starts a stream follower, as an instance's start does.
func (e *env) follow(t *testing.T) *ledger.StreamFollower {
	t.Helper()
	f, err := ledger.Follow(t.Context(), ledger.FollowOptions{JS: e.raw, Stream: e.js.Stream(), Snapshots: e.store})
	if err != nil {
		t.Fatalf("Follow: %v", err)
	}
	t.Cleanup(f.Close)
	return f
}

// ledgerOn returns a ledger deciding on f's index and overrides.
func (e *env) ledgerOn(t *testing.T, f *ledger.StreamFollower) *ledger.Ledger {
	t.Helper()
	l, err := ledger.New(ledger.Options{Index: f.Index(), Overrides: f.Overrides(), Follower: f, Publisher: e.js, Review: e.store})
	if err != nil {
		t.Fatalf("ledger.New: %v", err)
	}
	return l
}

// article returns the text of one of feedfarm's demo articles, written for
// this project.
func article(t *testing.T, slugPrefix string) (feedfarm.Article, string) {
	t.Helper()
	for _, site := range feedfarm.DemoScenario().Sites {
		for _, en := range site.Entries {
			if strings.HasPrefix(en.Article.Slug, slugPrefix) {
				return en.Article, strings.Join(en.Article.Paragraphs, "\n\n")
			}
		}
	}
	t.Fatalf("no demo article %s", slugPrefix)
	return feedfarm.Article{}, ""
}

func candidate(feed, guid, url, text string) ledger.Candidate {
	f := story.Feed{ID: feed, Topic: "regional"}
	item := story.Item{GUID: guid, URL: url, Title: "Item " + guid}
	return ledger.Candidate{Feed: f, Item: item, Keys: dedupe.IdentityKeys(f.ID, item), Text: text, Source: "article"}
}

func TestNewRejectsBadOptions(t *testing.T) {
	ix, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		opts ledger.Options
		want []string
	}{
		{"nothing", ledger.Options{}, []string{"Options.Index is required", "Options.Publisher is required"}},
		{"no publisher", ledger.Options{Index: ix}, []string{"Options.Publisher is required"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ledger.New(tc.opts)
			if err == nil {
				t.Fatal("New accepted the options")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
		})
	}
}

// TestDecide walks one article through every kind of decision on one
// ledger: new story, copy by text, repost by URL, known, another story,
// and the same event written by another outlet, which is kept.
func TestDecide(t *testing.T) {
	e := newEnv(t)
	l := e.ledgerOn(t, e.follow(t))
	flood, floodText := article(t, "river-aske-floods-lowbridge")
	_, tramText := article(t, "tram-line-3-opens")
	_, tramOtherText := article(t, "tram-line-3-first-day")
	wrapped := "Reporting by our regional desk.\n\n" + floodText + "\n\nShare this story with a friend."

	steps := []struct {
		name   string
		c      ledger.Candidate
		kind   ledger.Kind
		method string
	}{
		{"the first copy is the story", candidate("courier", "c-1", "https://courier.example/"+flood.Slug, floodText), ledger.NewStory, ""},
		{"the same text under other wrappers is a copy", candidate("wire", "w-9", "https://wire.example/lowbridge", wrapped), ledger.Copy, "content"},
		{"a repost of a known URL is a copy without text", candidate("digest", "d-3", "https://courier.example/"+flood.Slug, ""), ledger.Copy, "url"},
		{"an item decided before is known", candidate("courier", "c-1", "https://courier.example/"+flood.Slug, floodText), ledger.Known, ""},
		{"another article is a story of its own", candidate("courier", "c-2", "https://courier.example/tram", tramText), ledger.NewStory, ""},
		{"the same event written by another outlet is a story of its own", candidate("ledger", "l-5", "https://ledger.example/tram-first-day", tramOtherText), ledger.NewStory, ""},
	}
	var storyID string
	for _, st := range steps {
		d, err := l.Decide(t.Context(), st.c)
		if err != nil {
			t.Fatalf("%s: Decide: %v", st.name, err)
		}
		if d.Kind != st.kind {
			t.Fatalf("%s: decision %+v, want kind %v", st.name, d, st.kind)
		}
		switch {
		case storyID == "":
			storyID = d.StoryID
		case d.Kind == ledger.Copy && d.StoryID != storyID:
			t.Errorf("%s: joined story %s, want %s", st.name, d.StoryID, storyID)
		case d.Kind == ledger.NewStory && d.StoryID == storyID:
			t.Errorf("%s: got the first story's ID", st.name)
		}
		if st.method != "" && !strings.HasPrefix(d.Method, st.method) {
			t.Errorf("%s: method %q, want %s", st.name, d.Method, st.method)
		}
	}
	if err := e.store.WaitSeq(t.Context(), 4); err != nil {
		t.Fatal(err)
	}
	ms, err := e.store.Members(t.Context(), storyID)
	if err != nil || len(ms) != 2 {
		t.Fatalf("story %s has members %+v (%v), want the wire copy and the repost", storyID, ms, err)
	}
	if _, err := l.Decide(t.Context(), ledger.Candidate{Feed: story.Feed{ID: "x"}}); err == nil {
		t.Error("Decide took a candidate without identity keys")
	}
	if _, err := l.Decide(t.Context(), candidate("digest", "", "https://elsewhere.example/x", "")); err == nil {
		t.Error("Decide took a candidate with neither text nor a known identity")
	}
}

// TestSecondInstanceDecidesOnTheFirstsStories starts a second follower on
// the stream after the first instance published, from the first's saved
// snapshot and then without one: both know the story, so the second
// instance's copy joins it.
func TestSecondInstanceDecidesOnTheFirstsStories(t *testing.T) {
	e := newEnv(t)
	first := e.follow(t)
	_, floodText := article(t, "river-aske-floods-lowbridge")
	d, err := e.ledgerOn(t, first).Decide(t.Context(), candidate("courier", "c-1", "https://courier.example/flood", floodText))
	if err != nil || d.Kind != ledger.NewStory {
		t.Fatalf("first instance: %+v, %v", d, err)
	}
	if err := first.WaitApplied(t.Context(), 1); err != nil {
		t.Fatal(err)
	}
	if seq, err := first.SaveSnapshot(); err != nil || seq != 1 {
		t.Fatalf("SaveSnapshot: seq %d, %v; want 1", seq, err)
	}
	for _, tc := range []struct {
		name      string
		snapshots ledger.SnapshotStore
		line      string
	}{
		{"from the snapshot", e.store, "dedupe index caught up with the stream"},
		{"from the stream", nil, "dedupe index rebuilt from the stream"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			second, err := ledger.Follow(t.Context(), ledger.FollowOptions{JS: e.raw, Stream: e.js.Stream(), Snapshots: tc.snapshots,
				Logger: slog.New(slog.NewTextHandler(&logs, nil))})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(second.Close)
			if !strings.Contains(logs.String(), tc.line) {
				t.Errorf("Follow logged %q, want a line %q", logs.String(), tc.line)
			}
			if second.Index().Len() != 1 {
				t.Fatalf("second instance's index holds %d stories, want 1", second.Index().Len())
			}
			c := candidate("wire", "w-"+tc.name, "https://wire.example/"+strings.ReplaceAll(tc.name, " ", "-"), floodText)
			got, err := e.ledgerOn(t, second).Decide(t.Context(), c)
			if err != nil || got.Kind != ledger.Copy || got.StoryID != d.StoryID {
				t.Fatalf("second instance: %+v, %v; want a copy of %s", got, err, d.StoryID)
			}
		})
	}
}
