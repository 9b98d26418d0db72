package pipeline_test

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/extract"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// The pages below are written for these tests. Each story sits in two
// "copy" blocks with an editor's note inside and a long promotional block
// between them, the layout a feed's selector is for.
func selectorStoryPage(title string, paras [2]string) string {
	return `<!doctype html><html lang="en"><head><title>` + title + `</title></head><body>
<div class="wrap">
<div class="copy"><p>` + paras[0] + `</p><p class="note">Editor's note: this story was updated on Friday.</p></div>
<div class="promo"><p>Become a member of the Quayside Courier and enjoy unlimited access to every story, our tide tables, the weekly crossword and invitations to members' evenings at the harbour.</p>
<p>Members also receive our printed annual with the year's best photographs of the bay, delivered to the door every December at no extra cost, and a discount at the harbour shop.</p></div>
<div class="copy"><p>` + paras[1] + `</p></div>
</div></body></html>`
}

var selectorStories = []struct {
	slug, title string
	paras       [2]string
}{
	{"night-buses", "Night buses return to the bay road", [2]string{
		"Night buses return to the bay road from Friday, the transport office said, after a year in which the last bus left the harbour at eleven in the evening.",
		"Buses will run every half hour until two in the morning on Fridays and Saturdays, and every hour on other nights, with a new stop added at the hospital.",
	}},
	{"tide-gauge", "Tide gauge moved to the new pier", [2]string{
		"The harbour's tide gauge was moved to the new pier on Wednesday, ending forty years of readings taken from the old wooden jetty at the mouth of the river.",
		"The new gauge sends a reading every minute to the harbour office, and the public can follow the tide on a screen that was put up at the ferry terminal.",
	}},
	{"bakery", "Quay bakery turns fifty", [2]string{
		"The bakery on the quay celebrated fifty years of trading on Saturday with free buns for the first hundred customers and a cake shaped like the old ferry.",
		"It was founded by a fisherman's widow in a former net loft, and her grandson, who now runs it, still bakes the rye loaf she sold on the first morning.",
	}},
}

// listingPage is a section front of teasers, written for these tests.
func listingPage() string {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Local news</title></head><body><main><h1>Local news</h1><div class="stream">`)
	for i, h := range []string{"Council to vote on the bus depot", "Island school wins chess title", "Lighthouse opens in April",
		"Fish market hours change", "Coast path repaired", "New librarian starts", "Sailing club plans regatta", "Roadworks on the bay road"} {
		fmt.Fprintf(&b, `<div class="teaser"><h2><a href="/n/%d">%s</a></h2><p>A short line about it.</p><time datetime="2026-03-0%d">March</time></div>`, i, h, i+1)
	}
	b.WriteString(`</div></main></body></html>`)
	return b.String()
}

func rssOf(base, prefix string, slugs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Courier</title><link>` + base + `/</link>`)
	for _, s := range slugs {
		fmt.Fprintf(&b, `<item><title>%s</title><link>%s/%s/%s</link><guid>%s-%s</guid><description>New today.</description></item>`, s, base, prefix, s, prefix, s)
	}
	b.WriteString(`</channel></rss>`)
	return b.String()
}

// TestPollFeedSelector polls, from a loopback server, a feed with a
// selector and exclusions, a feed whose selector matches nothing and a
// feed linking a listing page, with real JetStream and bbolt: the first
// feed's stories hold the selected text only; the second falls back to
// automatic extraction with one warning for the feed; every story carries
// its page type and confidence, and the listing's low confidence is
// counted.
func TestPollFeedSelector(t *testing.T) {
	e := newEnv(t, nil)
	mux := http.NewServeMux()
	srv := serve(t, mux)
	for i, st := range selectorStories {
		prefix := "sel"
		if i == 2 {
			prefix = "miss"
		}
		page := selectorStoryPage(st.title, st.paras)
		mux.HandleFunc("/"+prefix+"/"+st.slug, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, page)
		})
	}
	mux.HandleFunc("/list/local", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, listingPage())
	})
	mux.HandleFunc("/sel.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, rssOf(srv.URL, "sel", selectorStories[0].slug, selectorStories[1].slug))
	})
	mux.HandleFunc("/miss.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, rssOf(srv.URL, "miss", selectorStories[2].slug, selectorStories[2].slug+"?again"))
	})
	mux.HandleFunc("/list.rss", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprint(w, rssOf(srv.URL, "list", "local"))
	})

	var logs lockedBuffer
	logger := slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelWarn}))
	feeds := []story.Feed{
		{ID: "sel", URL: srv.URL + "/sel.rss", Topic: "local", FetchArticle: true, Interval: time.Minute, Selector: ".copy", Exclude: ".note, .byline"},
		{ID: "miss", URL: srv.URL + "/miss.rss", Topic: "other", FetchArticle: true, Interval: time.Minute, Selector: "#story-body"},
		{ID: "list", URL: srv.URL + "/list.rss", Topic: "fronts", FetchArticle: true, Interval: time.Minute},
	}
	p := e.pipeline(t, pipeline.Options{Feeds: feeds, Logger: logger})
	for _, f := range feeds {
		if _, err := p.Poll(t.Context(), f); err != nil {
			t.Fatalf("Poll(%s): %v", f.ID, err)
		}
	}
	stories, _ := e.read(t)
	byFeed := map[string][]story.Story{}
	for _, s := range stories {
		byFeed[s.FeedID] = append(byFeed[s.FeedID], s)
	}
	if len(byFeed["sel"]) != 2 || len(byFeed["miss"]) != 1 || len(byFeed["list"]) != 1 {
		t.Fatalf("stories by feed: sel %d, miss %d, list %d; want 2, 1, 1", len(byFeed["sel"]), len(byFeed["miss"]), len(byFeed["list"]))
	}
	for _, s := range byFeed["sel"] {
		var want string
		for _, st := range selectorStories {
			if strings.HasSuffix(s.URL, st.slug) {
				want = st.paras[0] + "\n\n" + st.paras[1]
			}
		}
		if s.Text != want {
			t.Errorf("story %s from the selector feed:\n%s\nwant:\n%s", s.URL, s.Text, want)
		}
		if s.Source != "article" || s.PageType == "" || s.Confidence <= 0 || s.Confidence > 1 {
			t.Errorf("story %s: source %q page_type %q confidence %v", s.URL, s.Source, s.PageType, s.Confidence)
		}
	}
	for _, s := range byFeed["miss"] {
		if !strings.Contains(s.Text, "bakery on the quay") || s.PageType == "" {
			t.Errorf("story %s from the feed whose selector matches nothing: page_type %q text:\n%s", s.URL, s.PageType, s.Text)
		}
	}
	if l := byFeed["list"][0]; l.PageType != extract.PageListing || !l.Doubtful() {
		t.Errorf("listing page published as page_type %q confidence %v, want a doubtful listing", l.PageType, l.Confidence)
	}
	if got := e.counter(t, "feedsift_low_confidence_total", extract.PageListing); got != 1 {
		t.Errorf("feedsift_low_confidence_total{page_type=listing} = %v, want 1", got)
	}
	var warned []map[string]any
	for _, r := range logs.records(t) {
		if msg, _ := r["msg"].(string); strings.Contains(msg, "selector matches nothing") {
			warned = append(warned, r)
		}
	}
	if len(warned) != 1 || warned[0]["feed_id"] != "miss" || warned[0]["selector"] != "#story-body" {
		t.Errorf("want one warning for feed miss naming its selector (its two pages both miss), got %v", warned)
	}
}
