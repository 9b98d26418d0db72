package daemon_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/config"
	"github.com/feedsift/feedsift/internal/daemon"
	"github.com/feedsift/feedsift/internal/feedfarm"
	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
	"github.com/feedsift/feedsift/sink"
)

// feedSites is a farm of four one-story sites, each with its own article.
func feedSites(t *testing.T) (map[string]string, []string) {
	t.Helper()
	demo := map[string]feedfarm.Article{}
	for _, s := range feedfarm.DemoScenario().Sites {
		for _, e := range s.Entries {
			demo[e.Article.Slug] = e.Article
		}
	}
	names := []string{"courier", "wire", "ledger", "digest"}
	var sc feedfarm.Scenario
	for i, slug := range []string{"tram-line-3-opens", "kestrel-2-reaches-orbit", "merrow-ferry-strike-ends", "carrow-fells-rescue-drone"} {
		a, ok := demo[slug]
		if !ok {
			t.Fatalf("no demo article %q", slug)
		}
		sc.Sites = append(sc.Sites, feedfarm.Site{Name: names[i], Format: feedfarm.FormatRSS, Topic: "local",
			Entries: []feedfarm.Entry{{Article: a, GUID: names[i] + "-1"}}})
	}
	farm := feedfarm.New(sc)
	srv := httptest.NewServer(farm.Handler())
	t.Cleanup(srv.Close)
	return farm.FeedURLs(srv.URL), names
}

// writeConfig writes a config file like testConfig's with the given
// feeds (id = farm site name) and loads it.
func writeConfig(t *testing.T, path, dataDir string, urls map[string]string, feeds ...string) config.Config {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir = %q\n", dataDir)
	b.WriteString(`[log]
level = "warn"
[http]
listen = "127.0.0.1:0"
[nats]
embedded_listen = "127.0.0.1:0"
[fetch]
timeout = "5s"
per_host_interval = "0s"
per_host_concurrency = 4
allow_networks = ["127.0.0.0/8", "::1/128"]
[poll]
interval = "1h"
max_backoff = "2h"
drain_timeout = "5s"
max_item_age = "87600h"
`)
	for _, f := range feeds {
		fmt.Fprintf(&b, "[[feed]]\nid = %q\nurl = %q\ntopic = \"local\"\n", f, urls[f])
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path)
	if err != nil {
		t.Fatalf("load test config: %v", err)
	}
	return cfg
}

func startWithPath(t *testing.T, cfg config.Config, path string) *running {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	d, err := daemon.Start(ctx, cfg, daemon.Options{Version: "test", ConfigPath: path})
	if err != nil {
		cancel()
		t.Fatalf("Start: %v", err)
	}
	r := &running{d: d, cancel: cancel, done: make(chan error, 1)}
	go func() { r.done <- d.Run(ctx) }()
	t.Cleanup(func() { r.stop(t) })
	return r
}

// call sends a request to the daemon's API and returns status and body.
func call(t *testing.T, r *running, method, path string, body any) (int, string) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		data, err := json.Marshal(body)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(t.Context(), method, "http://"+r.d.HTTPAddr()+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, _ := io.ReadAll(resp.Body)
	var apiErr httpapi.APIError // errors under /api are JSON: return the message
	if resp.StatusCode != http.StatusOK && json.Unmarshal(out, &apiErr) == nil && apiErr.Error != "" {
		return resp.StatusCode, apiErr.Error
	}
	return resp.StatusCode, string(out)
}

func (r *running) hasStoryFrom(t *testing.T, feed string) bool {
	t.Helper()
	return slices.ContainsFunc(r.stories(t), func(s story.Story) bool { return s.FeedID == feed })
}

func listFeeds(t *testing.T, r *running) map[string]httpapi.FeedInfo {
	t.Helper()
	status, body := call(t, r, http.MethodGet, "/api/feeds", nil)
	if status != http.StatusOK {
		t.Fatalf("GET /api/feeds: %d %s", status, body)
	}
	var list []httpapi.FeedInfo
	if err := json.Unmarshal([]byte(body), &list); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
	out := map[string]httpapi.FeedInfo{}
	for _, f := range list {
		out[f.ID] = f
	}
	return out
}

func origins(m map[string]httpapi.FeedInfo) map[string]string {
	out := map[string]string{}
	for id, f := range m {
		out[id] = f.Origin
	}
	return out
}

// TestFeedsAPI runs a daemon and changes its feeds without a restart: a
// feed stored before the start is polled, a feed added through the API
// is polled and its story published, collisions with the config file
// and removals of its feeds are refused, and Reload applies an edit of
// the config file.
func TestFeedsAPI(t *testing.T) {
	urls, _ := feedSites(t)
	dataDir := t.TempDir()
	path := filepath.Join(t.TempDir(), "feedsift.toml")
	cfg := writeConfig(t, path, dataDir, urls, "courier")

	// A feed added while no daemon ran ("feedsift feeds add" on the store).
	st, err := sink.OpenStore(filepath.Join(dataDir, daemon.StoreFile), sink.StoreOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := daemon.AddStoredFeed(st, cfg, path, httpapi.FeedRequest{ID: "ledger", URL: urls["ledger"], Topic: "local"}, time.Now()); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	r := startWithPath(t, cfg, path)
	r.wait(t, "stories of the config feed and the stored feed", 30*time.Second, func() bool {
		return r.hasStoryFrom(t, "courier") && r.hasStoryFrom(t, "ledger")
	})

	status, body := call(t, r, http.MethodPost, "/api/feeds", httpapi.FeedRequest{ID: "wire", URL: urls["wire"], Topic: "local", Interval: "2h"})
	if status != http.StatusOK {
		t.Fatalf("POST /api/feeds: %d %s", status, body)
	}
	var added httpapi.FeedInfo
	if err := json.Unmarshal([]byte(body), &added); err != nil {
		t.Fatal(err)
	}
	if added.ID != "wire" || added.Origin != httpapi.OriginAPI || added.Interval != "2h0m0s" || added.Status != httpapi.StatusNeverPolled {
		t.Errorf("added feed %+v", added)
	}
	r.wait(t, "the story of the feed added through the API", 30*time.Second, func() bool { return r.hasStoryFrom(t, "wire") })

	refusals := []struct {
		name, method, path string
		body               any
		status             int
		want               string
	}{
		{"id taken by the config", "POST", "/api/feeds", httpapi.FeedRequest{ID: "courier", URL: "https://x.example/f", Topic: "local"},
			http.StatusConflict, `feed id "courier" is declared in ` + path},
		{"url of a config feed", "POST", "/api/feeds", httpapi.FeedRequest{ID: "other", URL: urls["courier"], Topic: "local"},
			http.StatusConflict, `is already feed "courier", declared in ` + path},
		{"id taken by an added feed", "POST", "/api/feeds", httpapi.FeedRequest{ID: "wire", URL: "https://x.example/f", Topic: "local"},
			http.StatusConflict, `feed id "wire" is taken`},
		{"no topic", "POST", "/api/feeds", httpapi.FeedRequest{URL: "https://x.example/f"}, http.StatusBadRequest, "topic is required"},
		{"bad interval", "POST", "/api/feeds", httpapi.FeedRequest{URL: "https://x.example/f", Topic: "x", Interval: "soon"},
			http.StatusBadRequest, `interval "soon"`},
		{"not http", "POST", "/api/feeds", httpapi.FeedRequest{URL: "ftp://x.example/f", Topic: "x"}, http.StatusBadRequest, "not an http(s) URL"},
		{"remove a config feed", "DELETE", "/api/feeds/courier", nil, http.StatusConflict,
			`"courier" is declared in ` + path + "; edit the file"},
		{"remove an unknown feed", "DELETE", "/api/feeds/nope", nil, http.StatusNotFound, `"nope"`},
	}
	for _, tc := range refusals {
		t.Run(tc.name, func(t *testing.T) {
			status, body := call(t, r, tc.method, tc.path, tc.body)
			var apiErr struct{ Error string } // a JSON error answer, or plain text
			if json.Unmarshal([]byte(body), &apiErr) == nil && apiErr.Error != "" {
				body = apiErr.Error
			}
			if status != tc.status || !strings.Contains(body, tc.want) {
				t.Errorf("%s %s: %d %q, want %d and %q", tc.method, tc.path, status, body, tc.status, tc.want)
			}
		})
	}

	feeds := listFeeds(t, r)
	if diff := cmp.Diff(map[string]string{"courier": "config", "ledger": "api", "wire": "api"}, origins(feeds)); diff != "" {
		t.Errorf("origins (-want +got):\n%s", diff)
	}
	if f := feeds["courier"]; f.Status != httpapi.StatusOK || f.URL != urls["courier"] || f.Topic != "local" || f.LastFetch.IsZero() ||
		f.NextReason != "scheduled" || f.ItemsPerDay <= 0 {
		t.Errorf("courier in GET /api/feeds: %+v", f)
	}
	if _, metrics := call(t, r, http.MethodGet, "/metrics", nil); !strings.Contains(metrics, `feedsift_feeds{origin="api"} 2`) ||
		!strings.Contains(metrics, `feedsift_feeds{origin="config"} 1`) {
		t.Errorf("feeds gauge not in /metrics")
	}

	if status, body := call(t, r, http.MethodDelete, "/api/feeds/wire", nil); status != http.StatusOK {
		t.Errorf("DELETE /api/feeds/wire: %d %s", status, body)
	}

	// Edit the file: courier goes, digest comes; then a broken edit.
	writeConfig(t, path, dataDir, urls, "digest")
	if err := r.d.Reload(t.Context()); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	r.wait(t, "the story of the feed added to the file", 30*time.Second, func() bool { return r.hasStoryFrom(t, "digest") })
	if diff := cmp.Diff(map[string]string{"digest": "config", "ledger": "api"}, origins(listFeeds(t, r))); diff != "" {
		t.Errorf("origins after reload (-want +got):\n%s", diff)
	}
	if err := os.WriteFile(path, []byte("[[feed]]\nurl = \"nope\"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := r.d.Reload(t.Context()); err == nil || !strings.Contains(err.Error(), "feed[0].url") {
		t.Errorf("Reload of a broken file: %v, want the config error", err)
	}
	if got := len(r.d.FeedSources()); got != 2 {
		t.Errorf("a failed reload changed the feeds: %d, want 2", got)
	}
}
