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

// An article and a heavy rewrite of it (most sentences reworded, few
// five-word runs left), written for this test.
var (
	ferryStory = feedfarm.Article{Slug: "ferry-strike-ends", Title: "Ferry strike ends after nine days", Paragraphs: []string{
		"Crews on the Kestrel Sound ferries returned to work on Monday after a nine day strike that stranded hundreds of island residents.",
		"The union accepted a pay offer of 6.5 percent over two years, with a further review of rosters promised for the spring season.",
		"Harbourmaster Tomas Ellery said the first crossing left Port Avon at 6.40 in the morning with every seat on board taken.",
		"Island shops had run short of fresh milk and bread by the weekend, and the local school had moved its lessons online.",
		"The operator estimated the dispute cost it more than 800,000 pounds in lost fares and refunds to freight customers.",
		"Ellery added that extra sailings would run until Thursday to clear the backlog of lorries waiting on both sides.",
	}}
	ferryRewrite = feedfarm.Article{Slug: "island-ferries-sail-again", Title: "Island ferries sail again as strike is called off", Paragraphs: []string{
		"Kestrel Sound ferry crews went back to work on Monday following a nine day strike that had stranded hundreds of island residents.",
		"Union members accepted a 6.5 percent pay offer spread over two years, and a review of rosters was promised for the spring.",
		"The first crossing left Port Avon at 6.40 in the morning with every seat taken, harbourmaster Tomas Ellery said.",
		"By the weekend island shops had run short of fresh bread and milk, while the local school had moved lessons online.",
		"According to the operator the dispute cost more than 800,000 pounds in lost fares plus refunds to freight customers.",
		"Extra sailings will run until Thursday to clear the backlog of lorries waiting on both sides, Ellery added.",
	}}
)

// TestHeavyRewriteJoinsItsStory runs the daemon with the original's feed,
// then adds a feed whose item rewrites it heavily: the rewrite shares too
// few word runs for the shingles alone, and joins the story through the
// index's second stage, which reads the story's text from the store.
func TestHeavyRewriteJoinsItsStory(t *testing.T) {
	day := time.Date(2026, 5, 4, 9, 0, 0, 0, time.UTC)
	farm := feedfarm.New(feedfarm.Scenario{Sites: []feedfarm.Site{
		{Name: "sound", Format: feedfarm.FormatRSS, Topic: "local", Entries: []feedfarm.Entry{{Article: ferryStory, GUID: "sound-1", Published: day}}},
		{Name: "digest", Format: feedfarm.FormatRSS, Topic: "local", Template: feedfarm.TemplateWire, Entries: []feedfarm.Entry{{
			Article: ferryRewrite, GUID: "digest-1", Published: day.Add(3 * time.Hour), FromRound: 1}}},
	}})
	srv := httptest.NewServer(farm.Handler())
	t.Cleanup(srv.Close)
	urls := farm.FeedURLs(srv.URL)
	dir := t.TempDir()
	path := filepath.Join(dir, "feedsift.toml")
	r := startWithPath(t, writeConfig(t, path, filepath.Join(dir, "data"), urls, "sound"), path)
	store := r.d.Store()
	first := onlyStory(t, store, "the original stored as the story")

	farm.Advance() // the digest lists its rewrite from round 1
	status, body := call(t, r, http.MethodPost, "/api/feeds", httpapi.FeedRequest{ID: "digest", URL: urls["digest"], Topic: "local", Interval: "2h"})
	if status != http.StatusOK {
		t.Fatalf("POST /api/feeds: %d %s", status, body)
	}
	var members []story.Duplicate
	testwait.Until(t, "the rewrite recorded as the story's copy", 30*time.Second, func() bool {
		ms, err := store.Members(t.Context(), first.ID)
		members = ms
		return err == nil && len(ms) == 1
	})
	if m := members[0]; m.FeedID != "digest" || !strings.Contains(m.Reason, "second stage") {
		t.Errorf("copy: feed %s, reason %q; want the digest's rewrite, joined by the second stage", m.FeedID, m.Reason)
	}
	if ss, err := store.Stories(sink.StoryFilter{}); err != nil || len(ss) != 1 {
		t.Errorf("store holds %d stories (%v), want 1", len(ss), err)
	}
}
