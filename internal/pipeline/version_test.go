package pipeline_test

import (
	"fmt"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/pipeline"
	"github.com/feedsift/feedsift/internal/story"
)

// TestStoryUpdate: an item that carries a story's text plus new paragraphs
// is an update of it: recorded as a copy whose reason says so, and
// published as revision 1 of the story with the longer text; the same
// update seen again publishes nothing more.
func TestStoryUpdate(t *testing.T) {
	e := newEnv(t, nil)
	var round atomic.Int32
	base := tmplStory(7)
	more := append(append([]string{}, base...), tmplStory(70)...)
	mux := http.NewServeMux()
	mux.HandleFunc("GET /{feed}", func(w http.ResponseWriter, r *http.Request) {
		name := strings.TrimSuffix(r.PathValue("feed"), ".xml")
		var items string
		switch {
		case name == "a":
			items = fmt.Sprintf(`<item><title>Ferry fares frozen</title><link>http://%s/a/1</link><guid>a-1</guid>`+
				`<pubDate>Mon, 02 Mar 2026 08:00:00 +0000</pubDate><description><![CDATA[<p>%s</p>]]></description></item>`,
				r.Host, strings.Join(base, "</p><p>"))
		case name == "b" && round.Load() > 0:
			items = fmt.Sprintf(`<item><title>Ferry fares frozen, council adds night sailings</title><link>http://%s/b/9</link><guid>b-9</guid>`+
				`<pubDate>Mon, 02 Mar 2026 11:00:00 +0000</pubDate><description><![CDATA[<p>%s</p>]]></description></item>`,
				r.Host, strings.Join(more, "</p><p>"))
		}
		w.Header().Set("Content-Type", "application/rss+xml")
		fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>http://%s/</link>%s</channel></rss>`, name, r.Host, items)
	})
	srv := serve(t, mux)
	feeds := []story.Feed{
		{ID: "a", URL: srv.URL + "/a.xml", Topic: "local", Interval: time.Hour},
		{ID: "b", URL: srv.URL + "/b.xml", Topic: "local", Interval: time.Hour},
	}
	e.consume(t)
	p, _ := e.pipelineWith(t, pipeline.Options{Feeds: feeds}, ledger.Options{Review: e.store})
	if _, err := p.Poll(t.Context(), feeds[0]); err != nil {
		t.Fatal(err)
	}
	stories, _ := e.read(t)
	if len(stories) != 1 {
		t.Fatalf("%d stories after the original, want 1", len(stories))
	}
	orig := stories[0]
	e.waitStory(t, orig.ID)

	round.Store(1)
	for range 2 { // the second poll sees the same update again
		if _, err := p.Poll(t.Context(), feeds[1]); err != nil {
			t.Fatal(err)
		}
	}
	stories, dupes := e.read(t)
	if len(dupes) != 1 || dupes[0].StoryID != orig.ID || !strings.Contains(dupes[0].Reason, "update of the story") {
		t.Fatalf("copies %+v, want one record of the update joining %s", dupes, orig.ID)
	}
	if len(stories) != 2 {
		t.Fatalf("%d story messages, want the story and one revision", len(stories))
	}
	rev := stories[1]
	if rev.ID != orig.ID || rev.Revision != 1 || rev.Text != strings.Join(more, "\n\n") ||
		rev.Title != "Ferry fares frozen, council adds night sailings" || !strings.HasSuffix(rev.UpdateURL, "/b/9") || rev.Updated.IsZero() {
		t.Errorf("revision: id %s rev %d title %q update_url %q, text of %d bytes; want revision 1 of %s with the update's text and title",
			rev.ID, rev.Revision, rev.Title, rev.UpdateURL, len(rev.Text), orig.ID)
	}
	if got := e.counter(t, "feedsift_story_revisions_total", ""); got != 1 {
		t.Errorf("feedsift_story_revisions_total = %v, want 1", got)
	}
}
