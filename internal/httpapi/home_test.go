package httpapi_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden.html from the current pages")

// homeNow is the page's clock in the handler tests.
var homeNow = time.Date(2026, time.March, 11, 12, 0, 0, 0, time.UTC)

func homeClock() time.Time { return homeNow }

// homeFeeds are the feeds the daemon polls in the handler tests: two
// failing (one with markup and credentials to hide), one never polled,
// two fine (one with a URL that must not become a link).
func homeFeeds() []story.Feed {
	return []story.Feed{
		{ID: "wire", URL: "https://wire.example/rss", Topic: "world"},
		{ID: "ledger", URL: "https://reader:s3cret@ledger.example/feed.xml?key=1", Topic: "world.europe"},
		{ID: "digest", URL: "https://digest.example/atom", Topic: "tech"},
		{ID: "fresh", URL: "https://fresh.example/feed", Topic: "science"},
		{ID: "odd", URL: "javascript:alert(1)", Topic: "tech"},
	}
}

// homeStates are the feed states in the store; "retired" is no longer
// polled and stays off the page.
func homeStates() []story.FeedState {
	at := func(h, m int) time.Time { return time.Date(2026, time.March, 11, h, m, 0, 0, time.UTC) }
	return []story.FeedState{
		{FeedID: "wire", LastFetch: at(11, 50), LastSuccess: at(11, 50), NextCheck: at(12, 5)},
		{FeedID: "ledger", LastFetch: at(11, 40), LastSuccess: at(8, 0), NextCheck: at(12, 40), Failures: 3,
			LastError: "fetch: 503 Service Unavailable <script>alert(1)</script> " + strings.Repeat("upstream says no; ", 20)},
		{FeedID: "digest", LastFetch: at(9, 0), NextCheck: at(11, 0), Failures: 1, LastError: "parse: unexpected EOF"},
		{FeedID: "odd", LastFetch: at(10, 0), LastSuccess: at(10, 0), NextCheck: at(13, 0)},
		{FeedID: "retired", LastFetch: at(1, 0), Failures: 9, LastError: "gone"},
	}
}

// homeStories are stories on four topics: six under world (one more than
// the page lists), one with markup in its title and one with a script
// URL, and a tech story merged into another.
func homeStories() []story.Story {
	mk := func(id, topic, feed, title string, published time.Time) story.Story {
		return story.Story{
			ID: id, Topic: topic, FeedID: feed, URL: "https://news.example/" + id, Title: title,
			Published: published, Fetched: published.Add(time.Minute), Text: "Text of " + id + ".\n\nSecond paragraph.", Source: "article",
		}
	}
	at := func(d, h int) time.Time { return time.Date(2026, time.March, d, h, 0, 0, 0, time.UTC) }
	odd := mk("w6", "world", "wire", "Script link", at(9, 1))
	odd.URL = "javascript:alert(2)"
	merged := mk("t2", "tech", "digest", "Satellite in orbit", at(5, 19))
	merged.MergedInto = "t1"
	return []story.Story{
		mk("w1", "world", "wire", "Ferry strike ends", at(11, 9)),
		mk("w2", "world", "wire", "Harbour <b>reopens</b>", at(10, 18)),
		mk("w3", "world", "wire", "Bridge repairs start", at(10, 6)),
		mk("w4", "world", "wire", "Storm warning lifted", at(9, 20)),
		mk("w5", "world", "wire", "Port strike called", at(9, 12)),
		odd,
		mk("e1", "world.europe", "ledger", "Tram line opens", at(8, 9)),
		mk("t1", "tech", "digest", "Satellite reaches orbit", at(5, 18)),
		merged,
	}
}

// homeDupes are three copies: two of w1 within the last 24 hours, one
// of t1 days before.
func homeDupes() []story.Duplicate {
	return []story.Duplicate{
		{StoryID: "w1", Topic: "world", FeedID: "ledger", URL: "https://ledger.example/ferry", Title: "Ferry strike over",
			Seen: time.Date(2026, time.March, 11, 8, 0, 0, 0, time.UTC), Method: "content", Similarity: 0.9, Reason: "90% shared"},
		{StoryID: "w1", Topic: "world", FeedID: "digest", URL: "https://digest.example/ferry", Title: "Ferry strike ends",
			Seen: time.Date(2026, time.March, 10, 13, 0, 0, 0, time.UTC), Method: "url", Similarity: 1, Reason: "same URL"},
		{StoryID: "t1", Topic: "tech", FeedID: "wire", URL: "https://wire.example/orbit", Title: "Satellite reaches orbit",
			Seen: time.Date(2026, time.March, 6, 7, 0, 0, 0, time.UTC), Method: "guid", Similarity: 1, Reason: "same guid"},
	}
}

// homeStore opens a real bbolt store and fills it through PutEvent and
// PutFeedState, as the stream consumer and the pipeline do.
func homeStore(t *testing.T, stories []story.Story, dupes []story.Duplicate, states []story.FeedState) *sink.Store {
	t.Helper()
	st, err := sink.OpenStore(filepath.Join(t.TempDir(), "feedsift.db"), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() }) // a test may have closed it already
	for i := range stories {
		if err := st.PutEvent(sink.Event{Story: &stories[i]}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range dupes {
		if err := st.PutEvent(sink.Event{Duplicate: &dupes[i]}); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range states {
		if err := st.PutFeedState(t.Context(), s); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func fullHomeStore(t *testing.T) *sink.Store {
	t.Helper()
	return homeStore(t, homeStories(), homeDupes(), homeStates())
}

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.MkdirAll("testdata", 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden (run `go test ./internal/httpapi -run TestHomePage -update` to create it): %v", err)
	}
	if diff := cmp.Diff(strings.Split(string(want), "\n"), strings.Split(got, "\n")); diff != "" {
		t.Errorf("%s differs (-want +got; -update rewrites it):\n%s", path, diff)
	}
}

var feedRow = regexp.MustCompile(`<tr class="(\w+)" data-feed="([^"]+)">`)

// feedOrder returns "class:id" of each feed row, in page order.
func feedOrder(body string) []string {
	var out []string
	for _, m := range feedRow.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1]+":"+m[2])
	}
	return out
}

var sectionRe = regexp.MustCompile(`<section class="topic" data-topic="([^"]+)">`)

func sectionTopics(body string) []string {
	var out []string
	for _, m := range sectionRe.FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestHomePage(t *testing.T) {
	full := fullHomeStore(t)
	empty := homeStore(t, nil, nil, nil)
	allFeeds := []string{"failing:ledger", "failing:digest", "never:fresh", "ok:odd", "ok:wire"}
	tests := []struct {
		name       string
		store      httpapi.Reader // nil: no store
		feeds      func() []story.Feed
		path       string
		wantStatus int
		golden     string
		wantFeeds  []string
		wantTopics []string
		want       []string // substrings
		notWant    []string
	}{
		{
			name: "overview", store: full, feeds: homeFeeds, path: "/", wantStatus: http.StatusOK,
			golden: "home_overview.golden.html", wantFeeds: allFeeds,
			wantTopics: []string{"tech", "world", "world.europe"}, // science has no story
			want: []string{
				"fetch: 503 Service Unavailable &lt;script&gt;alert(1)&lt;/script&gt;",
				"Harbour &lt;b&gt;reopens&lt;/b&gt;",
				`<a href="https://ledger.example/feed.xml?key=1" rel="noreferrer">ledger.example/feed.xml</a>`,
				"failing (3)", "never polled", "due",
				`<time datetime="2026-03-11T11:40:00Z" title="2026-03-11 11:40:00 UTC">20m ago</time>`,
				`<time datetime="2026-03-11T12:40:00Z" title="2026-03-11 12:40:00 UTC">in 40m</time>`,
				`<time datetime="2026-03-05T18:00:00Z" title="2026-03-05 18:00:00 UTC">5d ago</time>`,
				"5 feeds, 2 failing",
				"Stories from the last 24 h with copies: <b id=\"dupes-recent\">1</b> (2 copies). All stories with copies: <b id=\"dupes-all\">2</b> (3 copies).",
				`href="/api/stories?limit=50&amp;topic=world"`,
				`<a href="/api/stories/w1">JSON</a>`,
				`<a id="dupes-link" href="/dupes">`,
				`<body data-topic="" data-refresh="60">`, `<input type="checkbox" id="auto-refresh" checked>`,
				`<script src="/assets/home.js" defer></script>`,
				`<input type="search" id="q" name="q" value=""`,
				`href="#ZgotmplZ"`, // w6's script URL is no link
			},
			notWant: []string{
				"<script>", "s3cret", "reader@", "retired", "Satellite in orbit", // t2 is merged into t1
				"javascript:", `data-topic="science"`, "No stories yet", `id="older"`, `id="newest"`, "Log out",
			},
		},
		{
			name: "topic filter", store: full, feeds: homeFeeds, path: "/?topic=world", wantStatus: http.StatusOK,
			golden: "home_topic_world.golden.html", wantFeeds: allFeeds,
			wantTopics: []string{"world", "world.europe"},
			want: []string{
				`<body data-topic="world" data-refresh="60">`, `class="topic-link current" data-topic="world"`,
				`<input type="hidden" name="topic" value="world">`,
				"Stories from the last 24 h with copies: <b id=\"dupes-recent\">1</b> (2 copies). All stories with copies: <b id=\"dupes-all\">1</b> (2 copies).",
				`<a id="dupes-link" href="/dupes?topic=world">`,
			},
			notWant: []string{"Satellite reaches orbit"},
		},
		{
			name: "topic filter and limit", store: full, feeds: homeFeeds, path: "/?topic=world.europe&limit=1",
			wantStatus: http.StatusOK, wantFeeds: allFeeds, wantTopics: []string{"world.europe"},
			want:    []string{"Tram line opens", `href="/api/stories?limit=1&amp;topic=world.europe"`},
			notWant: []string{"Ferry strike ends"},
		},
		{
			name: "limit above the default", store: full, feeds: homeFeeds, path: "/?topic=world&limit=10",
			wantStatus: http.StatusOK, wantFeeds: allFeeds, wantTopics: []string{"world", "world.europe"},
			want:    []string{"Script link", "Port strike called", `href="#ZgotmplZ"`}, // w6's script URL is no link
			notWant: []string{"javascript:"},
		},
		{
			name: "topic without stories", store: full, feeds: homeFeeds, path: "/?topic=sport", wantStatus: http.StatusOK,
			wantFeeds: allFeeds, want: []string{`<p id="no-stories">No stories under sport.</p>`},
		},
		{
			name: "feeds from the store without a feed list", store: full, path: "/", wantStatus: http.StatusOK,
			wantFeeds:  []string{"failing:retired", "failing:ledger", "failing:digest", "ok:odd", "ok:wire"},
			wantTopics: []string{"tech", "world", "world.europe"},
		},
		{
			name: "empty store", store: empty, path: "/", wantStatus: http.StatusOK, golden: "home_empty.golden.html",
			want: []string{`<p id="no-feeds">No feeds.</p>`, `<p id="no-stories">No stories.</p>`,
				"Stories from the last 24 h with copies: <b id=\"dupes-recent\">0</b> (0 copies). All stories with copies: <b id=\"dupes-all\">0</b> (0 copies)."},
		},
		{
			name: "empty store with feeds", store: empty, feeds: homeFeeds, path: "/", wantStatus: http.StatusOK,
			wantFeeds: []string{"never:digest", "never:fresh", "never:ledger", "never:odd", "never:wire"},
			want:      []string{`<p id="no-stories">No stories.</p>`},
			notWant:   []string{`id="topics"`, "No stories yet."},
		},
		{
			name: "no store", feeds: homeFeeds, path: "/", wantStatus: http.StatusOK, golden: "home_no_store.golden.html",
			wantFeeds: []string{"unknown:digest", "unknown:fresh", "unknown:ledger", "unknown:odd", "unknown:wire"},
			want:      []string{`id="no-store"`, "store is unavailable"},
			notWant:   []string{"dupe-counts", "no-stories"},
		},
		{name: "bad topic", store: full, path: "/?topic=world.*", wantStatus: http.StatusBadRequest, want: []string{`httpapi: bad topic "world.*"`}},
		{name: "bad limit", store: full, path: "/?limit=-1", wantStatus: http.StatusBadRequest, want: []string{`httpapi: bad limit "-1"`}},
		{name: "bad since", store: full, path: "/?since=soon", wantStatus: http.StatusBadRequest, want: []string{`httpapi: bad since "soon"`}},
		{name: "bad before", store: full, path: "/?before=soon", wantStatus: http.StatusBadRequest, want: []string{`httpapi: bad before "soon"`}},
		{name: "bad refresh", store: full, path: "/?refresh=-5", wantStatus: http.StatusBadRequest, want: []string{`httpapi: bad refresh "-5"`}},
		{name: "search too long", store: full, path: "/?q=" + strings.Repeat("x", 201), wantStatus: http.StatusBadRequest, want: []string{"longer than 200 characters"}},
		{
			name: "search", store: full, feeds: homeFeeds, path: "/?q=STRIKE", wantStatus: http.StatusOK,
			golden: "home_search.golden.html", wantFeeds: allFeeds, wantTopics: []string{"world"},
			want: []string{
				"Recent stories with “STRIKE” in the title", `value="STRIKE"`, "Ferry strike ends", "Port strike called",
				`<a id="clear-search" href="/">clear</a>`,
			},
			notWant: []string{"Harbour", "Tram line opens"},
		},
		{
			name: "search within a topic", store: full, feeds: homeFeeds, path: "/?topic=world&q=tram", wantStatus: http.StatusOK,
			wantFeeds: allFeeds, wantTopics: []string{"world.europe"},
			want: []string{"Tram line opens", `<a id="clear-search" href="/?topic=world">clear</a>`},
		},
		{
			name: "search without a match", store: full, feeds: homeFeeds, path: "/?q=zeppelin", wantStatus: http.StatusOK,
			wantFeeds: allFeeds, want: []string{`<p id="no-stories">No stories with “zeppelin” in the title.</p>`},
		},
		{
			name: "auto-refresh off", store: full, feeds: homeFeeds, path: "/?refresh=0", wantStatus: http.StatusOK,
			wantFeeds: allFeeds, wantTopics: []string{"tech", "world", "world.europe"},
			want:    []string{`<body data-topic="">`, `<input type="hidden" name="refresh" value="0">`},
			notWant: []string{"data-refresh", "auto-refresh", "home.js"},
		},
		{
			name: "auto-refresh period", store: full, feeds: homeFeeds, path: "/?refresh=15", wantStatus: http.StatusOK,
			wantFeeds: allFeeds, wantTopics: []string{"tech", "world", "world.europe"},
			want: []string{`data-refresh="15"`, "auto-refresh every 15 s"},
		},
		{
			name: "an older page", store: full, feeds: homeFeeds, path: "/?before=2026-03-10T06:00:00Z&before_id=w3&limit=2", wantStatus: http.StatusOK,
			wantFeeds: allFeeds, wantTopics: []string{"world"},
			want: []string{
				"Older stories", "Storm warning lifted", "Port strike called",
				`<a id="newest" href="/?limit=2">← newest</a>`,
				`<a id="older" href="/?before=2026-03-09T12%3A00%3A00Z&amp;before_id=w5&amp;limit=2" rel="next">older →</a>`,
			},
			notWant: []string{"Bridge repairs start", "data-refresh", "home.js"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := serve(t, httpapi.Options{Store: tc.store, Feeds: tc.feeds, Now: homeClock})
			status, body, hdr := get(t, base+tc.path, "")
			if status != tc.wantStatus {
				t.Fatalf("GET %s: status %d, want %d (body %q)", tc.path, status, tc.wantStatus, body)
			}
			if status == http.StatusOK {
				if ct := hdr.Get("Content-Type"); ct != "text/html; charset=utf-8" {
					t.Errorf("Content-Type %q", ct)
				}
				if csp := hdr.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") {
					t.Errorf("Content-Security-Policy %q", csp)
				}
				if diff := cmp.Diff(tc.wantFeeds, feedOrder(body)); diff != "" {
					t.Errorf("feed rows (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tc.wantTopics, sectionTopics(body)); diff != "" {
					t.Errorf("topic sections (-want +got):\n%s", diff)
				}
			}
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q", want)
				}
			}
			for _, bad := range tc.notWant {
				if strings.Contains(body, bad) {
					t.Errorf("body has %q", bad)
				}
			}
			if tc.golden != "" {
				checkGolden(t, tc.golden, body)
			}
		})
	}
}

// TestHomeStoriesGrouped checks the first page: the newest stories of
// every topic, merged ones left out, grouped by topic, newest first in
// each.
func TestHomeStoriesGrouped(t *testing.T) {
	base := serve(t, httpapi.Options{Store: fullHomeStore(t), Feeds: homeFeeds, Now: homeClock})
	_, body, _ := get(t, base+"/", "")
	want := map[string][]string{
		"world":        {"w1", "w2", "w3", "w4", "w5", "w6"},
		"world.europe": {"e1"},
		"tech":         {"t1"},
	}
	if diff := cmp.Diff(want, pageStories(body)); diff != "" {
		t.Errorf("stories per topic (-want +got):\n%s", diff)
	}
}

var storyRe = regexp.MustCompile(`<li data-story="([^"]+)">`)

// pageStories returns the stories of each topic section of a page.
func pageStories(body string) map[string][]string {
	got := map[string][]string{}
	for _, part := range strings.Split(body, `<section class="topic"`)[1:] {
		topic := sectionTopics(`<section class="topic"` + part)[0]
		for _, m := range storyRe.FindAllStringSubmatch(part, -1) {
			got[topic] = append(got[topic], m[1])
		}
	}
	return got
}

var olderRe = regexp.MustCompile(`<a id="older" href="([^"]+)"`)

// TestHomePaging follows the "older" links through a store with stories
// that share a time: every story shows once, in order, and a story added
// meanwhile moves no page.
func TestHomePaging(t *testing.T) {
	at := time.Date(2026, time.March, 11, 9, 0, 0, 0, time.UTC)
	var stories []story.Story
	for i := range 11 {
		topic := []string{"world", "tech", "science"}[i%3]
		when := at.Add(-time.Duration(i/2) * time.Hour) // pairs share a time
		stories = append(stories, story.Story{
			ID: fmt.Sprintf("s%02d", i), Topic: topic, FeedID: "wire", URL: fmt.Sprintf("https://news.example/%d", i),
			Title: fmt.Sprintf("Story %d", i), Published: when, Source: "summary",
		})
	}
	merged := story.Story{ID: "m1", Topic: "world", FeedID: "wire", URL: "https://news.example/m1", Title: "Merged",
		Published: at.Add(-90 * time.Minute), MergedInto: "s00", Source: "summary"}
	store := homeStore(t, append(stories, merged), nil, nil)
	base := serve(t, httpapi.Options{Store: store, Now: homeClock})

	// The order: newest first, ties by ID, highest first.
	var want []string
	for i := range 11 {
		j := i/2*2 + 1 - i%2 // s01 s00 s03 s02 ...
		if j >= 11 {
			j = i
		}
		want = append(want, fmt.Sprintf("s%02d", j))
	}
	var got []string
	var sizes []int
	next := "/?limit=4"
	for page := 0; next != ""; page++ {
		if page > 5 {
			t.Fatalf("more pages than stories")
		}
		status, body, _ := get(t, base+html.UnescapeString(next), "")
		if status != http.StatusOK {
			t.Fatalf("GET %s: %d", next, status)
		}
		if page == 0 {
			// A newer story arrives after the first page was served.
			late := story.Story{ID: "late", Topic: "world", FeedID: "wire", URL: "https://news.example/late",
				Title: "Late", Published: at.Add(time.Hour), Source: "summary"}
			if err := store.PutEvent(sink.Event{Story: &late}); err != nil {
				t.Fatal(err)
			}
		}
		ids := storyRe.FindAllStringSubmatch(body, -1)
		var onPage []string
		for _, m := range ids {
			onPage = append(onPage, m[1])
		}
		// Sections are by topic: put the page back in time order.
		slices.SortFunc(onPage, func(a, b string) int { return slices.Index(want, a) - slices.Index(want, b) })
		got = append(got, onPage...)
		sizes = append(sizes, len(onPage))
		next = ""
		if m := olderRe.FindStringSubmatch(body); m != nil {
			next = m[1]
		}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stories over the pages (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]int{4, 4, 3}, sizes); diff != "" {
		t.Errorf("page sizes (-want +got):\n%s", diff)
	}

	// Search pages the same way.
	_, body, _ := get(t, base+"/?q=story+1&limit=1", "")
	if diff := cmp.Diff(map[string][]string{"tech": {"s01"}}, pageStories(body)); diff != "" {
		t.Errorf("first search page (-want +got):\n%s", diff)
	}
	m := olderRe.FindStringSubmatch(body)
	if m == nil {
		t.Fatal("the search's first page has no older link")
	}
	_, body, _ = get(t, base+html.UnescapeString(m[1]), "")
	if diff := cmp.Diff(map[string][]string{"tech": {"s10"}}, pageStories(body)); diff != "" {
		t.Errorf("second search page (-want +got):\n%s", diff)
	}
	if olderRe.MatchString(body) {
		t.Error("the search's last page has an older link")
	}
}

// TestHomeOldAges checks a story older than 30 days shows its date, with
// the exact time in the title.
func TestHomeOldAges(t *testing.T) {
	old := story.Story{ID: "old", Topic: "history", FeedID: "wire", URL: "https://news.example/old", Title: "Old news",
		Published: homeNow.Add(-5508*24*time.Hour - 14*time.Hour), Source: "summary"}
	base := serve(t, httpapi.Options{Store: homeStore(t, []story.Story{old}, nil, nil), Now: homeClock})
	for _, path := range []string{"/", "/stories/old"} {
		_, body, _ := get(t, base+path, "")
		if want := `<time datetime="2011-02-09T22:00:00Z" title="2011-02-09 22:00:00 UTC">2011-02-09</time>`; !strings.Contains(body, want) {
			t.Errorf("%s lacks %s", path, want)
		}
		if strings.Contains(body, "5508d") {
			t.Errorf("%s says the age in days", path)
		}
	}
}

func TestHomeStoreError(t *testing.T) {
	st := fullHomeStore(t)
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	base := serve(t, httpapi.Options{Store: st, Feeds: homeFeeds, Now: homeClock})
	status, body, _ := get(t, base+"/", "")
	if status != http.StatusInternalServerError {
		t.Fatalf("status %d, want 500", status)
	}
	for _, want := range []string{"store read failed (feed states)", "store read failed (stories)", "store read failed (dedupe report)"} {
		if !strings.Contains(body, want) {
			t.Errorf("body lacks %q:\n%s", want, body)
		}
	}
	if diff := cmp.Diff([]string{"unknown:digest", "unknown:fresh", "unknown:ledger", "unknown:odd", "unknown:wire"}, feedOrder(body)); diff != "" {
		t.Errorf("feed rows (-want +got):\n%s", diff)
	}
}

// TestHomeTokenGuard checks the pages with a token: a script's bearer
// token opens them, a wrong one answers 401, and a browser without
// either is sent to the login page (TestLogin follows it).
func TestHomeTokenGuard(t *testing.T) {
	base := serve(t, httpapi.Options{Store: fullHomeStore(t), Token: "t0ken", Now: homeClock})
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	for _, path := range []string{"/", "/?topic=world", "/stories/w1", "/api/stories/w1"} {
		t.Run(path, func(t *testing.T) {
			resp, err := noRedirect.Get(base + path)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if strings.HasPrefix(path, "/api/") {
				if resp.StatusCode != http.StatusUnauthorized {
					t.Errorf("API without a token: status %d, want 401", resp.StatusCode)
				}
			} else if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/login") {
				t.Errorf("page without a token: %d to %q, want 303 to /login", resp.StatusCode, loc)
			}
			if status, _, _ := get(t, base+path, "Bearer wrong"); status != http.StatusUnauthorized {
				t.Errorf("with a wrong token: status %d, want 401", status)
			}
			if status, body, _ := get(t, base+path, "Bearer t0ken"); status != http.StatusOK {
				t.Errorf("with the token: status %d, want 200 (body %q)", status, body)
			}
		})
	}
}

func TestStoryPages(t *testing.T) {
	stories := homeStories()
	stories[1].Related = []story.Related{{StoryID: "w1", Similarity: 0.42}, {StoryID: "t2", Similarity: 0.31}, {StoryID: "gone", Similarity: 0.3}}
	stories[7].Merged = []string{"t2"}
	store := homeStore(t, stories, homeDupes(), nil)
	base := serve(t, httpapi.Options{Store: store, Now: homeClock})
	noStore := serve(t, httpapi.Options{Now: homeClock})
	tests := []struct {
		name       string
		url        string
		wantStatus int
		want       []string
		notWant    []string
	}{
		{"page", base + "/stories/w2", http.StatusOK, []string{
			"<h1>Harbour &lt;b&gt;reopens&lt;/b&gt;</h1>", "<p>Text of w2.</p>", "<p>Second paragraph.</p>",
			`<a href="/?topic=world">world</a>`, `<a href="/api/stories/w2">JSON</a>`,
			`<time datetime="2026-03-10T18:00:00Z" title="2026-03-10 18:00:00 UTC">18h ago</time>`,
			`<p class="meta" id="no-copies">No copies merged into this story.</p>`,
			`<li data-story="w1"><a href="/stories/w1">Ferry strike ends</a> <span class="meta">42% similar</span></li>`,
			`<li data-story="t2"><a href="/stories/t2">Satellite in orbit</a> <span class="meta">31% similar · merged into another story since</span></li>`,
			`<li data-story="gone"><a href="/stories/gone">gone</a> <span class="meta">30% similar · not in the store</span></li>`,
		}, []string{`id="copies"`}},
		{"copies", base + "/stories/w1", http.StatusOK, []string{
			"<h2 id=\"copies-heading\">Copies (2)</h2>",
			`<tr class="copy" data-feed="digest">`,
			`<td class="url"><a href="https://digest.example/ferry" rel="noreferrer">Ferry strike ends</a><br><span class="meta">https://digest.example/ferry</span></td>`,
			`<td title="same URL">100%</td>`, `<td>url</td>`,
			`<td><time datetime="2026-03-10T13:00:00Z" title="2026-03-10 13:00:00 UTC">23h ago</time></td>`,
			`<tr class="copy" data-feed="ledger">`, `<td title="90% shared">90%</td>`, `<td>content</td>`,
			`<a id="review-copies" href="/dupes?topic=world">`,
			`<p class="meta" id="no-related">No related stories.</p>`,
		}, nil},
		{"merged in", base + "/stories/t1", http.StatusOK, []string{
			`<ul id="merged">`, `<li data-story="t2"><a href="/stories/t2">Satellite in orbit</a></li>`, "Copies (1)",
		}, nil},
		{"merged story", base + "/stories/t2", http.StatusOK, []string{`Merged into story <a href="/stories/t1">t1</a>`}, nil},
		{"unknown story", base + "/stories/nope", http.StatusNotFound, []string{`no story "nope"`}, nil},
		{"unknown story as JSON", base + "/api/stories/nope", http.StatusNotFound, []string{`no story \"nope\"`}, nil},
		{"no store", noStore + "/stories/w1", http.StatusServiceUnavailable, []string{"no store"}, nil},
		{"no store as JSON", noStore + "/api/stories/w1", http.StatusServiceUnavailable, []string{`{"error":"no store","status":503}`}, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := get(t, tc.url, "")
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d (body %q)", status, tc.wantStatus, body)
			}
			for _, want := range tc.want {
				if !strings.Contains(body, want) {
					t.Errorf("body lacks %q:\n%s", want, body)
				}
			}
			for _, bad := range tc.notWant {
				if strings.Contains(body, bad) {
					t.Errorf("body has %q", bad)
				}
			}
		})
	}

	t.Run("JSON", func(t *testing.T) {
		status, body, hdr := get(t, base+"/api/stories/w1", "")
		if status != http.StatusOK || hdr.Get("Content-Type") != "application/json" {
			t.Fatalf("status %d, Content-Type %q", status, hdr.Get("Content-Type"))
		}
		var got story.Story
		if err := json.Unmarshal([]byte(body), &got); err != nil {
			t.Fatal(err)
		}
		want := stories[0]
		want.Version = story.Version
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("story (-want +got):\n%s", diff)
		}
	})
}

// BenchmarkHomePage renders the overview over a store of 2,000 stories on
// 20 topics, 500 of them with a copy, and 50 feeds.
func BenchmarkHomePage(b *testing.B) {
	st, err := sink.OpenStore(filepath.Join(b.TempDir(), "feedsift.db"), sink.StoreOptions{})
	if err != nil {
		b.Fatal(err)
	}
	defer st.Close()
	var feeds []story.Feed
	for i := range 50 {
		id := fmt.Sprintf("feed%02d", i)
		topic := fmt.Sprintf("topic%02d", i%20)
		feeds = append(feeds, story.Feed{ID: id, URL: "https://" + id + ".example/rss", Topic: topic})
		fs := story.FeedState{FeedID: id, LastFetch: homeNow.Add(-time.Duration(i) * time.Minute), NextCheck: homeNow.Add(time.Minute)}
		if i%7 == 0 {
			fs.Failures, fs.LastError = i%3+1, "fetch: connection refused"
		}
		if err := st.PutFeedState(b.Context(), fs); err != nil {
			b.Fatal(err)
		}
	}
	text := strings.Repeat("Some words of an article body. ", 100)
	for i := range 2000 {
		s := story.Story{
			ID: fmt.Sprintf("s%05d", i), Topic: fmt.Sprintf("topic%02d", i%20), FeedID: feeds[i%50].ID,
			URL: fmt.Sprintf("https://news.example/%d", i), Title: fmt.Sprintf("Story number %d", i),
			Published: homeNow.Add(-time.Duration(i) * time.Minute), Text: text, Source: "article",
		}
		if err := st.PutEvent(sink.Event{Story: &s}); err != nil {
			b.Fatal(err)
		}
		if i%4 == 0 {
			d := story.Duplicate{StoryID: s.ID, Topic: s.Topic, FeedID: "copy", URL: s.URL + "?copy", Title: s.Title,
				Seen: s.Published.Add(time.Minute), Method: "url", Similarity: 1, Reason: "same URL"}
			if err := st.PutEvent(sink.Event{Duplicate: &d}); err != nil {
				b.Fatal(err)
			}
		}
	}
	h := httpapi.New(httpapi.Options{Store: st, Feeds: func() []story.Feed { return feeds }, Now: homeClock})
	req := httptest.NewRequest(http.MethodGet, "/", nil)
	b.ReportAllocs()
	for b.Loop() {
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatalf("status %d", w.Code)
		}
		b.SetBytes(int64(w.Body.Len()))
	}
}
