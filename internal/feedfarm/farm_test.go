package feedfarm_test

import (
	"bytes"
	"html"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/mmcdole/gofeed"

	"github.com/feedsift/feedsift/internal/feedfarm"
)

// syntheticSeeds are raw texts with junk lines, like the shared seeds but
// written for this test.
func syntheticSeeds() []feedfarm.Article {
	texts := []string{
		"Home » Local » Harbour bridge reopens\n\nHarbour bridge reopens after eight months of repairs\n\nThe swing bridge over the inner harbour reopened to traffic on Monday after eight months of repairs to its turning gear. Drivers had faced a detour of four kilometres.\n\nEngineers replaced the central bearing and repainted the span.\n\nLeave a Reply\n\nYour email address will not be published. Required fields are marked *\n",
		"Business\n\nBakery chain opens its first shop on the islands\n\nA regional bakery chain has opened a shop on the largest of the Merrow islands, its first outside the mainland. The company said it would bake on site every morning.\n\nSource link\n",
		"Title: Volunteers count record number of wading birds\nVolunteers counting wading birds on the estuary recorded more than 40,000 birds on Sunday, the highest total since counts began. Mild weather is thought to have helped.\nSimilar Posts\n",
		"harbour view 230411 1920\n\nSchool choir wins national competition at first attempt\n\nA choir from a small village school has won a national competition at its first attempt, beating forty other schools. The children sang three songs in two languages.\n\nScroll to Top\n",
		"City library extends opening hours on weekdays\n\nThe city library will stay open until nine in the evening on weekdays from next month, after a survey found that many readers could not visit during working hours.\n",
	}
	var arts []feedfarm.Article
	for _, s := range texts {
		arts = append(arts, feedfarm.ArticleFromText("", s))
	}
	return arts
}

func scenarios(t *testing.T) map[string]feedfarm.Scenario {
	return map[string]feedfarm.Scenario{
		"demo":           feedfarm.DemoScenario(),
		"synthetic-seed": feedfarm.SeedScenario(syntheticSeeds()),
	}
}

func TestFeedsParse(t *testing.T) {
	wantType := map[string]string{ // format → gofeed's type and version
		feedfarm.FormatRSS: "rss 2.0", feedfarm.FormatRDF: "rss 1.0",
		feedfarm.FormatAtom: "atom 1.0", feedfarm.FormatJSON: "json https://jsonfeed.org/version/1.1",
	}
	for name, sc := range scenarios(t) {
		t.Run(name, func(t *testing.T) {
			f, srv := serve(t, sc)
			urls := f.FeedURLs(srv.URL + "/")
			exp := map[string]feedfarm.Expectation{}
			for _, x := range sc.Expected() {
				exp[x.Site+" "+x.GUID] = x
			}
			for round := range 2 {
				f.SetRound(round)
				for _, s := range sc.Sites {
					resp, body := get(t, urls[s.Name])
					if resp.StatusCode != http.StatusOK {
						t.Fatalf("round %d %s: status %d: %s", round, s.Name, resp.StatusCode, body)
					}
					feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
					if err != nil {
						t.Fatalf("round %d %s: gofeed: %v\n%s", round, s.Name, err, body)
					}
					if got := feed.FeedType + " " + feed.FeedVersion; got != wantType[s.Format] {
						t.Errorf("round %d %s: feed type %q, want %q", round, s.Name, got, wantType[s.Format])
					}
					want := visibleEntries(s, round)
					if len(feed.Items) != len(want) {
						t.Fatalf("round %d %s: %d items, want %d", round, s.Name, len(feed.Items), len(want))
					}
					byLink := map[string]*gofeed.Item{}
					for _, it := range feed.Items {
						byLink[it.Link] = it
					}
					for _, e := range want {
						x := exp[s.Name+" "+e.GUID]
						it := byLink[srv.URL+x.URL]
						if it == nil {
							t.Errorf("round %d %s: no item links to %s", round, s.Name, x.URL)
							continue
						}
						checkItem(t, s, e, it)
					}
				}
			}
		})
	}
}

func checkItem(t *testing.T, s feedfarm.Site, e feedfarm.Entry, it *gofeed.Item) {
	t.Helper()
	if it.Title != entryTitle(e) {
		t.Errorf("%s %s: title %q, want %q", s.Name, e.GUID, it.Title, entryTitle(e))
	}
	// RDF has no GUID element; the farm writes dc:identifier instead.
	if s.Format != feedfarm.FormatRDF && it.GUID != e.GUID {
		t.Errorf("%s: guid %q, want %q", s.Name, it.GUID, e.GUID)
	}
	if it.PublishedParsed == nil {
		t.Errorf("%s %s: no publication date", s.Name, e.GUID)
	}
	if d := strings.Trim(it.Description, "“”\" "); d == "" || d == e.Article.Title {
		t.Errorf("%s %s: summary %q is empty or the headline", s.Name, e.GUID, it.Description)
	}
	last := e.Article.Paragraphs[len(e.Article.Paragraphs)-1]
	hasFull := strings.Contains(it.Content, html.EscapeString(last))
	if hasFull == s.SummaryOnly {
		t.Errorf("%s %s (summary only %v): content has the full text = %v: %q", s.Name, e.GUID, s.SummaryOnly, hasFull, it.Content)
	}
	if s.SummaryOnly && strings.Contains(it.Description, last) && len(e.Article.Paragraphs) > 2 {
		t.Errorf("%s %s: summary carries the last paragraph", s.Name, e.GUID)
	}
}

func TestPages(t *testing.T) {
	junk := map[feedfarm.Template][]string{
		feedfarm.TemplateNewsroom: {"Home » ", "Share this article", "We use cookies", "Related", "Most read", "All rights reserved."},
		feedfarm.TemplateBlog: {"Home » ", "Leave a Reply", "Your email address will not be published. Required fields are marked *",
			"Similar Posts", "Back to top button", "Proudly powered by WordPress"},
		feedfarm.TemplateWire: {"Home » ", "Scroll to Top", "Advertisement", "This website uses cookies", "All rights reserved."},
	}
	for name, sc := range scenarios(t) {
		t.Run(name, func(t *testing.T) {
			f, srv := serve(t, sc)
			f.SetRound(1)
			bySite := map[string]feedfarm.Site{}
			for _, s := range sc.Sites {
				bySite[s.Name] = s
			}
			for _, x := range sc.Expected() {
				s := bySite[x.Site]
				resp, body := get(t, srv.URL+x.URL)
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("%s: status %d", x.URL, resp.StatusCode)
				}
				doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
				if err != nil {
					t.Fatalf("%s: %v", x.URL, err)
				}
				// A repost shares its original's page: it shows the original.
				e := entryFor(t, s, x)
				if x.Kind == feedfarm.KindRepost {
					e = entryAt(t, s, pagePathOf(x.URL))
				}
				if h1 := strings.TrimSpace(doc.Find("h1").First().Text()); h1 != entryTitle(e) {
					t.Errorf("%s: h1 %q, want %q", x.URL, h1, entryTitle(e))
				}
				scope := doc.Find("article").First()
				if s.Template == feedfarm.TemplateWire {
					if n := doc.Find("article, nav, aside, footer").Length(); n != 0 {
						t.Errorf("%s: wire page has %d semantic elements, want none", x.URL, n)
					}
					scope = doc.Find("body")
				} else if doc.Find("nav").Length() == 0 || doc.Find("footer").Length() == 0 || doc.Find("aside").Length() == 0 {
					t.Errorf("%s: missing nav, aside or footer", x.URL)
				}
				var ps []string
				scope.Find("p").Each(func(_ int, p *goquery.Selection) { ps = append(ps, p.Text()) })
				for _, line := range entryLines(e) {
					if !slices.Contains(ps, line) {
						t.Errorf("%s: no <p> holds %q", x.URL, line)
					}
				}
				text := doc.Text()
				for _, j := range junk[s.Template] {
					if !strings.Contains(text, j) {
						t.Errorf("%s (%v): junk %q missing", x.URL, s.Template, j)
					}
				}
				if cap := doc.Find("figure figcaption").Text(); !strings.HasSuffix(cap, ".jpg") {
					t.Errorf("%s: figcaption %q is not a file name", x.URL, cap)
				}
				if s.Template == feedfarm.TemplateBlog && doc.Find("div.comments-area form").Length() != 1 {
					t.Errorf("%s: no comment form", x.URL)
				}
			}
		})
	}
}

func entryFor(t *testing.T, s feedfarm.Site, x feedfarm.Expectation) feedfarm.Entry {
	t.Helper()
	for _, e := range s.Entries {
		if e.GUID == x.GUID {
			return e
		}
	}
	t.Fatalf("no entry %s on %s", x.GUID, s.Name)
	return feedfarm.Entry{}
}

// entryAt returns the first-listed entry of s whose page is path.
func entryAt(t *testing.T, s feedfarm.Site, path string) feedfarm.Entry {
	t.Helper()
	var best *feedfarm.Entry
	for _, x := range (feedfarm.Scenario{Sites: []feedfarm.Site{s}}).Expected() {
		if pagePathOf(x.URL) == path && best == nil {
			e := entryFor(t, s, x)
			best = &e
		}
	}
	if best == nil {
		t.Fatalf("no page %s on %s", path, s.Name)
	}
	return *best
}

func TestNotFound(t *testing.T) {
	f, srv := serve(t, feedfarm.DemoScenario())
	f.SetRound(0)
	tests := []struct {
		name, path string
		want       int
	}{
		{"page listed from round 1", "/courier/carrow-fells-rescue-drone.html", http.StatusNotFound},
		{"unknown site", "/nosuch/feed.xml", http.StatusNotFound},
		{"json name on an rss site", "/courier/feed.json", http.StatusNotFound},
		{"unknown page", "/courier/nosuch.html", http.StatusNotFound},
		{"site root", "/courier/", http.StatusNotFound},
		{"index", "/", http.StatusOK},
		{"page listed from round 0", "/courier/tram-line-3-opens.html", http.StatusOK},
		{"query ignored", "/courier/tram-line-3-opens.html?utm_source=x", http.StatusOK},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			resp, _ := get(t, srv.URL+tc.path)
			if resp.StatusCode != tc.want {
				t.Errorf("GET %s: %d, want %d", tc.path, resp.StatusCode, tc.want)
			}
		})
	}
	resp, err := http.Post(srv.URL+"/courier/feed.xml", "text/plain", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: %d, want 405", resp.StatusCode)
	}
}

func TestIndexListsFeeds(t *testing.T) {
	f, srv := serve(t, feedfarm.DemoScenario())
	_, body := get(t, srv.URL+"/")
	for name, u := range f.FeedURLs(srv.URL) {
		if !strings.Contains(string(body), u) {
			t.Errorf("index does not list %s feed %s", name, u)
		}
	}
}

func TestConditionalGET(t *testing.T) {
	f, srv := serve(t, feedfarm.DemoScenario())
	urls := f.FeedURLs(srv.URL)
	digest, ledger := urls["digest"], urls["ledger"]
	page := srv.URL + "/digest/kestrel-2-reaches-orbit.html"

	first := map[string]*http.Response{}
	for _, u := range []string{digest, ledger, page} {
		resp, _ := get(t, u)
		etag := resp.Header.Get("ETag")
		if !strings.HasPrefix(etag, `"`) || resp.Header.Get("Last-Modified") == "" {
			t.Fatalf("%s: ETag %q Last-Modified %q: want a strong ETag and a date", u, etag, resp.Header.Get("Last-Modified"))
		}
		first[u] = resp
	}
	step := func(name, u string, want int, headers ...string) *http.Response {
		t.Helper()
		resp, body := get(t, u, headers...)
		if resp.StatusCode != want {
			t.Errorf("%s: %s: status %d, want %d", name, u, resp.StatusCode, want)
		}
		if want == http.StatusNotModified && len(body) != 0 {
			t.Errorf("%s: 304 with a body", name)
		}
		return resp
	}
	inm := func(u string) []string { return []string{"If-None-Match", first[u].Header.Get("ETag")} }
	ims := func(u string) []string { return []string{"If-Modified-Since", first[u].Header.Get("Last-Modified")} }

	step("round 0, same etag", digest, http.StatusNotModified, inm(digest)...)
	step("round 0, same date", digest, http.StatusNotModified, ims(digest)...)
	step("round 0, page", page, http.StatusNotModified, inm(page)...)

	f.SetRound(1)
	resp := step("round 1, old etag", digest, http.StatusOK, inm(digest)...)
	if resp.Header.Get("ETag") == first[digest].Header.Get("ETag") {
		t.Errorf("feed changed in round 1 but kept its ETag")
	}
	step("round 1, old date", digest, http.StatusOK, ims(digest)...)
	step("round 1, new etag", digest, http.StatusNotModified, "If-None-Match", resp.Header.Get("ETag"))
	step("round 1, unchanged feed", ledger, http.StatusNotModified, inm(ledger)...)
	step("round 1, unchanged page", page, http.StatusNotModified, inm(page)...)

	st := f.Stats()
	u := strings.TrimPrefix(digest, srv.URL)
	if st.Requests[u] != 6 || st.NotModified[u] != 3 {
		t.Errorf("stats for %s: %d requests, %d not modified; want 6 and 3", u, st.Requests[u], st.NotModified[u])
	}
	p := strings.TrimPrefix(page, srv.URL)
	if st.Requests[p] != 3 || st.NotModified[p] != 2 {
		t.Errorf("stats for %s: %d requests, %d not modified; want 3 and 2", p, st.Requests[p], st.NotModified[p])
	}
}

func TestConcurrentUse(t *testing.T) {
	f, srv := serve(t, feedfarm.DemoScenario())
	urls := f.FeedURLs(srv.URL)
	var wg sync.WaitGroup
	for i := range 4 {
		wg.Go(func() {
			for j := range 10 {
				f.SetRound((i + j) % 2)
				for _, u := range urls {
					resp, err := http.Get(u)
					if err != nil {
						t.Error(err)
						return
					}
					resp.Body.Close()
					if resp.StatusCode != http.StatusOK {
						t.Errorf("%s: %d", u, resp.StatusCode)
					}
				}
				_ = f.Stats()
			}
		})
	}
	wg.Wait()
	total := 0
	for _, n := range f.Stats().Requests {
		total += n
	}
	if want := 4 * 10 * len(urls); total != want {
		t.Errorf("%d requests counted, want %d", total, want)
	}
}

func BenchmarkFeed(b *testing.B) {
	f, srv := serve(b, feedfarm.DemoScenario())
	f.SetRound(1)
	u := f.FeedURLs(srv.URL)["courier"]
	var n int64
	for b.Loop() {
		resp, body := get(b, u)
		if resp.StatusCode != http.StatusOK {
			b.Fatal(resp.Status)
		}
		n = int64(len(body))
	}
	b.SetBytes(n)
	b.ReportAllocs()
}
