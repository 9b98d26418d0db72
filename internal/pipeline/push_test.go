package pipeline_test

import (
	"errors"
	"fmt"
	"html"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// atomDoc renders an Atom feed carrying the given demo articles in full,
// newest first, each published at published, with a hub link when hub is
// not empty.
func atomDoc(self, hub string, published time.Time, arts ...feedfarm.Article) []byte {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="utf-8"?>` + "\n")
	b.WriteString(`<feed xmlns="http://www.w3.org/2005/Atom"><title>push test</title><id>` + html.EscapeString(self) + `</id>`)
	fmt.Fprintf(&b, `<link rel="self" href="%s"/>`, html.EscapeString(self))
	if hub != "" {
		fmt.Fprintf(&b, `<link rel="hub" href="%s"/>`, html.EscapeString(hub))
	}
	fmt.Fprintf(&b, `<updated>%s</updated>`, published.UTC().Format(time.RFC3339))
	for _, a := range slices.Backward(arts) {
		var content strings.Builder
		for _, p := range a.Paragraphs {
			content.WriteString("<p>" + html.EscapeString(p) + "</p>")
		}
		link := "https://news.example/" + a.Slug
		fmt.Fprintf(&b, `<entry><id>%s</id><title>%s</title><link rel="alternate" href="%s"/><updated>%s</updated><content type="html">%s</content></entry>`,
			html.EscapeString(link), html.EscapeString(a.Title), html.EscapeString(link),
			published.UTC().Format(time.RFC3339), html.EscapeString(content.String()))
	}
	b.WriteString(`</feed>`)
	return []byte(b.String())
}

// TestPushHooks polls a feed that advertises a hub and checks the hooks
// the daemon's WebSub support uses: OnFeedDocument sees the document and
// its Link header (not on a 304), IntervalFor sets the next check, and
// Ingest publishes the new item of a pushed document like a poll, without
// touching the feed's state.
func TestPushHooks(t *testing.T) {
	e := newEnv(t, nil)
	arts := demoArticles()
	first, second := arts["tram-line-3-opens"], arts["kestrel-2-reaches-orbit"]
	if len(first.Paragraphs) == 0 || len(second.Paragraphs) == 0 {
		t.Fatal("demo articles missing")
	}
	now := time.Now()
	const hub = "https://hub.example/"
	var polled []byte
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "application/atom+xml")
		w.Header().Set("ETag", `"v1"`)
		w.Header().Set("Link", `<`+hub+`>; rel="hub"`)
		_, _ = w.Write(polled)
	}))
	feed := story.Feed{ID: "pushed", URL: srv.URL + "/feed.atom", Topic: "local", Interval: time.Minute}
	polled = atomDoc(feed.URL, hub, now, first)

	type call struct {
		feedID string
		body   string
		links  []string
		ctype  string
	}
	var mu sync.Mutex
	var calls []call
	p := e.pipeline(t, pipeline.Options{
		Feeds: []story.Feed{feed},
		OnFeedDocument: func(f story.Feed, body []byte, h http.Header) {
			mu.Lock()
			defer mu.Unlock()
			calls = append(calls, call{f.ID, string(body), h.Values("Link"), h.Get("Content-Type")})
		},
		IntervalFor: func(id string) (time.Duration, bool) { return 3 * time.Hour, id == "pushed" },
	})

	start := time.Now()
	res, err := p.Poll(t.Context(), feed)
	if err != nil || res.Published != 1 {
		t.Fatalf("first Poll = %+v, %v; want 1 story published", res, err)
	}
	if got := res.NextCheck.Sub(start); got < 150*time.Minute || got > 210*time.Minute {
		t.Errorf("next check %v after the poll, want IntervalFor's 3h ± jitter", got)
	}
	wantCalls := []call{{"pushed", string(polled), []string{`<` + hub + `>; rel="hub"`}, "application/atom+xml"}}
	if res, err := p.Poll(t.Context(), feed); err != nil || !res.NotModified {
		t.Fatalf("second Poll = %+v, %v; want a 304", res, err)
	}
	mu.Lock()
	if diff := cmp.Diff(wantCalls, calls, cmp.AllowUnexported(call{})); diff != "" {
		t.Errorf("OnFeedDocument calls (-want +got):\n%s", diff)
	}
	mu.Unlock()
	before := e.state(t, "pushed")

	pushed := atomDoc(feed.URL, hub, now, first, second)
	res, err = p.Ingest(t.Context(), feed, pushed, "application/atom+xml")
	if err != nil {
		t.Fatalf("Ingest: %v", err)
	}
	if res.Items != 2 || res.New != 1 || res.Published != 1 || res.FeedID != "pushed" {
		t.Errorf("Ingest = %+v, want 2 items, 1 new, 1 published", res)
	}
	stories, _ := e.read(t)
	var titles []string
	for _, s := range stories {
		titles = append(titles, s.Title)
	}
	if diff := cmp.Diff([]string{first.Title, second.Title}, titles); diff != "" {
		t.Errorf("stories on the stream (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(before, e.state(t, "pushed")); diff != "" {
		t.Errorf("Ingest changed the feed state (-before +after):\n%s", diff)
	}

	// The same document again publishes nothing; a broken one is a parse error.
	if res, err := p.Ingest(t.Context(), feed, pushed, "application/atom+xml"); err != nil || res.New != 0 || res.Published != 0 {
		t.Errorf("Ingest of the same document = %+v, %v; want nothing new", res, err)
	}
	_, err = p.Ingest(t.Context(), feed, []byte("<feed><entry>"), "application/atom+xml")
	var pe *pipeline.PollError
	if !errors.As(err, &pe) || pe.Kind != pipeline.ErrKindParse || pe.FeedID != "pushed" {
		t.Errorf("Ingest of a broken document: %v, want a parse PollError for the feed", err)
	}
}
