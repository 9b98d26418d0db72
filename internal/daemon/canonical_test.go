package daemon_test

import (
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

// TestOriginalReplacesEarlierSyndicatedCopy runs the daemon as a new user
// would: the wire feed, polled first, brings a syndicated copy of an
// article four days after the original appeared; then the original's feed
// is added. The story keeps its ID and becomes the original, on the
// original's topic, and the wire copy becomes its copy, saying why. Then a
// person keeps the wire's version through the API, as "dupes keep" does.
func TestOriginalReplacesEarlierSyndicatedCopy(t *testing.T) {
	flood := demoArticle(t, "river-aske-floods-lowbridge")
	day := time.Date(2026, 3, 10, 7, 0, 0, 0, time.UTC)
	farm := feedfarm.New(feedfarm.Scenario{Sites: []feedfarm.Site{
		{Name: "wire", Format: feedfarm.FormatRSS, Topic: "local", Template: feedfarm.TemplateWire, Entries: []feedfarm.Entry{{
			Article: flood, GUID: "wire-1", Published: day.Add(96 * time.Hour),
			Header: []string{"This report reaches you through a partner newsroom."},
			Footer: []string{"More from our partners at partners.example"},
		}}},
		{Name: "ledger", Format: feedfarm.FormatRSS, Topic: "regional", Entries: []feedfarm.Entry{{Article: flood, GUID: "ledger-1", Published: day, FromRound: 1}}},
	}})
	srv := httptest.NewServer(farm.Handler())
	t.Cleanup(srv.Close)
	urls := farm.FeedURLs(srv.URL)
	dir := t.TempDir()
	path := filepath.Join(dir, "feedsift.toml")
	r := startWithPath(t, writeConfig(t, path, filepath.Join(dir, "data"), urls, "wire"), path)
	store := r.d.Store()

	first := onlyStory(t, store, "the wire copy stored as the story")
	if first.FeedID != "wire" {
		t.Fatalf("first story is from feed %s, want wire", first.FeedID)
	}

	farm.Advance() // the original's site lists it from round 1
	status, body := call(t, r, http.MethodPost, "/api/feeds", httpapi.FeedRequest{ID: "ledger", URL: urls["ledger"], Topic: "regional", Interval: "2h"})
	if status != http.StatusOK {
		t.Fatalf("POST /api/feeds: %d %s", status, body)
	}
	var kept story.Story
	testwait.Until(t, "the original kept in the wire copy's place", 30*time.Second, func() bool {
		s, ok, err := store.Story(t.Context(), first.ID)
		kept = s
		return err == nil && ok && s.FeedID == "ledger"
	})
	if kept.Topic != "regional" || !kept.Published.Equal(day) || !strings.Contains(kept.Kept, "published 4 days before") {
		t.Errorf("kept story: topic %s, published %v, kept because %q; want regional, %v, published 4 days before",
			kept.Topic, kept.Published, kept.Kept, day)
	}
	if strings.Contains(kept.Text, "partner newsroom") {
		t.Errorf("kept text carries the wire's header: %q", kept.Text)
	}
	var members []story.Duplicate
	testwait.Until(t, "the wire copy recorded as the story's copy", 30*time.Second, func() bool {
		ms, err := store.Members(t.Context(), first.ID)
		members = ms
		return err == nil && len(ms) == 1
	})
	if m := members[0]; m.FeedID != "wire" || m.Method != story.MethodReplaced {
		t.Errorf("copy: feed %s, method %s; want wire, %s", m.FeedID, m.Method, story.MethodReplaced)
	}
	ss, err := store.Stories(sink.StoryFilter{})
	if err != nil || len(ss) != 1 {
		t.Errorf("store holds %d stories (%v), want 1", len(ss), err)
	}

	// A person prefers the wire's version after all ("dupes keep").
	status, body = call(t, r, http.MethodPost, "/api/dupes/keep", httpapi.KeepRequest{Story: first.ID[:8], Member: first.URL, By: "tester"})
	if status != http.StatusOK {
		t.Fatalf("POST /api/dupes/keep: %d %s", status, body)
	}
	s, _, err := store.Story(t.Context(), first.ID)
	if err != nil || s.FeedID != "wire" || s.Topic != "local" || s.KeptBy != "tester" {
		t.Fatalf("after keep: story from feed %s on %s kept by %q (%v); want wire's on local, kept by tester", s.FeedID, s.Topic, s.KeptBy, err)
	}
	members, err = store.Members(t.Context(), first.ID)
	if err != nil || len(members) != 1 || members[0].FeedID != "ledger" || members[0].Method != story.MethodReplaced {
		t.Errorf("after keep: members %+v (%v); want the ledger version, replaced", members, err)
	}
}

// demoArticle returns the demo scenario's article with slug, written for
// this project.
func demoArticle(t *testing.T, slug string) feedfarm.Article {
	t.Helper()
	for _, s := range feedfarm.DemoScenario().Sites {
		for _, e := range s.Entries {
			if e.Article.Slug == slug {
				return e.Article
			}
		}
	}
	t.Fatalf("no demo article %s", slug)
	return feedfarm.Article{}
}

// onlyStory waits until the store holds exactly one story, and returns it.
func onlyStory(t *testing.T, store *sink.Store, what string) story.Story {
	t.Helper()
	var only story.Story
	testwait.Until(t, what, 30*time.Second, func() bool {
		ss, err := store.Stories(sink.StoryFilter{})
		if err != nil || len(ss) != 1 {
			return false
		}
		only = ss[0]
		return true
	})
	return only
}
