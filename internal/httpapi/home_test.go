package httpapi_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
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
func homeStates() []sink.FeedState {
	at := func(h, m int) time.Time { return time.Date(2026, time.March, 11, h, m, 0, 0, time.UTC) }
	return []sink.FeedState{
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
func homeStore(t *testing.T, stories []story.Story, dupes []story.Duplicate, states []sink.FeedState) *sink.Store {
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
		if err := st.PutFeedState(s); err != nil {
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
			wantTopics: []string{"science", "tech", "world", "world.europe"},
			want: []string{
				"fetch: 503 Service Unavailable &lt;script&gt;alert(1)&lt;/script&gt;",
				"Harbour &lt;b&gt;reopens&lt;/b&gt;",
				`<a href="https://ledger.example/feed.xml?key=1" rel="noreferrer">ledger.example/feed.xml</a>`,
				"failing (3)", "never polled", "20m ago", "in 40m", "due",
				"5 feeds, 2 failing",
				"Stories with copies seen in the last 24 h: <b id=\"dupes-recent\">1</b> (2 copies). All stories with copies: <b id=\"dupes-all\">2</b> (3 copies).",
				`href="/api/stories?limit=5&amp;topic=world"`,
				`<a href="/api/stories/w1">JSON</a>`,
				`<a id="dupes-link" href="/dupes">`,
			},
			notWant: []string{
				"<script>", "s3cret", "reader@", "retired", "Satellite in orbit", // t2 is merged into t1
				"Script link", // w6 is the sixth world story: past the five listed
				"javascript:",
			},
		},
		{
			name: "topic filter", store: full, feeds: homeFeeds, path: "/?topic=world", wantStatus: http.StatusOK,
			golden: "home_topic_world.golden.html", wantFeeds: allFeeds,
			wantTopics: []string{"world", "world.europe"},
			want: []string{
				`<body data-topic="world">`, `class="topic-link current" data-topic="world"`,
				"Stories with copies seen in the last 24 h: <b id=\"dupes-recent\">1</b> (2 copies). All stories with copies: <b id=\"dupes-all\">1</b> (2 copies).",
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
				"Stories with copies seen in the last 24 h: <b id=\"dupes-recent\">0</b> (0 copies). All stories with copies: <b id=\"dupes-all\">0</b> (0 copies)."},
		},
		{
			name: "empty store with feeds", store: empty, feeds: homeFeeds, path: "/", wantStatus: http.StatusOK,
			wantFeeds:  []string{"never:digest", "never:fresh", "never:ledger", "never:odd", "never:wire"},
			wantTopics: []string{"science", "tech", "world", "world.europe"},
			want:       []string{"No stories yet."},
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

// TestHomeStoriesPerTopic checks the lists: newest first, own topic only,
// five by default.
func TestHomeStoriesPerTopic(t *testing.T) {
	base := serve(t, httpapi.Options{Store: fullHomeStore(t), Feeds: homeFeeds, Now: homeClock})
	_, body, _ := get(t, base+"/", "")
	storyRe := regexp.MustCompile(`<li data-story="([^"]+)">`)
	got := map[string][]string{}
	for _, part := range strings.Split(body, `<section class="topic"`)[1:] {
		topic := sectionTopics(`<section class="topic"` + part)[0]
		for _, m := range storyRe.FindAllStringSubmatch(part, -1) {
			got[topic] = append(got[topic], m[1])
		}
	}
	want := map[string][]string{
		"world":        {"w1", "w2", "w3", "w4", "w5"},
		"world.europe": {"e1"},
		"tech":         {"t1"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("stories per topic (-want +got):\n%s", diff)
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

func TestHomeTokenGuard(t *testing.T) {
	base := serve(t, httpapi.Options{Store: fullHomeStore(t), Token: "t0ken", Now: homeClock})
	for _, path := range []string{"/", "/?topic=world", "/stories/w1", "/api/stories/w1"} {
		t.Run(path, func(t *testing.T) {
			if status, _, _ := get(t, base+path, ""); status != http.StatusUnauthorized {
				t.Errorf("without a token: status %d, want 401", status)
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
	store := homeStore(t, stories, nil, nil)
	base := serve(t, httpapi.Options{Store: store, Now: homeClock})
	noStore := serve(t, httpapi.Options{Now: homeClock})
	tests := []struct {
		name       string
		url        string
		wantStatus int
		want       []string
	}{
		{"page", base + "/stories/w2", http.StatusOK, []string{
			"<h1>Harbour &lt;b&gt;reopens&lt;/b&gt;</h1>", "<p>Text of w2.</p>", "<p>Second paragraph.</p>",
			`<a href="/?topic=world">world</a>`, "2026-03-10 18:00 UTC", `<a href="/api/stories/w2">JSON</a>`,
		}},
		{"merged story", base + "/stories/t2", http.StatusOK, []string{`Merged into story <a href="/stories/t1">t1</a>`}},
		{"unknown story", base + "/stories/nope", http.StatusNotFound, []string{`no story "nope"`}},
		{"unknown story as JSON", base + "/api/stories/nope", http.StatusNotFound, []string{`no story "nope"`}},
		{"no store", noStore + "/stories/w1", http.StatusServiceUnavailable, []string{"no store"}},
		{"no store as JSON", noStore + "/api/stories/w1", http.StatusServiceUnavailable, []string{"no store"}},
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
		fs := sink.FeedState{FeedID: id, LastFetch: homeNow.Add(-time.Duration(i) * time.Minute), NextCheck: homeNow.Add(time.Minute)}
		if i%7 == 0 {
			fs.Failures, fs.LastError = i%3+1, "fetch: connection refused"
		}
		if err := st.PutFeedState(fs); err != nil {
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
