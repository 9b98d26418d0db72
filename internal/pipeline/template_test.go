package pipeline_test

import (
	"fmt"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// siteBlock is a line the site prints inside every article body, where the
// extractor cannot tell it from the story.
const siteBlock = "Support independent journalism: become a member of the Harbour Gazette today."

var tmplWords = strings.Fields(`harbour council ferry budget school river bridge mayor night market
	storm village library rail tunnel museum festival farmer vote court nurse hospital bakery winter
	summer lighthouse engineer pupils teacher archive orchestra island canal road tram station pier
	fishermen harvest drought flood insurance landlord tenant rent wage strike union shipyard crane
	cargo port customs border inspector auditor report plan delay contract tender bid grant fund`)

// tmplStory returns four paragraphs of text unique to article n.
func tmplStory(n int) []string {
	r := rand.New(rand.NewPCG(uint64(n), 7))
	paras := make([]string, 4)
	for i := range paras {
		words := make([]string, 45)
		for j := range words {
			words[j] = tmplWords[r.IntN(len(tmplWords))]
		}
		paras[i] = fmt.Sprintf("In article %d the %s.", n, strings.Join(words, " "))
	}
	return paras
}

// templateSite serves an RSS feed listing articles 1..*count, each page
// carrying siteBlock inside its article body.
func templateSite(count *atomic.Int32) http.Handler {
	mux := http.NewServeMux()
	base := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	mux.HandleFunc("GET /feed.xml", func(w http.ResponseWriter, r *http.Request) {
		var items strings.Builder
		for i := int(count.Load()); i >= 1; i-- {
			fmt.Fprintf(&items, `<item><title>Harbour story %d</title><link>http://%s/a/%d</link>`+
				`<guid>harbour-%d</guid><pubDate>%s</pubDate><description>Story %d in brief.</description></item>`,
				i, r.Host, i, i, base.Add(time.Duration(i)*time.Hour).Format(time.RFC1123Z), i)
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Harbour Gazette</title>`+
			`<link>http://%s/</link>%s</channel></rss>`, r.Host, items.String())
	})
	mux.HandleFunc("GET /a/{n}", func(w http.ResponseWriter, r *http.Request) {
		var n int
		if _, err := fmt.Sscan(r.PathValue("n"), &n); err != nil {
			http.NotFound(w, r)
			return
		}
		var body strings.Builder
		for i, p := range tmplStory(n) {
			fmt.Fprintf(&body, "<p>%s</p>\n", p)
			if i == 1 {
				fmt.Fprintf(&body, "<p>%s</p>\n", siteBlock)
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Harbour story %d</title></head><body>`+
			`<article><h1>Harbour story %d</h1>%s</article></body></html>`, n, n, body.String())
	})
	return mux
}

// TestSiteTemplate publishes a site's articles one poll at a time: the
// site block stays in the stories published before the site's template
// knows it and is gone from those after, also after a restart (a new
// pipeline over the same store).
func TestSiteTemplate(t *testing.T) {
	e := newEnv(t, nil)
	var count atomic.Int32
	srv := serve(t, templateSite(&count))
	feed := story.Feed{ID: "harbour", URL: srv.URL + "/feed.xml", Topic: "local", Interval: time.Minute, FetchArticle: true}

	poll := func(p *pipeline.Pipeline, n int) story.Story {
		t.Helper()
		count.Store(int32(n))
		res, err := p.Poll(t.Context(), feed)
		if err != nil {
			t.Fatalf("poll for article %d: %v", n, err)
		}
		if res.Published != 1 {
			t.Fatalf("poll for article %d published %d stories, want 1 (%+v)", n, res.Published, res)
		}
		stories, _ := e.read(t)
		s := stories[len(stories)-1]
		if !strings.Contains(s.Text, fmt.Sprintf("In article %d the", n)) || s.Source != "article" {
			t.Fatalf("story %d has source %q and text %q, want the article's story", n, s.Source, s.Text)
		}
		return s
	}
	hasBlock := func(s story.Story) bool { return strings.Contains(s.Text, siteBlock) }

	p := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, Templates: e.store})
	// Articles 1-3: the block was on fewer than 3 other pages, so it stays.
	// From article 4 on it was on 3 or more and is dropped.
	for n := 1; n <= 5; n++ {
		s := poll(p, n)
		if want := n <= 3; hasBlock(s) != want {
			t.Errorf("story %d carries the site block: %v, want %v\n%s", n, hasBlock(s), want, s.Text)
		}
		if n >= 4 && strings.Count(s.Text, "\n\n") != 3 {
			t.Errorf("story %d: want its 4 story paragraphs kept, got:\n%s", n, s.Text)
		}
	}

	// A new pipeline over the same store knows the template without
	// having seen a page.
	restarted := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, Templates: e.store,
		Metrics: pipeline.NewMetrics(prometheus.NewRegistry())})
	if s := poll(restarted, 6); hasBlock(s) {
		t.Errorf("after a restart story 6 carries the site block:\n%s", s.Text)
	}
	data, err := e.store.LoadTemplate(t.Context(), "127.0.0.1")
	if err != nil || len(data) == 0 {
		t.Errorf("stored template of the site: %d bytes, err %v; want some", len(data), err)
	}

	// Without Templates the feature is off: the block stays.
	off := e.pipeline(t, pipeline.Options{Feeds: []story.Feed{feed}, Metrics: pipeline.NewMetrics(prometheus.NewRegistry())})
	if s := poll(off, 7); !hasBlock(s) {
		t.Errorf("with Templates nil story 7 lost the site block:\n%s", s.Text)
	}
}
