package daemon_test

import (
	"fmt"
	"html"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/internal/testwait"
)

// outlet is one news site on its own loopback address: a feed of one
// item and that item's page.
type outlet struct {
	srv       *httptest.Server
	published time.Time
	canonical func() string // the page's rel=canonical; nil for its own address
	header    string
}

func (o *outlet) pageURL() string { return o.srv.URL + "/news/aske-floods" }
func (o *outlet) feedURL() string { return o.srv.URL + "/feed.xml" }

func serveOutlet(t *testing.T, addr string, o *outlet, paras []string, title string) {
	t.Helper()
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("cannot listen on %s (a second loopback address is needed): %v", addr, err)
	}
	o.srv = httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml")
			fmt.Fprintf(w, `<?xml version="1.0"?><rss version="2.0"><channel><title>%s</title><link>%s/</link>
<item><title>%s</title><link>%s</link><guid isPermaLink="false">aske-1</guid><pubDate>%s</pubDate><description>Flooding in Lowbridge.</description></item>
</channel></rss>`, o.srv.URL, o.srv.URL, html.EscapeString(title), o.pageURL(), o.published.Format(time.RFC1123Z))
		case "/news/aske-floods":
			canonical := o.pageURL()
			if o.canonical != nil {
				canonical = o.canonical()
			}
			var b strings.Builder
			fmt.Fprintf(&b, `<!doctype html><html><head><title>%s</title><link rel="canonical" href="%s"></head><body><article><h1>%s</h1>`,
				html.EscapeString(title), canonical, html.EscapeString(title))
			if o.header != "" {
				fmt.Fprintf(&b, "<p><em>%s</em></p>", html.EscapeString(o.header))
			}
			for _, p := range paras {
				fmt.Fprintf(&b, "<p>%s</p>", html.EscapeString(p))
			}
			b.WriteString("</article></body></html>")
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, b.String())
		default:
			http.NotFound(w, r)
		}
	}))
	o.srv.Listener = ln
	o.srv.Start()
	t.Cleanup(o.srv.Close)
}

// TestCreditedOriginalReplacesSyndicatedCopy runs the daemon on two
// outlets on two loopback addresses. The wire's copy, polled first, is
// dated earlier but its page names the town paper's page as the original
// (rel=canonical); when the paper's feed is added, its version becomes the
// story's kept version under the same ID, and the story says why.
func TestCreditedOriginalReplacesSyndicatedCopy(t *testing.T) {
	flood := demoArticle(t, "river-aske-floods-lowbridge")
	day := time.Date(2026, 3, 10, 7, 0, 0, 0, time.UTC)
	paper := &outlet{published: day.Add(3 * time.Hour)}
	wire := &outlet{published: day, canonical: paper.pageURL, header: "This report reaches you through a partner newsroom."}
	serveOutlet(t, "127.0.0.2:0", paper, flood.Paragraphs, flood.Title)
	serveOutlet(t, "127.0.0.1:0", wire, flood.Paragraphs, flood.Title)

	dir := t.TempDir()
	path := filepath.Join(dir, "feedsift.toml")
	urls := map[string]string{"wire": wire.feedURL()}
	r := startWithPath(t, writeConfig(t, path, filepath.Join(dir, "data"), urls, "wire"), path)
	store := r.d.Store()

	first := onlyStory(t, store, "the wire copy stored as the story")
	if first.FeedID != "wire" || first.Credits != paper.pageURL() {
		t.Fatalf("first story: feed %s, credits %q; want the wire's, crediting %s", first.FeedID, first.Credits, paper.pageURL())
	}

	status, body := call(t, r, http.MethodPost, "/api/feeds", httpapi.FeedRequest{ID: "paper", URL: paper.feedURL(), Topic: "local", Interval: "2h"})
	if status != http.StatusOK {
		t.Fatalf("POST /api/feeds: %d %s", status, body)
	}
	var kept story.Story
	testwait.Until(t, "the paper's version kept in the wire copy's place", 30*time.Second, func() bool {
		s, ok, err := store.Story(t.Context(), first.ID)
		kept = s
		return err == nil && ok && s.FeedID == "paper"
	})
	if !strings.Contains(kept.Kept, "names it as the original") || kept.Credits != "" || kept.URL != paper.pageURL() {
		t.Errorf("kept story: %s, kept because %q, credits %q; want the paper's page, named as the original, crediting nobody",
			kept.URL, kept.Kept, kept.Credits)
	}
	var members []story.Duplicate
	testwait.Until(t, "the wire copy recorded as the story's copy", 30*time.Second, func() bool {
		ms, err := store.Members(t.Context(), first.ID)
		members = ms
		return err == nil && len(ms) == 1
	})
	if m := members[0]; m.FeedID != "wire" || m.Method != story.MethodReplaced || m.Credits != paper.pageURL() {
		t.Errorf("copy: feed %s, method %s, credits %q; want the wire's, %s, crediting the paper", m.FeedID, m.Method, m.Credits, story.MethodReplaced)
	}
}
