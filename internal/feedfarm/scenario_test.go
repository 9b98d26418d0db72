package feedfarm_test

import (
	"bytes"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/PuerkitoBio/goquery"
	"github.com/google/go-cmp/cmp"
	"github.com/mmcdole/gofeed"

	"github.com/feedsift/feedsift/internal/feedfarm"
)

// checkExpected asserts the invariants every Expected list must hold and
// returns the originals and the duplicates.
func checkExpected(t *testing.T, sc feedfarm.Scenario) (originals, dups []feedfarm.Expectation) {
	t.Helper()
	if err := sc.Validate(); err != nil {
		t.Fatalf("Validate: %v", err)
	}
	exp := sc.Expected()
	n := 0
	for _, s := range sc.Sites {
		n += len(s.Entries)
	}
	if len(exp) != n {
		t.Fatalf("%d expectations for %d entries", len(exp), n)
	}
	byURL := map[string]feedfarm.Expectation{}
	stories := map[string]bool{}
	for _, x := range exp {
		byURL[x.URL] = x
		if x.Kind == feedfarm.KindOriginal {
			if stories[x.Story] {
				t.Errorf("story %q has two originals", x.Story)
			}
			stories[x.Story] = true
			originals = append(originals, x)
		}
	}
	for _, x := range exp {
		if x.Kind == feedfarm.KindOriginal {
			if x.Original != "" {
				t.Errorf("original %s names an original %s", x.URL, x.Original)
			}
			continue
		}
		dups = append(dups, x)
		o, ok := byURL[x.Original]
		switch {
		case !ok || o.Kind != feedfarm.KindOriginal:
			t.Errorf("%s %s: original %q is not an original entry", x.Kind, x.URL, x.Original)
		case o.Story != x.Story:
			t.Errorf("%s %s: story %q, its original's is %q", x.Kind, x.URL, x.Story, o.Story)
		case o.Round >= x.Round:
			t.Errorf("%s %s: listed in round %d, not after its original (round %d)", x.Kind, x.URL, x.Round, o.Round)
		case (x.Kind == feedfarm.KindRepost) != (o.Site == x.Site):
			t.Errorf("%s %s on %s: original on %s", x.Kind, x.URL, x.Site, o.Site)
		}
	}
	return originals, dups
}

type dupView struct {
	Kind            feedfarm.Kind
	Site, Story     string
	Original, Title string
	Round           int
}

func dupViews(dups []feedfarm.Expectation) []dupView {
	var out []dupView
	for _, d := range dups {
		out = append(out, dupView{d.Kind, d.Site, d.Story, d.Original, d.Title, d.Round})
	}
	return out
}

func TestDemoExpected(t *testing.T) {
	sc := feedfarm.DemoScenario()
	originals, dups := checkExpected(t, sc)
	if len(originals) != 6 {
		t.Errorf("%d stories, want 6", len(originals))
	}
	want := []dupView{
		{feedfarm.KindCopy, "wire", "river-aske-floods-lowbridge", "/ledger/river-aske-floods-lowbridge.html",
			"River Aske bursts its banks as 400 Lowbridge households are evacuated", 1},
		{feedfarm.KindRepost, "digest", "kestrel-2-reaches-orbit", "/digest/kestrel-2-reaches-orbit.html",
			"Kestrel-2 is calling home: students' ice satellite sends its first signals", 1},
	}
	if diff := cmp.Diff(want, dupViews(dups)); diff != "" {
		t.Errorf("duplicates (-want +got):\n%s", diff)
	}
	var sameEvent []string
	for _, o := range originals {
		if o.Event == "vellmouth-line-3-opening" {
			sameEvent = append(sameEvent, o.Story)
		}
	}
	if diff := cmp.Diff([]string{"tram-line-3-opens", "tram-line-3-first-day"}, sameEvent); diff != "" {
		t.Errorf("originals on the tram event (-want +got):\n%s", diff)
	}
	for _, d := range dups {
		if d.Kind == feedfarm.KindRepost && !strings.Contains(d.URL, "utm_source=") {
			t.Errorf("repost URL %q has no tracking parameters", d.URL)
		}
	}
}

func TestDemoArticles(t *testing.T) {
	seen := map[string]bool{}
	for _, s := range feedfarm.DemoScenario().Sites {
		for _, e := range s.Entries {
			a := e.Article
			if seen[a.Slug] {
				continue
			}
			seen[a.Slug] = true
			t.Run(a.Slug, func(t *testing.T) {
				words := 0
				for _, p := range a.Paragraphs {
					words += len(strings.Fields(p))
				}
				if a.Title == "" || a.Author == "" || a.Published.IsZero() || a.Event == "" {
					t.Errorf("missing title, author, date or event: %+v", a)
				}
				if words < 200 || words > 350 {
					t.Errorf("%d words, want 200-350", words)
				}
				if n := len(a.Paragraphs); n < 4 || n > 7 {
					t.Errorf("%d paragraphs, want 4-7", n)
				}
			})
		}
	}
	if len(seen) != 6 {
		t.Errorf("%d demo articles, want 6", len(seen))
	}
}

func TestSeedScenarioShape(t *testing.T) {
	for _, n := range []int{0, 1, 2, 4, 5, 9} {
		arts := slices.Repeat(syntheticSeeds(), 2)[:n]
		_, dups := checkExpected(t, feedfarm.SeedScenario(arts))
		want := 2
		if n == 0 {
			want = 0
		}
		kinds := map[feedfarm.Kind]int{}
		for _, d := range dups {
			kinds[d.Kind]++
		}
		if len(dups) != want || (n > 0 && (kinds[feedfarm.KindCopy] != 1 || kinds[feedfarm.KindRepost] != 1)) {
			t.Errorf("%d seeds: duplicates %v, want one copy and one repost", n, kinds)
		}
	}
}

func TestSeedTitles(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		title string // Article.Title passed in
		want  string
	}{
		{"breadcrumb then quoted", "Home » World » “Dam opens”\n“Dam gates open for the first time”\nBody text follows here.", "", "Dam gates open for the first time"},
		{"section label", "Business\n\nBakery chain opens island shop\n\nBody.", "", "Bakery chain opens island shop"},
		{"title prefix", "Title: Volunteers count wading birds\nBody text.", "", "Volunteers count wading birds"},
		{"image file name", "harbour view 230411 1920\nSchool choir wins national prize\nBody.", "", "School choir wins national prize"},
		{"image extension", "IMG_2231.jpg\nFerry returns to service\nBody.", "", "Ferry returns to service"},
		{"explicit title kept", "Home » News\nFirst line headline here\nBody.", "Given title", "Given title"},
		{"long first line", "The council voted on Tuesday to close the old swimming pool. It will be replaced by a new one near the station, the council said in a statement issued after a long meeting that ran late into the night.", "", "The council voted on Tuesday to close the old swimming pool."},
		{"all junk", "Home » News\nLeave a Reply\nSource link", "", "Untitled seed 0"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := feedfarm.ArticleFromText("", tc.text)
			a.Title = tc.title
			sc := feedfarm.SeedScenario([]feedfarm.Article{a})
			got := sc.Sites[0].Entries[0].Article
			if got.Title != tc.want {
				t.Errorf("title %q, want %q", got.Title, tc.want)
			}
			if diff := cmp.Diff(a.Paragraphs, got.Paragraphs); diff != "" {
				t.Errorf("paragraphs changed (-in +out):\n%s", diff)
			}
			if got.Slug == "" || got.Published.IsZero() {
				t.Errorf("slug %q or date %v not filled in", got.Slug, got.Published)
			}
		})
	}
}

func TestArticleFromText(t *testing.T) {
	got := feedfarm.ArticleFromText("s", "  one \r\n\r\ntwo\n\n\n three\n")
	want := feedfarm.Article{Slug: "s", Paragraphs: []string{"one", "two", "three"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
}

// TestRealSeeds serves the shared seed texts and checks that every raw line
// is on its page in its own <p> and that titles skip the junk lines.
func TestRealSeeds(t *testing.T) {
	seeds := seedArticles(t)
	sc := feedfarm.SeedScenario(seeds)
	originals, dups := checkExpected(t, sc)
	if len(originals) != len(seeds) || len(dups) != 2 {
		t.Errorf("%d stories and %d duplicates, want %d and 2", len(originals), len(dups), len(seeds))
	}
	f, srv := serve(t, sc)
	f.SetRound(1)
	bySite := map[string]feedfarm.Site{}
	for _, s := range sc.Sites {
		bySite[s.Name] = s
		_, body := get(t, f.FeedURLs(srv.URL)[s.Name])
		feed, err := gofeed.NewParser().Parse(bytes.NewReader(body))
		if err != nil {
			t.Fatalf("%s: gofeed: %v", s.Name, err)
		}
		if len(feed.Items) != len(s.Entries) {
			t.Fatalf("%s: %d items, want %d", s.Name, len(feed.Items), len(s.Entries))
		}
		for _, it := range feed.Items {
			found := false
			for _, e := range s.Entries {
				if srv.URL+entryURLOf(t, sc, s.Name, e.GUID) == it.Link {
					checkItem(t, s, e, it)
					found = true
				}
			}
			if !found {
				t.Errorf("%s: item %q matches no entry", s.Name, it.Link)
			}
		}
	}
	for _, x := range sc.Expected() {
		e := entryFor(t, bySite[x.Site], x)
		title := e.Article.Title
		if len(strings.Fields(title)) < 4 || strings.Contains(title, "»") || strings.HasPrefix(title, "Title:") {
			t.Errorf("%s: title %q looks like junk", x.URL, title)
		}
		if !slices.ContainsFunc(e.Article.Paragraphs, func(p string) bool { return strings.Contains(p, title) }) {
			t.Errorf("%s: title %q is not from the text", x.URL, title)
		}
		resp, body := get(t, srv.URL+x.URL)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("%s: %d", x.URL, resp.StatusCode)
		}
		doc, err := goquery.NewDocumentFromReader(bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		var ps []string
		doc.Find("p").Each(func(_ int, p *goquery.Selection) { ps = append(ps, p.Text()) })
		for _, line := range entryLines(e) {
			if !slices.Contains(ps, line) {
				t.Errorf("%s: no <p> holds %.60q", x.URL, line)
			}
		}
	}
}

func TestValidate(t *testing.T) {
	art := feedfarm.Article{Slug: "a", Title: "A title", Paragraphs: []string{"Text."}}
	site := func(entries ...feedfarm.Entry) feedfarm.Site {
		return feedfarm.Site{Name: "s", Format: feedfarm.FormatRSS, Entries: entries}
	}
	tests := []struct {
		name string
		sc   feedfarm.Scenario
		want string // substring of the error; empty for valid
	}{
		{"valid", feedfarm.Scenario{Sites: []feedfarm.Site{site(feedfarm.Entry{Article: art, GUID: "1"})}}, ""},
		{"empty", feedfarm.Scenario{}, ""},
		{"bad name", feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "A b", Format: feedfarm.FormatRSS}}}, "name"},
		{"two names", feedfarm.Scenario{Sites: []feedfarm.Site{site(), site()}}, "used twice"},
		{"bad format", feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "s", Format: "xml"}}}, "unknown format"},
		{"bad template", feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "s", Format: feedfarm.FormatRSS, Template: 9}}}, "unknown template"},
		{"bad topic", feedfarm.Scenario{Sites: []feedfarm.Site{{Name: "s", Format: feedfarm.FormatRSS, Topic: "a.*"}}}, "invalid topic"},
		{"no guid", feedfarm.Scenario{Sites: []feedfarm.Site{site(feedfarm.Entry{Article: art})}}, "empty GUID"},
		{"guid twice", feedfarm.Scenario{Sites: []feedfarm.Site{site(
			feedfarm.Entry{Article: art, GUID: "1"}, feedfarm.Entry{Article: art, GUID: "1", FromRound: 1})}}, "GUID \"1\" used twice"},
		{"bad slug", feedfarm.Scenario{Sites: []feedfarm.Site{site(feedfarm.Entry{Article: feedfarm.Article{Slug: "../x", Title: "t", Paragraphs: []string{"p"}}, GUID: "1"})}}, "slug"},
		{"bad entry slug", feedfarm.Scenario{Sites: []feedfarm.Site{site(feedfarm.Entry{Article: art, GUID: "1", Slug: "a//b"})}}, "slug"},
		{"bad query", feedfarm.Scenario{Sites: []feedfarm.Site{site(feedfarm.Entry{Article: art, GUID: "1", Slug: "a?x=%zz"})}}, "query"},
		{"no title", feedfarm.Scenario{Sites: []feedfarm.Site{site(feedfarm.Entry{Article: feedfarm.Article{Slug: "a", Paragraphs: []string{"p"}}, GUID: "1"})}}, "no title"},
		{"no paragraphs", feedfarm.Scenario{Sites: []feedfarm.Site{site(feedfarm.Entry{Article: feedfarm.Article{Slug: "a", Title: "t"}, GUID: "1"})}}, "no paragraphs"},
		{"negative round", feedfarm.Scenario{Sites: []feedfarm.Site{site(feedfarm.Entry{Article: art, GUID: "1", FromRound: -1})}}, "negative"},
		{"page shows two articles", feedfarm.Scenario{Sites: []feedfarm.Site{site(
			feedfarm.Entry{Article: art, GUID: "1"},
			feedfarm.Entry{Article: feedfarm.Article{Slug: "b", Title: "B", Paragraphs: []string{"Other."}}, GUID: "2", Slug: "a"})}}, "already shows"},
		{"same slug, other text", feedfarm.Scenario{Sites: []feedfarm.Site{site(
			feedfarm.Entry{Article: art, GUID: "1"},
			feedfarm.Entry{Article: feedfarm.Article{Slug: "a", Title: "A", Paragraphs: []string{"Other."}}, GUID: "2", FromRound: 1})}}, "other paragraphs"},
		{"two originals in one round", feedfarm.Scenario{Sites: []feedfarm.Site{
			site(feedfarm.Entry{Article: art, GUID: "1"}),
			{Name: "t", Format: feedfarm.FormatAtom, Entries: []feedfarm.Entry{{Article: art, GUID: "2"}}}}}, "poll order"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.sc.Validate()
			if tc.want == "" {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if !errors.Is(err, feedfarm.ErrInvalidScenario) || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Validate: %v, want ErrInvalidScenario mentioning %q", err, tc.want)
			}
			// The farm serves the error instead of panicking.
			srv := httptest.NewServer(feedfarm.New(tc.sc).Handler())
			defer srv.Close()
			resp, err2 := http.Get(srv.URL + "/s/feed.xml")
			if err2 != nil {
				t.Fatal(err2)
			}
			defer resp.Body.Close()
			body, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != http.StatusInternalServerError || !strings.Contains(string(body), "feedfarm: invalid scenario") {
				t.Errorf("invalid farm: %d %q, want 500 with the error", resp.StatusCode, body)
			}
		})
	}
}

func TestNewCopiesScenario(t *testing.T) {
	sc := feedfarm.DemoScenario()
	f, srv := serve(t, sc)
	sc.Sites[0].Entries[0].Article.Paragraphs[0] = "changed by the caller"
	sc.Sites[0].Name = "renamed"
	_, body := get(t, f.FeedURLs(srv.URL)["courier"])
	if strings.Contains(string(body), "changed by the caller") {
		t.Error("farm shows a change the caller made after New")
	}
}

// entryURLOf returns the URL Expected gives the entry guid of site.
func entryURLOf(t *testing.T, sc feedfarm.Scenario, site, guid string) string {
	t.Helper()
	for _, x := range sc.Expected() {
		if x.Site == site && x.GUID == guid {
			return x.URL
		}
	}
	t.Fatalf("no expectation for %s %s", site, guid)
	return ""
}
