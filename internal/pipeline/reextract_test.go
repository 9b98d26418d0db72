package pipeline_test

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
)

// TestReextract polls an original and a syndicated copy of it, so that
// their pages are kept; then rewrites the kept pages the way a change of
// the extraction rules would change their text (the original loses a
// paragraph, the copy turns out to be another article), and re-extracts:
// a dry run counts and publishes nothing; the real run publishes a new
// version of the original and splits the copy out, through the stream and
// into the store.
func TestReextract(t *testing.T) {
	e := newEnv(t, nil)
	mux := http.NewServeMux()
	for _, name := range []string{"a", "b"} {
		mux.HandleFunc("GET /"+name+".xml", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%[1]s</title><link>http://%[2]s/</link>`+
				`<item><title>Harbour story one</title><link>http://%[2]s/%[1]s/1</link><guid>%[1]s-1</guid>`+
				`<pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate></item></channel></rss>`, name, r.Host)
		})
	}
	page := func(paras ...string) string {
		return "<html><body><article><h1>Harbour story one</h1><p>" + strings.Join(paras, "</p><p>") + "</p></article></body></html>"
	}
	mux.HandleFunc("GET /a/1", func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, page(tmplStory(1)...)) })
	mux.HandleFunc("GET /b/2", http.NotFound)
	mux.HandleFunc("GET /b/1", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, page(append([]string{"From our partners at the Harbour Gazette, republished with permission."}, tmplStory(1)...)...))
	})
	srv := serve(t, mux)
	feeds := []story.Feed{
		{ID: "a", URL: srv.URL + "/a.xml", Topic: "local", Interval: time.Hour, FetchArticle: true},
		{ID: "b", URL: srv.URL + "/b.xml", Topic: "local", Interval: time.Hour, FetchArticle: true},
	}
	e.consume(t)
	p, _ := e.pipelineWith(t, pipeline.Options{Feeds: feeds, Pages: e.store}, ledger.Options{Review: e.store})
	for _, f := range feeds {
		if _, err := p.Poll(t.Context(), f); err != nil {
			t.Fatalf("poll %s: %v", f.ID, err)
		}
	}
	stories, dupes := e.read(t)
	if len(stories) != 1 || len(dupes) != 1 {
		t.Fatalf("after the polls: %d stories and %d copies, want 1 and 1", len(stories), len(dupes))
	}
	orig := stories[0]
	e.waitStory(t, orig.ID)
	e.members(t, orig.ID, 1)

	rewrite := func(path string, paras ...string) {
		t.Helper()
		key, err := dedupe.CanonicalURL(srv.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		pg, ok, err := e.store.Page(key)
		if err != nil || !ok {
			t.Fatalf("page %s not kept: %v", key, err)
		}
		pg.Body = []byte(page(paras...))
		if err := e.store.SavePage(t.Context(), pg); err != nil {
			t.Fatal(err)
		}
	}
	rewrite("/a/1", tmplStory(1)[:3]...)
	rewrite("/b/1", tmplStory(50)...)

	var calls int
	dry, err := p.Reextract(t.Context(), pipeline.ReextractFilter{DryRun: true}, func(pipeline.ReextractProgress) { calls++ })
	if err != nil {
		t.Fatal(err)
	}
	want := pipeline.ReextractProgress{Total: 2, Done: 2, Updated: 1, Split: 1}
	if dry != want || calls != 2 {
		t.Errorf("dry run: %+v after %d progress calls, want %+v after 2", dry, calls, want)
	}
	if s, d := e.read(t); len(s) != 1 || len(d) != 1 {
		t.Fatalf("the dry run published: %d stories, %d copies on the stream", len(s), len(d))
	}

	got, err := p.Reextract(t.Context(), pipeline.ReextractFilter{FeedID: ""}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got != want {
		t.Errorf("reextract: %+v, want %+v", got, want)
	}
	stories, _ = e.read(t)
	var update, split *story.Story
	for i, s := range stories {
		switch {
		case s.ID == orig.ID && s.Text != orig.Text:
			update = &stories[i]
		case s.SplitFrom == orig.ID:
			split = &stories[i]
		}
	}
	if update == nil || update.Text != strings.Join(tmplStory(1)[:3], "\n\n") {
		t.Fatalf("no story update with the re-extracted text on the stream: %+v", stories)
	}
	if split == nil || !strings.Contains(split.Text, "In article 50 the") {
		t.Fatalf("the copy was not split out as its own story: %+v", stories)
	}
	e.waitStory(t, split.ID)
	e.members(t, orig.ID, 0)
	for _, want := range []*story.Story{update, split} {
		var err error
		held := testwait.Poll(10*time.Second, func() bool {
			var s story.Story
			s, _, err = e.store.Story(t.Context(), want.ID)
			return err != nil || s.Text == want.Text
		})
		switch {
		case err != nil:
			t.Fatal(err)
		case !held:
			t.Fatalf("the store kept the old text of %s", want.ID)
		}
	}

	// A second run finds nothing to do.
	again, err := p.Reextract(t.Context(), pipeline.ReextractFilter{Since: time.Now().Add(-time.Hour)}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if again.Updated != 0 || again.Split != 0 || again.Failed != 0 {
		t.Errorf("second run: %+v, want nothing updated or split", again)
	}
}
