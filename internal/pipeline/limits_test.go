package pipeline_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// limitSite serves a feed of articles 1..n (with an ETag, so an unchanged
// document answers 304 to a client that sends it back) and their pages.
// page, when set, writes article k's page instead of the default.
func limitSite(n int, page func(w http.ResponseWriter, r *http.Request, k int)) http.Handler {
	mux := http.NewServeMux()
	base := time.Date(2026, 4, 1, 8, 0, 0, 0, time.UTC)
	mux.HandleFunc("GET /feed.xml", func(w http.ResponseWriter, r *http.Request) {
		const etag = `"v1"`
		if r.Header.Get("If-None-Match") == etag {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		var items strings.Builder
		for k := n; k >= 1; k-- {
			fmt.Fprintf(&items, `<item><title>Limit story %d</title><link>http://%s/a/%d</link><guid>limit-%d</guid>`+
				`<pubDate>%s</pubDate><description>Story %d in brief.</description></item>`,
				k, r.Host, k, k, base.Add(time.Duration(k)*time.Minute).Format(time.RFC1123Z), k)
		}
		w.Header().Set("ETag", etag)
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Limits</title><link>http://%s/</link>%s</channel></rss>`,
			r.Host, items.String())
	})
	mux.HandleFunc("GET /a/{k}", func(w http.ResponseWriter, r *http.Request) {
		var k int
		if _, err := fmt.Sscan(r.PathValue("k"), &k); err != nil {
			http.NotFound(w, r)
			return
		}
		if page != nil {
			page(w, r, k)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><body><article><h1>Limit story %d</h1><p>%s</p></article></body></html>",
			k, strings.Join(tmplStory(k), "</p><p>"))
	})
	return mux
}

// TestMaxNewItems: a poll ingests at most MaxNewItems new items, keeps the
// feed's validators so the next poll reads the document again, and comes
// back soon; nothing is lost and nothing is published twice.
func TestMaxNewItems(t *testing.T) {
	e := newEnv(t, nil)
	srv := serve(t, limitSite(7, nil))
	feed := story.Feed{ID: "limits", URL: srv.URL + "/feed.xml", Topic: "local", Interval: time.Hour, FetchArticle: true}
	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, MaxNewItems: 3})

	for i, want := range []struct{ published, deferred int }{{3, 4}, {3, 1}, {1, 0}} {
		before := time.Now()
		res, err := p.Poll(t.Context(), feed)
		if err != nil {
			t.Fatalf("poll %d: %v", i+1, err)
		}
		if res.Published != want.published || res.Deferred != want.deferred || res.NotModified {
			t.Fatalf("poll %d: published %d, deferred %d, not modified %v; want %d, %d, false",
				i+1, res.Published, res.Deferred, res.NotModified, want.published, want.deferred)
		}
		if want.deferred > 0 && res.NextCheck.After(before.Add(time.Minute)) {
			t.Errorf("poll %d deferred items but comes back only at %v", i+1, res.NextCheck)
		}
		if st := e.state(t, feed.ID); (st.ETag != "") != (want.deferred == 0) {
			t.Errorf("poll %d: ETag %q stored with %d items deferred", i+1, st.ETag, want.deferred)
		}
	}
	if res, err := p.Poll(t.Context(), feed); err != nil || !res.NotModified {
		t.Errorf("fourth poll: %+v, %v; want 304 once every item is in", res, err)
	}
	stories, dupes := e.read(t)
	if len(stories) != 7 || len(dupes) != 0 {
		t.Errorf("stream holds %d stories and %d duplicates, want 7 and 0", len(stories), len(dupes))
	}
	if got := e.counter(t, "feedsift_items_deferred_total", ""); got != 5 {
		t.Errorf("feedsift_items_deferred_total = %v, want 5", got)
	}
}

// TestPollTimeout: a site that never finishes an article page cannot hold
// a poll past PollTimeout; the poll fails saying so, and the items it did
// reach stay published.
func TestPollTimeout(t *testing.T) {
	e := newEnv(t, func(o *fetcher.Options) { o.Timeout = 30 * time.Second })
	var hung atomic.Int32
	srv := serve(t, limitSite(3, func(w http.ResponseWriter, r *http.Request, k int) {
		if k == 2 {
			hung.Add(1)
			<-r.Context().Done() // never answers
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><body><article><p>%s</p></article></body></html>", strings.Join(tmplStory(k), "</p><p>"))
	}))
	feed := story.Feed{ID: "slow", URL: srv.URL + "/feed.xml", Topic: "local", Interval: time.Hour, FetchArticle: true}
	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, PollTimeout: 700 * time.Millisecond})

	res, err := p.Poll(t.Context(), feed)
	if err == nil || !strings.Contains(err.Error(), "cut short") || !strings.Contains(err.Error(), "slow") {
		t.Fatalf("Poll error = %v, want one naming the feed and saying the poll was cut short", err)
	}
	if hung.Load() == 0 {
		t.Fatal("the hanging page was never requested; the test proves nothing")
	}
	if res.Published != 1 {
		t.Errorf("published %d before the hang, want 1 (article 1)", res.Published)
	}
	if st := e.state(t, feed.ID); st.Failures != 1 || st.ETag != "" {
		t.Errorf("state after the cut: failures %d, ETag %q; want 1 and none", st.Failures, st.ETag)
	}
}

// TestMaxTextBytes: a story longer than MaxTextBytes is cut at a paragraph
// boundary, so its message stays within the NATS payload limit.
func TestMaxTextBytes(t *testing.T) {
	e := newEnv(t, nil)
	long := make([]string, 40)
	for i := range long {
		long[i] = strings.Join(tmplStory(100+i), " ")
	}
	srv := serve(t, limitSite(1, func(w http.ResponseWriter, r *http.Request, k int) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<html><body><article><p>%s</p></article></body></html>", strings.Join(long, "</p><p>"))
	}))
	feed := story.Feed{ID: "long", URL: srv.URL + "/feed.xml", Topic: "local", Interval: time.Hour, FetchArticle: true}
	const limit = 8 << 10
	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, MaxTextBytes: limit})
	if _, err := p.Poll(t.Context(), feed); err != nil {
		t.Fatal(err)
	}
	stories, _ := e.read(t)
	if len(stories) != 1 {
		t.Fatalf("%d stories, want 1", len(stories))
	}
	text := stories[0].Text
	if len(text) > limit || len(text) < limit/2 {
		t.Errorf("story text is %d bytes, want at most %d and not much less", len(text), limit)
	}
	if !strings.HasPrefix(text, long[0]) || !strings.HasSuffix(text, ".") {
		t.Errorf("text not cut at a paragraph boundary: ends %q", text[max(0, len(text)-40):])
	}
}

// TestContentTooComplex: a feed item whose content is markup too deep to
// parse is not published as raw tags; its summary is used instead.
func TestContentTooComplex(t *testing.T) {
	e := newEnv(t, nil)
	deep := strings.Repeat("<div>", 50_001) + "<p>" + strings.Join(tmplStory(9), "</p><p>") + "</p>"
	mux := http.NewServeMux()
	mux.HandleFunc("GET /feed.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel><title>Deep</title><link>http://%s/</link>`+
			`<item><title>Deep markup</title><guid>deep-1</guid><description>A short summary of the deep markup story for readers.</description>`+
			`<content:encoded><![CDATA[%s]]></content:encoded></item></channel></rss>`, r.Host, deep)
	})
	srv := serve(t, mux)
	feed := story.Feed{ID: "deep", URL: srv.URL + "/feed.xml", Topic: "local", Interval: time.Hour}
	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}})
	if _, err := p.Poll(t.Context(), feed); err != nil {
		t.Fatal(err)
	}
	stories, _ := e.read(t)
	for _, s := range stories {
		if strings.Contains(s.Text, "<div>") || len(s.Text) > 10_000 {
			t.Errorf("story %s carries raw markup (%d bytes, source %s)", s.ID, len(s.Text), s.Source)
		}
	}
	if len(stories) != 1 || stories[0].Source != "summary" {
		t.Errorf("got %d stories (%+v), want the item published from its summary", len(stories), stories)
	}
}
