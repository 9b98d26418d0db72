package pipeline_test

import (
	"context"
	"errors"
	"fmt"
	"html"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
	"github.com/feedsift/feedsift/sink"
)

// rssItem is one item of a test feed carrying full content.
type rssItem struct {
	guid, url, title string
	paras            []string
	published        time.Time
}

// feedServer serves /<feed>.xml from items that the test changes.
type feedServer struct {
	mu    sync.Mutex
	feeds map[string][]rssItem
}

func (f *feedServer) set(feed string, items ...rssItem) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.feeds[feed] = items
}

func (f *feedServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	items := f.feeds[strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/"), ".xml")]
	f.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>t</title><link>https://feeds.example/</link><description>d</description>`)
	for _, it := range items {
		var body strings.Builder
		for _, p := range it.paras {
			body.WriteString("<p>" + html.EscapeString(p) + "</p>")
		}
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s</link><guid isPermaLink="false">%s</guid><pubDate>%s</pubDate><content:encoded><![CDATA[%s]]></content:encoded></item>`,
			html.EscapeString(it.title), html.EscapeString(it.url), html.EscapeString(it.guid), it.published.Format(time.RFC1123Z), body.String())
	}
	b.WriteString(`</channel></rss>`)
	w.Header().Set("Content-Type", "application/rss+xml")
	_, _ = w.Write([]byte(b.String()))
}

// consume runs the store's stream consumer for the rest of the test.
func (e *env) consume(t *testing.T) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- e.store.Consume(ctx, e.js, "") }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Consume: %v", err)
		}
	})
}

// members waits until the store holds n members of storyID and returns
// them.
func (e *env) members(t *testing.T, storyID string, n int) []story.Duplicate {
	t.Helper()
	var (
		ms  []story.Duplicate
		err error
	)
	held := testwait.Poll(10*time.Second, func() bool {
		ms, err = e.store.Members(t.Context(), storyID)
		return err != nil || len(ms) == n
	})
	switch {
	case err != nil:
		t.Fatal(err)
	case !held:
		t.Fatalf("story %s has %d members in the store, want %d: %+v", storyID, len(ms), n, ms)
	}
	return ms
}

// waitStory waits until the store holds story id.
func (e *env) waitStory(t *testing.T, id string) {
	t.Helper()
	if !testwait.Poll(10*time.Second, func() bool {
		_, ok, err := e.store.Story(t.Context(), id)
		return err != nil || ok
	}) {
		t.Fatalf("story %s did not reach the store", id)
	}
}

// TestSplitAndMergeHonoured splits a copy out of a story and merges two
// stories, then feeds later copies: a copy of the split member (by URL and
// by text) joins the new story, never the old one; a copy of the merged
// story (by text and by URL) joins the story it was merged into. A
// pipeline rebuilt from the stream, as the daemon does at start, decides
// the same.
func TestSplitAndMergeHonoured(t *testing.T) {
	e := newEnv(t, nil)
	e.consume(t)
	arts := demoArticles()
	tram, flood := arts["tram-line-3-opens"].Paragraphs, arts["river-aske-floods-lowbridge"].Paragraphs
	header := "Shared with readers of the Fenwick Ledger under a content partnership."
	withHeader := append([]string{header}, tram...)
	day := time.Date(2026, 3, 7, 9, 0, 0, 0, time.UTC)
	fs := &feedServer{feeds: map[string][]rssItem{}}
	srv := serve(t, fs)
	feed := func(id, topic string) story.Feed {
		return story.Feed{ID: id, URL: srv.URL + "/" + id + ".xml", Topic: topic, Interval: time.Hour}
	}
	p, l := e.pipelineWith(t, pipeline.Options{Now: func() time.Time { return day.Add(24 * time.Hour) }}, ledger.Options{Review: e.store})
	ctx := t.Context()
	poll := func(p *pipeline.Pipeline, f story.Feed) pipeline.PollResult {
		t.Helper()
		res, err := p.Poll(ctx, f)
		if err != nil {
			t.Fatalf("poll %s: %v", f.ID, err)
		}
		return res
	}

	// A story and a content copy of it.
	fs.set("courier", rssItem{"c-1", "https://courier.example/tram", "Trams open", tram, day})
	fs.set("ledger", rssItem{"l-1", "https://ledger.example/trams", "Trams carry passengers", withHeader, day.Add(time.Hour)})
	poll(p, feed("courier", "world"))
	poll(p, feed("ledger", "world"))
	storyID := dedupe.StoryID("guid:courier:c-1")
	m := e.members(t, storyID, 1)[0]
	if m.Method != "content" || m.Text == "" || m.Source != "content" {
		t.Fatalf("member = %+v, want a content copy carrying its text", m)
	}

	// Split it out, by URL.
	res, err := l.Split(ctx, storyID[:10], m.URL, "tester")
	if err != nil {
		t.Fatalf("Split: %v", err)
	}
	splitID := dedupe.StoryID("guid:ledger:l-1")
	if res.Override.NewStory != splitID || !res.Stored || len(res.Stories) != 1 || res.Stories[0].ID != splitID {
		t.Fatalf("Split result = %+v, want new story %s stored and announced", res, splitID)
	}
	if _, err := l.Split(ctx, storyID, m.URL, "tester"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("second Split of the same member = %v, want ErrNotFound", err)
	}

	// Later copies of the split member: the same page under a new GUID,
	// and its text from another feed.
	fs.set("ledger", rssItem{"l-1-updated", "https://ledger.example/trams?utm_source=rss", "Trams carry passengers (updated)", withHeader, day.Add(2 * time.Hour)})
	fs.set("gazette", rssItem{"g-1", "https://gazette.example/trams", "Trams: first day", withHeader, day.Add(3 * time.Hour)})
	if r := poll(p, feed("ledger", "world")); r.Duplicates != 1 {
		t.Fatalf("repost of the split member: %+v, want one duplicate", r)
	}
	if r := poll(p, feed("gazette", "world")); r.Duplicates != 1 {
		t.Fatalf("copy of the split member's text: %+v, want one duplicate", r)
	}
	for _, d := range e.members(t, splitID, 2) {
		if !strings.Contains(d.Reason, "instead of "+storyID) && d.Method == "url" {
			t.Errorf("member %s of the split story: reason %q does not explain the override", d.URL, d.Reason)
		}
	}
	e.members(t, storyID, 0)

	// Merge: a separate story joins the first one; its later copies follow.
	fs.set("wire", rssItem{"w-1", "https://wire.example/flood", "River floods", flood, day.Add(4 * time.Hour)})
	poll(p, feed("wire", "world"))
	floodID := dedupe.StoryID("guid:wire:w-1")
	e.waitStory(t, floodID)
	if _, err := l.Merge(ctx, storyID, storyID, "tester"); !errors.Is(err, ledger.ErrBadOverride) {
		t.Errorf("Merge of a story into itself = %v, want ErrBadOverride", err)
	}
	res, err = l.Merge(ctx, storyID, floodID, "tester")
	if err != nil {
		t.Fatalf("Merge: %v", err)
	}
	if !res.Stored || len(res.Stories) != 2 || res.Stories[1].MergedInto != storyID {
		t.Fatalf("Merge result = %+v", res)
	}
	if _, err := l.Merge(ctx, splitID, floodID, "tester"); !errors.Is(err, ledger.ErrBadOverride) {
		t.Errorf("second Merge of the same story = %v, want ErrBadOverride", err)
	}
	fs.set("mirror", rssItem{"mi-1", "https://mirror.example/flood", "Flood (mirror)", flood, day.Add(5 * time.Hour)})
	fs.set("wire", rssItem{"w-1-again", "https://wire.example/flood?utm_medium=x", "River floods (again)", flood, day.Add(6 * time.Hour)})
	poll(p, feed("mirror", "world"))
	poll(p, feed("wire", "world"))
	got := e.members(t, storyID, 3) // the merged story, its text copy, its repost
	urls := map[string]string{}
	for _, d := range got {
		urls[d.URL] = d.Method
	}
	for url, method := range map[string]string{
		"https://wire.example/flood":              story.MethodManual,
		"https://mirror.example/flood":            "content",
		"https://wire.example/flood?utm_medium=x": "url",
	} {
		if urls[url] != method {
			t.Errorf("members of %s after merge: %v; want %s as %s", storyID, urls, url, method)
		}
	}
	if st, ok, _ := e.store.Story(t.Context(), floodID); !ok || st.MergedInto != storyID {
		t.Errorf("merged story in the store: %+v, want merged_into %s", st, storyID)
	}
	if st, ok, _ := e.store.Story(t.Context(), storyID); !ok || len(st.Merged) != 1 || st.Merged[0] != floodID {
		t.Errorf("absorbing story in the store: merged %v, want [%s]", st.Merged, floodID)
	}
	rep, err := e.store.Report(sink.StoryFilter{})
	if err != nil {
		t.Fatal(err)
	}
	sizes := map[string]int{}
	for _, r := range rep {
		sizes[r.Story.ID] = len(r.Members)
	}
	if len(sizes) != 2 || sizes[storyID] != 3 || sizes[splitID] != 2 {
		t.Errorf("report sizes %v, want %s: 3, %s: 2", sizes, storyID, splitID)
	}

	// Restart: rebuild the index and the overrides from the stream as the
	// daemon does, then new copies go where the overrides say.
	index, err := dedupe.NewIndex(dedupe.Options{})
	if err != nil {
		t.Fatal(err)
	}
	ov := ledger.NewOverrides()
	err = e.js.Replay(ctx, func(ev sink.Event) error {
		if ev.Override != nil {
			ov.Apply(*ev.Override)
		} else if en, ok := ledger.Entry(ev); ok {
			index.Add(en)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if ov.Applied() != 2 {
		t.Errorf("replay applied %d overrides, want 2", ov.Applied())
	}
	p2, _ := e.pipelineWith(t, pipeline.Options{Metrics: pipeline.NewMetrics(nil)}, ledger.Options{Index: index, Overrides: ov, Review: e.store})
	fs.set("herald", rssItem{"h-1", "https://herald.example/trams", "Trams (herald)", withHeader, day.Add(7 * time.Hour)})
	fs.set("post", rssItem{"p-1", "https://post.example/flood", "Flood (post)", flood, day.Add(8 * time.Hour)})
	poll(p2, feed("herald", "world"))
	poll(p2, feed("post", "world"))
	e.members(t, splitID, 3)
	e.members(t, storyID, 4)
}
