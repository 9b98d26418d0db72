package httpapi_test

import (
	"context"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
)

// homeAttrs returns the attribute name of every element that sel matches.
func homeAttrs(t *testing.T, ctx context.Context, sel, name string) []string {
	t.Helper()
	nodes, err := chromedp.Run(ctx, chromedp.Nodes(chromedp.CSSAll(sel)))
	if err != nil {
		t.Fatalf("query %s: %v", sel, err)
	}
	out := make([]string, 0, len(nodes))
	for _, n := range nodes {
		out = append(out, n.AttributeValue(name))
	}
	return out
}

func homeText(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("text of %s: %v", sel, err)
	}
	return s
}

// TestHomePageInBrowser loads the overview in headless Chromium, checks
// that the failing feed comes first with its error and that a topic lists
// its stories, filters by another topic, follows the link to the dedupe
// report and comes back through the navigation.
func TestHomePageInBrowser(t *testing.T) {
	now := time.Now().UTC().Truncate(time.Second)
	stories := []story.Story{
		{ID: "w1", Topic: "world", FeedID: "wire", URL: "https://wire.example/ferry", Title: "Ferry strike ends",
			Published: now.Add(-2 * time.Hour), Fetched: now.Add(-time.Hour), Source: "article"},
		{ID: "w2", Topic: "world", FeedID: "wire", URL: "https://wire.example/harbour", Title: "Harbour <b>reopens</b>",
			Published: now.Add(-5 * time.Hour), Fetched: now.Add(-4 * time.Hour), Source: "summary"},
		{ID: "t1", Topic: "tech", FeedID: "digest", URL: "https://digest.example/orbit", Title: "Satellite reaches orbit",
			Published: now.Add(-3 * time.Hour), Fetched: now.Add(-3 * time.Hour), Text: "A student satellite reached orbit.", Source: "article"},
	}
	dupes := []story.Duplicate{
		{StoryID: "t1", Topic: "tech", FeedID: "wire", URL: "https://wire.example/orbit", Title: "Satellite in orbit",
			Seen: now.Add(-time.Hour), Method: "url", Similarity: 1, Reason: "same canonical URL"},
	}
	states := []story.FeedState{
		{FeedID: "wire", LastFetch: now.Add(-5 * time.Minute), LastSuccess: now.Add(-5 * time.Minute), NextCheck: now.Add(10 * time.Minute)},
		{FeedID: "digest", LastFetch: now.Add(-2 * time.Minute), LastSuccess: now.Add(-3 * time.Hour), NextCheck: now.Add(time.Minute),
			Failures: 2, LastError: "fetch: 502 Bad Gateway <from upstream>"},
	}
	feeds := []story.Feed{
		{ID: "wire", URL: "https://wire.example/rss", Topic: "world"},
		{ID: "digest", URL: "https://digest.example/atom", Topic: "tech"},
		{ID: "almanac", URL: "https://almanac.example/feed", Topic: "science"},
	}
	store := homeStore(t, stories, dupes, states)
	hs := httptest.NewServer(httpapi.New(httpapi.Options{Store: store, Feeds: func() []story.Feed { return feeds }}))
	t.Cleanup(hs.Close)

	bctx := browser(t)
	ctx, cancel := context.WithTimeout(bctx, 60*time.Second)
	defer cancel()

	if err := chromedp.Do(ctx, chromedp.Navigate(hs.URL+"/"), chromedp.WaitVisible(chromedp.CSS("#feeds"))); err != nil {
		t.Fatalf("load /: %v", err)
	}
	// Feeds: the failing one first, with its error as text.
	if diff := cmp.Diff([]string{"digest", "almanac", "wire"}, homeAttrs(t, ctx, "#feeds tbody tr", "data-feed")); diff != "" {
		t.Errorf("feed rows (-want +got):\n%s", diff)
	}
	if got := homeText(t, ctx, "#feeds tbody tr:first-child td.status"); got != "failing (2)" {
		t.Errorf("first feed's status %q, want \"failing (2)\"", got)
	}
	if got := homeText(t, ctx, "#feeds tbody tr:first-child td.error"); got != "fetch: 502 Bad Gateway <from upstream>" {
		t.Errorf("first feed's error %q", got)
	}
	if got := homeText(t, ctx, `#feeds tr[data-feed="almanac"] td.status`); got != "never polled" {
		t.Errorf("almanac's status %q, want \"never polled\"", got)
	}
	// Stories: every topic with stories (science has none yet), world
	// with its two stories newest first.
	if diff := cmp.Diff([]string{"tech", "world"}, homeAttrs(t, ctx, "section.topic", "data-topic")); diff != "" {
		t.Errorf("topic sections (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"w1", "w2"}, homeAttrs(t, ctx, `section.topic[data-topic="world"] li`, "data-story")); diff != "" {
		t.Errorf("world's stories (-want +got):\n%s", diff)
	}
	if got := homeText(t, ctx, `li[data-story="w2"] a.story-title`); got != "Harbour <b>reopens</b>" {
		t.Errorf("w2's title shows as %q, want the markup as text", got)
	}
	if got := homeText(t, ctx, "#dupes-recent"); got != "1" {
		t.Errorf("stories with recent copies %q, want 1", got)
	}

	// The topic filter.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`a.topic-link[data-topic="tech"]`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-topic="tech"] #feeds`)),
	); err != nil {
		t.Fatalf("filter by tech: %v", err)
	}
	if diff := cmp.Diff([]string{"tech"}, homeAttrs(t, ctx, "section.topic", "data-topic")); diff != "" {
		t.Errorf("topic sections under the tech filter (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"t1"}, homeAttrs(t, ctx, "section.topic li", "data-story")); diff != "" {
		t.Errorf("stories under the tech filter (-want +got):\n%s", diff)
	}
	loc, err := chromedp.Run(ctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasSuffix(loc, "/?topic=tech") {
		t.Errorf("location after the filter %q", loc)
	}

	// The dedupe report, and back.
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS("#dupes-link")),
		chromedp.WaitVisible(chromedp.CSS(`section.story[data-story="t1"]`)),
	); err != nil {
		t.Fatalf("follow the link to /dupes: %v", err)
	}
	if got := homeText(t, ctx, "h1"); got != "Dedupe report" {
		t.Errorf("heading after the dupes link %q", got)
	}
	if loc, err := chromedp.Run(ctx, chromedp.Location()); err != nil || !strings.HasSuffix(loc, "/dupes?topic=tech") {
		t.Errorf("location after the dupes link %q (err %v)", loc, err)
	}
	if err := chromedp.Do(ctx,
		chromedp.Click(chromedp.CSS(`nav a[href="/"]`)),
		chromedp.WaitVisible(chromedp.CSS(`body[data-topic=""] #feeds`)),
	); err != nil {
		t.Fatalf("navigate back to /: %v", err)
	}
	if diff := cmp.Diff([]string{"tech", "world"}, homeAttrs(t, ctx, "section.topic", "data-topic")); diff != "" {
		t.Errorf("topic sections back on / (-want +got):\n%s", diff)
	}
}
