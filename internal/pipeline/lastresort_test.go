package pipeline_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// teaserBoardPage is a board of job teasers, written for this test, on
// which every extraction reader fails (each teaser carries a name read as
// boilerplate, and the board is too short and too linked for the region
// reader): extract gives only its last-resort reading.
func teaserBoardPage() string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html lang="en"><head><title>Harbour jobs</title></head><body>
<header><a href="/">Quayside Careers</a> <a href="/jobs">Jobs</a> <a href="/login">Sign in</a></header><div class="board">`)
	for i, job := range [][3]string{
		{"Relief harbour pilot", "Port of Aldmouth", "Full time, nights"},
		{"Crane operator", "Northgate container terminal", "Shifts"},
		{"Marine electrician", "Aldmouth dry dock", "Permanent"},
		{"Ferry deckhand", "Island crossings", "Seasonal, April to October"},
		{"Port security officer", "East quay gate", "Part time"},
	} {
		fmt.Fprintf(&b, `<div class="teaser"><a href="/jobs/%d"><h3>%s</h3></a><span>%s</span> <span>%s</span> <a href="/jobs/%d/apply">Apply</a></div>`, i, job[0], job[1], job[2], i)
	}
	b.WriteString(`</div><footer><a href="/privacy">Privacy</a></footer></body></html>`)
	return b.String()
}

// TestPollLastResortPage: a page that gives only a last-resort reading
// (extract.BlockLastResort) is worth less than the item's own text, as
// when extraction found nothing: an item with a summary is published
// from its summary; an item without text of its own is published from
// the page's reading, flagged as doubtful.
func TestPollLastResortPage(t *testing.T) {
	e := newEnv(t, nil)
	mux := http.NewServeMux()
	srv := serve(t, mux)
	page := teaserBoardPage()
	mux.HandleFunc("/jobs/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, page)
	})
	mux.HandleFunc("/summary.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Jobs</title><link>`+srv.URL+`/</link>`+
			`<item><title>Harbour jobs this week</title><link>`+srv.URL+`/jobs/week</link><guid>week</guid>`+
			`<description>Five new openings on the harbour, from a relief pilot to a ferry deckhand.</description></item></channel></rss>`)
	})
	mux.HandleFunc("/bare.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>Jobs</title><link>`+srv.URL+`/</link>`+
			`<item><title>Harbour jobs today</title><link>`+srv.URL+`/jobs/today</link><guid>today</guid></item></channel></rss>`)
	})
	feeds := []story.Feed{
		{ID: "summary", URL: srv.URL + "/summary.rss", Topic: "jobs", FetchArticle: true, Interval: time.Minute},
		{ID: "bare", URL: srv.URL + "/bare.rss", Topic: "jobs", FetchArticle: true, Interval: time.Minute},
	}
	p := e.pipeline(t, pipeline.Options{Feeds: feeds})
	for _, f := range feeds {
		if _, err := p.Poll(t.Context(), f); err != nil {
			t.Fatalf("Poll(%s): %v", f.ID, err)
		}
	}
	stories, _ := e.read(t)
	byFeed := map[string]story.Story{}
	for _, s := range stories {
		byFeed[s.FeedID] = s
	}
	if len(stories) != 2 {
		t.Fatalf("stream has %d stories, want 2", len(stories))
	}
	if s := byFeed["summary"]; s.Source != "summary" || !strings.Contains(s.Text, "relief pilot") {
		t.Errorf("item with a summary: source %q text %q; want its summary", s.Source, s.Text)
	}
	if s := byFeed["bare"]; s.Source != "article" || !strings.Contains(s.Text, "Marine electrician") || !s.Doubtful() {
		t.Errorf("item without text: source %q confidence %v text %q; want the page's last-resort reading, doubtful", s.Source, s.Confidence, s.Text)
	}
}
