package feedfarm_test

import (
	"errors"
	"fmt"
	"html"
	"io"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"unicode"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/parser"
)

// generate calls Generate or fails the test.
func generate(t testing.TB, opts feedfarm.GenOptions) feedfarm.Scenario {
	t.Helper()
	sc, err := feedfarm.Generate(opts)
	if err != nil {
		t.Fatalf("Generate(%+v): %v", opts, err)
	}
	return sc
}

// words cuts s into lower-case runs of letters and digits.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r)
	})
}

// runs returns the five-word runs of s.
func runs(s string) []string {
	w := words(s)
	var out []string
	for i := 0; i+5 <= len(w); i++ {
		out = append(out, strings.Join(w[i:i+5], " "))
	}
	return out
}

func TestGenerate_Deterministic(t *testing.T) {
	a := generate(t, feedfarm.GenOptions{Seed: 7, Feeds: 40})
	b := generate(t, feedfarm.GenOptions{Seed: 7, Feeds: 40})
	if diff := cmp.Diff(a, b); diff != "" {
		t.Fatalf("same seed, different scenarios (-first +second):\n%s", diff)
	}
	c := generate(t, feedfarm.GenOptions{Seed: 8, Feeds: 40})
	if cmp.Equal(a.Sites[0].Entries[0].Article, c.Sites[0].Entries[0].Article) {
		t.Fatal("seeds 7 and 8 made the same first article")
	}
}

func TestGenerate_DefaultShape(t *testing.T) {
	sc := generate(t, feedfarm.GenOptions{})
	if len(sc.Sites) != feedfarm.DefaultGenFeeds {
		t.Fatalf("%d sites, want %d", len(sc.Sites), feedfarm.DefaultGenFeeds)
	}
	if err := sc.Validate(); err != nil {
		t.Fatal(err)
	}
	formats := map[string]int{}
	summaryOnly := 0
	for i, s := range sc.Sites {
		if want := fmt.Sprintf("f%04d", i); s.Name != want {
			t.Fatalf("site %d named %q, want %q", i, s.Name, want)
		}
		formats[s.Format]++
		if s.SummaryOnly {
			summaryOnly++
		}
		if n := len(visibleEntries(s, 0)); n != feedfarm.DefaultGenItems {
			t.Errorf("site %s lists %d entries in round 0, want %d", s.Name, n, feedfarm.DefaultGenItems)
		}
	}
	if len(formats) != 4 || summaryOnly == 0 || summaryOnly == len(sc.Sites) {
		t.Errorf("formats %v, %d summary-only sites: want all four formats and a mix", formats, summaryOnly)
	}

	s0 := sc.Stories(0)
	if want := feedfarm.DefaultGenFeeds * feedfarm.DefaultGenItems; len(s0) != want {
		t.Errorf("round 0: %d stories, want %d", len(s0), want)
	}
	for _, st := range s0 {
		if len(st.URLs) != 1 {
			t.Fatalf("round 0 story %s has %d items, want 1 (copies come a round later)", st.Key, len(st.URLs))
		}
	}
	all := sc.Stories(feedfarm.DefaultGenRounds)
	newPerRound := feedfarm.DefaultGenFeeds / 5
	if want := len(s0) + feedfarm.DefaultGenRounds*newPerRound; len(all) != want {
		t.Errorf("after the last round: %d stories, want %d", len(all), want)
	}
	var copied, copies, trimmed, queried, retitled int
	for _, st := range all {
		if len(st.URLs) > 1 {
			copied++
		}
		for _, x := range st.Entries[1:] {
			copies++
			if strings.Contains(x.URL, "?") {
				queried++
			}
			if x.Title != st.Entries[0].Title {
				retitled++
			}
		}
	}
	for _, s := range sc.Sites {
		for _, e := range s.Entries {
			if e.Keep > 0 {
				trimmed++
			}
		}
	}
	t.Logf("%d stories, %d with copies, %d copies (%d trimmed, %d with a query, %d retitled)",
		len(all), copied, copies, trimmed, queried, retitled)
	// 25% of the 1600 originals of rounds 0 and 1 are syndicated; allow
	// for chance.
	if copied < 300 || copied > 500 || trimmed == 0 || queried == 0 || retitled == 0 {
		t.Errorf("want about 400 syndicated stories, some trimmed, some with queries, some retitled")
	}
}

// TestGenerate_StoriesConsistent checks the copies relation: every entry
// belongs to exactly one story, a story's items are the same article on
// distinct sites, copies come after the original, and distinct stories
// share no five-word run while each copy carries its original's text.
func TestGenerate_StoriesConsistent(t *testing.T) {
	sc := generate(t, feedfarm.GenOptions{Seed: 3, Feeds: 120, Rounds: 3, Copies: 60, MaxCopies: 3})
	stories := sc.Stories(1 << 30)
	if len(stories) == 0 {
		t.Fatal("no stories")
	}
	entries := map[string]feedfarm.Entry{} // site + " " + URL → entry
	for _, s := range sc.Sites {
		for _, e := range s.Entries {
			key := s.Name + " " + linkOf(s, e)
			if _, dup := entries[key]; dup {
				t.Fatalf("URL %s listed twice", key)
			}
			entries[key] = e
		}
	}
	owner := map[string]string{} // five-word run → story key
	seen := map[string]bool{}
	for _, st := range stories {
		orig := st.Entries[0]
		if orig.Kind != feedfarm.KindOriginal || orig.URL != st.URLs[0] || orig.Round != st.Round {
			t.Fatalf("story %s: first entry %+v is not its original", st.Key, orig)
		}
		sites := map[string]bool{}
		origEntry := entries[orig.Site+" "+orig.URL]
		for i, x := range st.Entries {
			key := x.Site + " " + x.URL
			if seen[key] {
				t.Fatalf("item %s is in two stories", key)
			}
			seen[key] = true
			if x.Story != st.Key || x.URL != st.URLs[i] {
				t.Fatalf("story %s: entry %+v out of place", st.Key, x)
			}
			if sites[x.Site] {
				t.Errorf("story %s: two items on site %s", st.Key, x.Site)
			}
			sites[x.Site] = true
			e := entries[key]
			if i > 0 {
				if x.Kind != feedfarm.KindCopy || x.Original != orig.URL || x.Round <= orig.Round {
					t.Errorf("story %s: copy %+v", st.Key, x)
				}
				if !slices.Equal(e.Article.Paragraphs, origEntry.Article.Paragraphs) {
					t.Errorf("story %s: copy %s has other paragraphs", st.Key, key)
				}
				if e.Keep != 0 && e.Keep*10 < len(e.Article.Paragraphs)*6 {
					t.Errorf("story %s: copy %s keeps %d of %d paragraphs, want at least 60%%", st.Key, key, e.Keep, len(e.Article.Paragraphs))
				}
			}
		}
		text := orig.Title + "\n" + strings.Join(origEntry.Article.Paragraphs, "\n")
		for _, r := range runs(text) {
			if other, ok := owner[r]; ok && other != st.Key {
				t.Fatalf("stories %s and %s share the run %q", other, st.Key, r)
			}
			owner[r] = st.Key
		}
	}
	if len(seen) != len(entries) {
		t.Fatalf("stories hold %d items, the scenario lists %d", len(seen), len(entries))
	}
}

// linkOf is the path and query of an entry's link.
func linkOf(s feedfarm.Site, e feedfarm.Entry) string {
	slug := e.Slug
	if slug == "" {
		slug = e.Article.Slug
	}
	page, query, ok := strings.Cut(slug, "?")
	u := "/" + s.Name + "/" + page + ".html"
	if ok {
		u += "?" + query
	}
	return u
}

// TestGeneratedFarm_Serves polls a 500-feed farm through every round: each
// feed parses with the project's parser and lists exactly the expected
// items, every article page answers with the article's shown text, the
// request counters see every poll, and an unchanged feed answers 304.
func TestGeneratedFarm_Serves(t *testing.T) {
	sc := generate(t, feedfarm.GenOptions{})
	f, srv := serve(t, sc)
	feeds := f.FeedList(srv.URL)
	if len(feeds) != len(sc.Sites) {
		t.Fatalf("FeedList: %d URLs for %d sites", len(feeds), len(sc.Sites))
	}
	bySite := map[string]map[string]feedfarm.Entry{} // site → absolute link → entry
	for _, s := range sc.Sites {
		bySite[s.Name] = map[string]feedfarm.Entry{}
		for _, e := range s.Entries {
			bySite[s.Name][srv.URL+linkOf(s, e)] = e
		}
	}
	etags := make([]string, len(feeds))
	listed := make([][]string, len(feeds)) // links each feed listed when last changed
	for round := 0; round <= feedfarm.DefaultGenRounds; round++ {
		if round > 0 {
			if got := f.Advance(); got != round {
				t.Fatalf("Advance() = %d, want %d", got, round)
			}
		}
		var mu sync.Mutex
		notModified := 0
		parallel(t, len(feeds), func(i int) error {
			s := sc.Sites[i]
			req, err := http.NewRequest(http.MethodGet, feeds[i], nil)
			if err != nil {
				return err
			}
			if etags[i] != "" {
				req.Header.Set("If-None-Match", etags[i])
			}
			resp, body, err := fetch(req)
			if err != nil {
				return err
			}
			want := visibleEntries(s, round)
			if resp.StatusCode == http.StatusNotModified {
				if prev := visibleEntries(s, round-1); len(prev) != len(want) {
					return fmt.Errorf("round %d %s: 304 although %d entries became %d", round, s.Name, len(prev), len(want))
				}
				mu.Lock()
				notModified++
				mu.Unlock()
				return nil
			}
			if resp.StatusCode != http.StatusOK {
				return fmt.Errorf("round %d %s: status %d", round, s.Name, resp.StatusCode)
			}
			etags[i] = resp.Header.Get("ETag")
			feed, err := parser.Parse(body, resp.Header.Get("Content-Type"), feeds[i])
			if err != nil {
				return fmt.Errorf("round %d %s (%s): %w", round, s.Name, s.Format, err)
			}
			if len(feed.Items) != len(want) {
				return fmt.Errorf("round %d %s: %d items, want %d", round, s.Name, len(feed.Items), len(want))
			}
			for _, it := range feed.Items {
				e, ok := bySite[s.Name][it.URL]
				if !ok || e.FromRound > round {
					return fmt.Errorf("round %d %s: unexpected item %s", round, s.Name, it.URL)
				}
				if title := entryTitle(e); it.Title != title {
					return fmt.Errorf("round %d %s: item %s titled %q, want %q", round, s.Name, it.URL, it.Title, title)
				}
				if s.Format != feedfarm.FormatRDF && it.GUID != e.GUID {
					return fmt.Errorf("round %d %s: item %s has GUID %q, want %q", round, s.Name, it.URL, it.GUID, e.GUID)
				}
			}
			listed[i] = listed[i][:0]
			for _, it := range feed.Items {
				listed[i] = append(listed[i], it.URL)
			}
			return nil
		})
		var want []string
		for _, st := range sc.Stories(round) {
			for _, u := range st.URLs {
				want = append(want, srv.URL+u)
			}
		}
		// A feed answered 304 still lists what it listed before.
		items := slices.Concat(listed...)
		slices.Sort(items)
		slices.Sort(want)
		if diff := cmp.Diff(want, items); diff != "" {
			t.Fatalf("round %d: items listed differ from Stories(%d) (-want +got):\n%s", round, round, diff)
		}
		if round > 0 && (notModified == 0 || notModified == len(feeds)) {
			t.Errorf("round %d: %d of %d feeds unchanged, want some but not all", round, notModified, len(feeds))
		}
		t.Logf("round %d: %d changed feeds, %d unchanged, %d expected stories", round, len(feeds)-notModified, notModified, len(sc.Stories(round)))
	}
	for _, u := range feeds {
		path := strings.TrimPrefix(u, srv.URL)
		if got := f.Requests(path); got != feedfarm.DefaultGenRounds+1 {
			t.Fatalf("Requests(%s) = %d, want %d", path, got, feedfarm.DefaultGenRounds+1)
		}
	}

	// Every page of every story answers with the text the entry shows.
	var links []string
	for _, st := range sc.Stories(feedfarm.DefaultGenRounds) {
		links = append(links, st.URLs...)
	}
	entryOf := func(u string) feedfarm.Entry {
		site, _, _ := strings.Cut(strings.TrimPrefix(u, "/"), "/")
		return bySite[site][srv.URL+u]
	}
	parallel(t, len(links), func(i int) error {
		req, err := http.NewRequest(http.MethodGet, srv.URL+links[i], nil)
		if err != nil {
			return err
		}
		resp, body, err := fetch(req)
		if err != nil {
			return err
		}
		if resp.StatusCode != http.StatusOK {
			return fmt.Errorf("page %s: status %d", links[i], resp.StatusCode)
		}
		e := entryOf(links[i])
		page := string(body)
		shown := entryLines(e)
		if e.Keep > 0 {
			shown = slices.Concat(e.Header, e.Article.Paragraphs[:e.Keep], e.Footer)
			last := e.Article.Paragraphs[len(e.Article.Paragraphs)-1]
			if strings.Contains(page, html.EscapeString(last)) {
				return fmt.Errorf("page %s: trimmed copy shows the last paragraph", links[i])
			}
		}
		for _, p := range shown {
			if !strings.Contains(page, "<p>"+html.EscapeString(p)+"</p>") {
				return fmt.Errorf("page %s: paragraph %q missing", links[i], p)
			}
		}
		return nil
	})
	stats := f.Stats()
	if got := stats.Requests[pagePathOf(links[0])]; got != 1 {
		t.Errorf("Stats: page %s requested %d times, want 1", links[0], got)
	}
}

// parallel runs check(0..n-1) on a few goroutines and fails the test with
// the first error.
func parallel(t *testing.T, n int, check func(i int) error) {
	t.Helper()
	var (
		wg    sync.WaitGroup
		once  sync.Once
		first error
		next  = make(chan int)
	)
	for range 8 {
		wg.Go(func() {
			for i := range next {
				if err := check(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		})
	}
	for i := range n {
		next <- i
	}
	close(next)
	wg.Wait()
	if first != nil {
		t.Fatal(first)
	}
}

// fetch does req and reads the whole body.
func fetch(req *http.Request) (*http.Response, []byte, error) {
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return nil, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	return resp, body, err
}

func TestGenerate_Options(t *testing.T) {
	tests := []struct {
		name string
		opts feedfarm.GenOptions
		want error
	}{
		{"negative feeds", feedfarm.GenOptions{Feeds: -1}, feedfarm.ErrInvalidScenario},
		{"too many feeds", feedfarm.GenOptions{Feeds: 20001}, feedfarm.ErrInvalidScenario},
		{"too many items", feedfarm.GenOptions{Items: 51}, feedfarm.ErrInvalidScenario},
		{"too many rounds", feedfarm.GenOptions{Rounds: 101}, feedfarm.ErrInvalidScenario},
		{"copies above 100%", feedfarm.GenOptions{Copies: 101}, feedfarm.ErrInvalidScenario},
		{"too many copies", feedfarm.GenOptions{MaxCopies: 6}, feedfarm.ErrInvalidScenario},
		{"unknown format", feedfarm.GenOptions{Formats: []string{"xml"}}, feedfarm.ErrInvalidScenario},
		{"one feed, no copies possible", feedfarm.GenOptions{Feeds: 1, Copies: 100}, nil},
		{"no later rounds", feedfarm.GenOptions{Feeds: 10, Rounds: -1}, nil},
		{"rss only, no copies", feedfarm.GenOptions{Feeds: 10, Formats: []string{feedfarm.FormatRSS}, Copies: -1}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc, err := feedfarm.Generate(tt.opts)
			if !errors.Is(err, tt.want) {
				t.Fatalf("error = %v, want %v", err, tt.want)
			}
			if err != nil {
				if !strings.HasPrefix(err.Error(), "feedfarm: ") {
					t.Errorf("error %q lacks the package prefix", err)
				}
				return
			}
			for _, st := range sc.Stories(1 << 30) {
				if len(st.URLs) != 1 {
					t.Fatalf("story %s has %d items, want no copies", st.Key, len(st.URLs))
				}
			}
			if tt.opts.Formats != nil {
				for _, s := range sc.Sites {
					if !slices.Contains(tt.opts.Formats, s.Format) {
						t.Fatalf("site %s has format %s", s.Name, s.Format)
					}
				}
			}
			if tt.opts.Rounds < 0 {
				for _, s := range sc.Sites {
					for _, e := range s.Entries {
						if e.FromRound != 0 {
							t.Fatalf("entry %s in round %d with no later rounds", e.GUID, e.FromRound)
						}
					}
				}
			}
		})
	}
}

func TestStories_RoundFilter(t *testing.T) {
	sc := feedfarm.DemoScenario()
	tests := []struct {
		round       int
		wantStories int
		wantItems   int
	}{
		{0, 5, 5},
		{1, 6, 8},
		{-1, 0, 0},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprint(tt.round), func(t *testing.T) {
			stories := sc.Stories(tt.round)
			items := 0
			for _, st := range stories {
				items += len(st.URLs)
			}
			if len(stories) != tt.wantStories || items != tt.wantItems {
				t.Fatalf("Stories(%d): %d stories, %d items; want %d, %d", tt.round, len(stories), items, tt.wantStories, tt.wantItems)
			}
		})
	}
}

// BenchmarkGenerate measures making the default 500-feed scenario.
func BenchmarkGenerate(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := feedfarm.Generate(feedfarm.GenOptions{}); err != nil {
			b.Fatal(err)
		}
	}
}
