package httpapi_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

func day(d, h int) time.Time { return time.Date(2026, time.March, d, h, 0, 0, 0, time.UTC) }

// fixture is what newStore puts in the store.
type fixture struct {
	stories []story.Story
	dupes   []story.Duplicate
	feeds   []story.FeedState
}

// testFixture returns stories on nested and look-alike topics, duplicates
// of two of them and of one story the store never saw, and two feeds.
func testFixture() fixture {
	mk := func(id, topic, title string, published time.Time) story.Story {
		return story.Story{
			ID: id, Topic: topic, FeedID: "feed-" + id, URL: "https://example.com/" + id, Title: title,
			Published: published, Fetched: published.Add(time.Minute), Text: "text of " + id, Source: "article",
		}
	}
	// fresh is dated relative to the clock so the duration filter has
	// something to find.
	fresh := mk("fresh", "tech", "Fresh chip news", time.Now().Add(-10*time.Minute).UTC().Truncate(time.Second))
	return fixture{
		stories: []story.Story{
			mk("w1", "world", "Ferry strike ends", day(10, 12)),
			mk("w2", "world.europe", "Tram line opens", day(8, 9)),
			mk("ww", "worldwide", "Worldwide survey", day(9, 9)),
			mk("t1", "tech", "Satellite reaches orbit", day(5, 18)),
			fresh,
		},
		dupes: []story.Duplicate{
			{StoryID: "w1", Topic: "world", FeedID: "wire", URL: "https://wire.example/ferry", Title: "Ferry strike over",
				Seen: day(11, 8), Method: "content", Similarity: 0.86, Reason: "86% shared shingles"},
			{StoryID: "w1", Topic: "world", FeedID: "ledger", URL: "https://ledger.example/ferry", GUID: "ledger:7",
				Title: "Ferry strike ends", Seen: day(10, 13), Method: "guid", Similarity: 1, Reason: "same guid"},
			{StoryID: "t1", Topic: "tech", FeedID: "digest", URL: "https://example.com/t1?utm_source=rss",
				Title: "Satellite reaches orbit", Seen: day(6, 7), Method: "url", Similarity: 1, Reason: "same canonical URL"},
			{StoryID: "gone", Topic: "world.asia", FeedID: "wire", URL: "https://wire.example/gone",
				Title: "Aged out", Seen: day(1, 1), Method: "url", Similarity: 1, Reason: "same canonical URL"},
		},
		feeds: []story.FeedState{
			{FeedID: "wire", ETag: `"abc"`, LastFetch: day(11, 8), LastSuccess: day(11, 8), NextCheck: day(11, 9)},
			{FeedID: "ledger", Failures: 2, LastError: "fetch: 503 Service Unavailable", LastFetch: day(11, 8)},
		},
	}
}

// newStore opens a real bbolt store in a temporary directory and fills it
// with fx.
func newStore(t *testing.T, fx fixture) *sink.Store {
	t.Helper()
	st, err := sink.OpenStore(filepath.Join(t.TempDir(), "feedsift.db"), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() }) // a test may have closed it already
	for i := range fx.stories {
		if err := st.PutEvent(sink.Event{Story: &fx.stories[i]}); err != nil {
			t.Fatal(err)
		}
	}
	for i := range fx.dupes {
		if err := st.PutEvent(sink.Event{Duplicate: &fx.dupes[i]}); err != nil {
			t.Fatal(err)
		}
	}
	for _, f := range fx.feeds {
		if err := st.PutFeedState(t.Context(), f); err != nil {
			t.Fatal(err)
		}
	}
	return st
}

func serve(t *testing.T, opts httpapi.Options) string {
	t.Helper()
	srv := httptest.NewServer(httpapi.New(opts))
	t.Cleanup(srv.Close)
	return srv.URL
}

// get requests url with an optional Authorization header and returns the
// status, the body and the response headers.
func get(t *testing.T, url, auth string) (int, string, http.Header) {
	t.Helper()
	return do(t, http.MethodGet, url, auth)
}

func do(t *testing.T, method, url, auth string) (int, string, http.Header) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body), resp.Header
}

func TestProbes(t *testing.T) {
	tests := []struct {
		name       string
		ready      func() error
		method     string
		path       string
		wantStatus int
		wantBody   string // substring
	}{
		{"healthz", nil, http.MethodGet, "/healthz", http.StatusOK, "ok"},
		{"healthz while not ready", func() error { return errors.New("starting or stopping") },
			http.MethodGet, "/healthz", http.StatusOK, "ok"},
		{"healthz wrong method", nil, http.MethodPost, "/healthz", http.StatusMethodNotAllowed, ""},
		{"readyz without a check", nil, http.MethodGet, "/readyz", http.StatusOK, "ready"},
		{"readyz ready", func() error { return nil }, http.MethodGet, "/readyz", http.StatusOK, "ready"},
		{"readyz not ready", func() error { return errors.New("not connected to NATS") },
			http.MethodGet, "/readyz", http.StatusServiceUnavailable, "not ready: not connected to NATS"},
		{"unknown path", nil, http.MethodGet, "/nope", http.StatusNotFound, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := serve(t, httpapi.Options{Ready: tc.ready})
			status, body, _ := do(t, tc.method, base+tc.path, "")
			if status != tc.wantStatus {
				t.Fatalf("%s %s: status %d, want %d (body %q)", tc.method, tc.path, status, tc.wantStatus, body)
			}
			if !strings.Contains(body, tc.wantBody) {
				t.Errorf("%s %s: body %q, want it to contain %q", tc.method, tc.path, body, tc.wantBody)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	reg := prometheus.NewRegistry()
	c := prometheus.NewCounter(prometheus.CounterOpts{Name: "feedsift_test_polls_total", Help: "Polls in the test."})
	reg.MustRegister(c)
	c.Add(3)

	tests := []struct {
		name       string
		gatherer   prometheus.Gatherer
		wantStatus int
		wantBody   []string
	}{
		{"with a registry", reg, http.StatusOK, []string{
			"# HELP feedsift_test_polls_total Polls in the test.",
			"# TYPE feedsift_test_polls_total counter",
			"feedsift_test_polls_total 3",
		}},
		{"without a registry", nil, http.StatusNotFound, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := serve(t, httpapi.Options{Gatherer: tc.gatherer})
			status, body, _ := get(t, base+"/metrics", "")
			if status != tc.wantStatus {
				t.Fatalf("status %d, want %d (body %q)", status, tc.wantStatus, body)
			}
			for _, want := range tc.wantBody {
				if !strings.Contains(body, want+"\n") {
					t.Errorf("metrics lack the line %q:\n%s", want, body)
				}
			}
		})
	}
}

func storyIDs(list []story.Story) []string {
	ids := make([]string, 0, len(list))
	for _, s := range list {
		ids = append(ids, s.ID)
	}
	return ids
}

func TestStories(t *testing.T) {
	fx := testFixture()
	base := serve(t, httpapi.Options{Store: newStore(t, fx)})

	tests := []struct {
		query string
		want  []string // story IDs, newest first
	}{
		{"", []string{"fresh", "w1", "ww", "w2", "t1"}},
		{"?topic=world", []string{"w1", "w2"}}, // "worldwide" is not under "world"
		{"?topic=world.europe", []string{"w2"}},
		{"?topic=tech", []string{"fresh", "t1"}},
		{"?topic=sport", []string{}},
		{"?since=2026-03-08", []string{"fresh", "w1", "ww", "w2"}},
		{"?since=2026-03-09T00:00:00Z", []string{"fresh", "w1", "ww"}},
		{"?since=2026-03-10T13:00:00%2B02:00", []string{"fresh", "w1"}}, // 11:00 UTC
		{"?since=1h", []string{"fresh"}},
		{"?limit=2", []string{"fresh", "w1"}},
		{"?limit=0", []string{"fresh", "w1", "ww", "w2", "t1"}},
		{"?topic=world&since=2026-03-09&limit=5", []string{"w1"}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			status, body, hdr := get(t, base+"/api/stories"+tc.query, "")
			if status != http.StatusOK {
				t.Fatalf("status %d, want 200 (body %q)", status, body)
			}
			if ct := hdr.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			var list []story.Story
			if err := json.Unmarshal([]byte(body), &list); err != nil {
				t.Fatalf("decode %q: %v", body, err)
			}
			if list == nil {
				t.Errorf("body %q is not a JSON array", body)
			}
			if diff := cmp.Diff(tc.want, storyIDs(list)); diff != "" {
				t.Errorf("story IDs (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("round trip", func(t *testing.T) {
		_, body, _ := get(t, base+"/api/stories?topic=world.europe", "")
		var list []story.Story
		if err := json.Unmarshal([]byte(body), &list); err != nil {
			t.Fatal(err)
		}
		want := fx.stories[1]
		want.Version = story.Version // the store stamps the payload version
		if diff := cmp.Diff([]story.Story{want}, list); diff != "" {
			t.Errorf("story (-want +got):\n%s", diff)
		}
	})
}

func TestBadParams(t *testing.T) {
	base := serve(t, httpapi.Options{Store: newStore(t, testFixture())})
	tests := []struct {
		query, param string
	}{
		{"limit=abc", "limit"},
		{"limit=-1", "limit"},
		{"limit=1.5", "limit"},
		{"since=yesterday", "since"},
		{"since=-2h", "since"},
		{"since=2026-13-01", "since"},
		{"topic=world.%3E", "topic"},
		{"topic=world..europe", "topic"},
		{"topic=world%20news", "topic"},
	}
	for _, path := range []string{"/api/stories", "/api/dupes"} {
		for _, tc := range tests {
			t.Run(path+"?"+tc.query, func(t *testing.T) {
				status, body, _ := get(t, base+path+"?"+tc.query, "")
				if status != http.StatusBadRequest {
					t.Fatalf("status %d, want 400 (body %q)", status, body)
				}
				if !strings.Contains(body, "bad "+tc.param) {
					t.Errorf("body %q does not name the parameter %q", body, tc.param)
				}
			})
		}
	}
}

func TestDupes(t *testing.T) {
	fx := testFixture()
	base := serve(t, httpapi.Options{Store: newStore(t, fx)})

	type entry struct {
		Story   string
		Title   string
		Members []string // feed:method, oldest first
	}
	tests := []struct {
		query string
		want  []entry
	}{
		{"", []entry{
			{"w1", "Ferry strike ends", []string{"ledger:guid", "wire:content"}},
			{"t1", "Satellite reaches orbit", []string{"digest:url"}},
			{"gone", "", []string{"wire:url"}}, // dated by its member
		}},
		{"?topic=world", []entry{
			{"w1", "Ferry strike ends", []string{"ledger:guid", "wire:content"}},
			{"gone", "", []string{"wire:url"}},
		}},
		{"?topic=tech", []entry{{"t1", "Satellite reaches orbit", []string{"digest:url"}}}},
		{"?since=2026-03-06", []entry{{"w1", "Ferry strike ends", []string{"ledger:guid", "wire:content"}}}},
		{"?limit=1", []entry{{"w1", "Ferry strike ends", []string{"ledger:guid", "wire:content"}}}},
		{"?topic=sport", []entry{}},
	}
	for _, tc := range tests {
		t.Run(tc.query, func(t *testing.T) {
			status, body, _ := get(t, base+"/api/dupes"+tc.query, "")
			if status != http.StatusOK {
				t.Fatalf("status %d, want 200 (body %q)", status, body)
			}
			var report []sink.ReportEntry
			if err := json.Unmarshal([]byte(body), &report); err != nil {
				t.Fatalf("decode %q: %v", body, err)
			}
			got := []entry{}
			for _, e := range report {
				g := entry{Story: e.Story.ID, Title: e.Story.Title}
				for _, m := range e.Members {
					if m.StoryID != e.Story.ID {
						t.Errorf("member %s of story %s says it belongs to %s", m.URL, e.Story.ID, m.StoryID)
					}
					g.Members = append(g.Members, m.FeedID+":"+m.Method)
				}
				got = append(got, g)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("report (-want +got):\n%s", diff)
			}
		})
	}

	t.Run("member fields", func(t *testing.T) {
		_, body, _ := get(t, base+"/api/dupes?topic=tech", "")
		var report []sink.ReportEntry
		if err := json.Unmarshal([]byte(body), &report); err != nil {
			t.Fatal(err)
		}
		want := fx.dupes[2]
		want.Version = story.Version
		if len(report) != 1 {
			t.Fatalf("got %d entries, want 1", len(report))
		}
		if diff := cmp.Diff([]story.Duplicate{want}, report[0].Members); diff != "" {
			t.Errorf("members (-want +got):\n%s", diff)
		}
	})
}

func TestFeeds(t *testing.T) {
	fx := testFixture()
	tests := []struct {
		name string
		fx   fixture
		want []story.FeedState
	}{
		{"two feeds ordered by id", fx, []story.FeedState{fx.feeds[1], fx.feeds[0]}},
		{"no feeds", fixture{}, []story.FeedState{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			base := serve(t, httpapi.Options{Store: newStore(t, tc.fx)})
			status, body, _ := get(t, base+"/api/feeds", "")
			if status != http.StatusOK {
				t.Fatalf("status %d, want 200 (body %q)", status, body)
			}
			var got []story.FeedState
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatalf("decode %q: %v", body, err)
			}
			if got == nil {
				t.Errorf("body %q is not a JSON array", body)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("feeds (-want +got):\n%s", diff)
			}
		})
	}
}

// TestStoreErrors checks a store that cannot be read answers 500 without
// leaking the error, and a missing store 503.
func TestStoreErrors(t *testing.T) {
	closed := newStore(t, testFixture())
	if err := closed.Close(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name       string
		store      httpapi.Reader
		wantStatus int
		wantBody   string
	}{
		{"closed store", closed, http.StatusInternalServerError, `{"error":"store read failed","status":500}` + "\n"},
		{"no store", nil, http.StatusServiceUnavailable, `{"error":"no store","status":503}` + "\n"},
	}
	for _, tc := range tests {
		for _, path := range []string{"/api/stories", "/api/dupes", "/api/feeds"} {
			t.Run(tc.name+path, func(t *testing.T) {
				base := serve(t, httpapi.Options{Store: tc.store})
				status, body, _ := get(t, base+path, "")
				if status != tc.wantStatus || body != tc.wantBody {
					t.Errorf("got %d %q, want %d %q", status, body, tc.wantStatus, tc.wantBody)
				}
			})
		}
	}
}

func TestTokenGuard(t *testing.T) {
	const token = "s3cret-token"
	reg := prometheus.NewRegistry()
	reg.MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "feedsift_test_total", Help: "Test."}))
	base := serve(t, httpapi.Options{Store: newStore(t, testFixture()), Gatherer: reg, Token: token})

	auths := []struct {
		name, header string
		ok           bool
	}{
		{"no header", "", false},
		{"wrong token", "Bearer wrong", false},
		{"token as a prefix", "Bearer " + token + "x", false},
		{"token without scheme", token, false},
		{"basic scheme", "Basic " + token, false},
		{"right token", "Bearer " + token, true},
	}
	for _, path := range []string{"/api/stories", "/api/dupes", "/api/feeds", "/metrics"} {
		for _, a := range auths {
			t.Run(path+"/"+a.name, func(t *testing.T) {
				status, body, hdr := get(t, base+path, a.header)
				want := http.StatusUnauthorized
				if a.ok {
					want = http.StatusOK
				}
				if status != want {
					t.Fatalf("status %d, want %d (body %q)", status, want, body)
				}
				if !a.ok {
					if got := hdr.Get("WWW-Authenticate"); !strings.HasPrefix(got, "Bearer") {
						t.Errorf("WWW-Authenticate %q, want a Bearer challenge", got)
					}
					if strings.Contains(body, token) {
						t.Errorf("401 body %q reveals the token", body)
					}
				}
			})
		}
	}
	for _, path := range []string{"/healthz", "/readyz"} {
		t.Run(path+" stays open", func(t *testing.T) {
			if status, body, _ := get(t, base+path, ""); status != http.StatusOK {
				t.Errorf("status %d, want 200 (body %q)", status, body)
			}
		})
	}
}

func TestParseSince(t *testing.T) {
	now := time.Date(2026, time.March, 10, 12, 30, 0, 0, time.UTC)
	tests := []struct {
		in      string
		want    time.Time
		wantErr bool
	}{
		{in: "2026-03-01T08:15:00Z", want: time.Date(2026, time.March, 1, 8, 15, 0, 0, time.UTC)},
		{in: "2026-03-01T08:15:00+02:00", want: time.Date(2026, time.March, 1, 6, 15, 0, 0, time.UTC)},
		{in: "2026-03-01T08:15:00.5Z", want: time.Date(2026, time.March, 1, 8, 15, 0, 5e8, time.UTC)},
		{in: "2026-03-01", want: time.Date(2026, time.March, 1, 0, 0, 0, 0, time.UTC)},
		{in: "24h", want: now.Add(-24 * time.Hour)},
		{in: "1h30m", want: now.Add(-90 * time.Minute)},
		{in: "0s", want: now},
		{in: "-1h", wantErr: true},
		{in: "", wantErr: true},
		{in: "yesterday", wantErr: true},
		{in: "10", wantErr: true},
		{in: "2026-02-30", wantErr: true},
		{in: "2026-03-01 08:15", wantErr: true},
		{in: "03/01/2026", wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			got, err := httpapi.ParseSince(tc.in, now)
			if tc.wantErr {
				if err == nil {
					t.Fatalf("ParseSince(%q) = %v, want an error", tc.in, got)
				}
				if msg := err.Error(); !strings.HasPrefix(msg, "httpapi: bad since") || !strings.Contains(msg, `"`+tc.in+`"`) {
					t.Errorf("error %q does not name the value", msg)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSince(%q): %v", tc.in, err)
			}
			if !got.Equal(tc.want) {
				t.Errorf("ParseSince(%q) = %v, want %v", tc.in, got, tc.want)
			}
		})
	}
}
