package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/story"
)

// TestAPIErrorsJSON checks every kind of error under /api answers a JSON
// APIError with its status, while the pages keep text errors.
func TestAPIErrorsJSON(t *testing.T) {
	base := serve(t, httpapi.Options{Store: newStore(t, testFixture())})
	noStore := serve(t, httpapi.Options{})
	tests := []struct {
		name, method, url string
		header            map[string]string
		body              string
		status            int
		want              string // in the error message
		allow             string
	}{
		{"bad parameter", "GET", base + "/api/stories?limit=abc", nil, "", 400, `httpapi: bad limit "abc"`, ""},
		{"bad topic on dupes", "GET", base + "/api/dupes?topic=a..b", nil, "", 400, `httpapi: bad topic "a..b"`, ""},
		{"unknown story", "GET", base + "/api/stories/nope", nil, "", 404, `no story "nope"`, ""},
		{"no store", "GET", noStore + "/api/stories", nil, "", 503, "no store", ""},
		{"no store, one story", "GET", noStore + "/api/stories/w1", nil, "", 503, "no store", ""},
		{"unknown endpoint", "GET", base + "/api/nope", nil, "", 404, "no API endpoint /api/nope", ""},
		{"wrong method", "DELETE", base + "/api/stories", nil, "", 405, "method DELETE not allowed on /api/stories", "GET"},
		{"wrong method on feeds", "PUT", base + "/api/feeds", nil, "", 405, "method PUT not allowed on /api/feeds", "GET, POST"},
		{"no feed admin", "POST", base + "/api/feeds", nil, `{"url":"https://x.example/f","topic":"t"}`, 503, "no feed admin", ""},
		{"no reviewer", "POST", base + "/api/dupes/split", nil, `{}`, 503, "no reviewer", ""},
		{"no re-extraction", "POST", base + "/api/reextract", nil, `{}`, 503, "re-extraction is not available", ""},
		{"cross-site post", "POST", base + "/api/dupes/merge", map[string]string{"Sec-Fetch-Site": "cross-site"}, `{}`, 403, "cross-site", ""},
		{"cross-origin post", "POST", base + "/api/feeds", map[string]string{"Origin": "http://evil.example"}, `{}`, 403, "cross-origin", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req, err := http.NewRequestWithContext(t.Context(), tc.method, tc.url, strings.NewReader(tc.body))
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.header {
				req.Header.Set(k, v)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if ct := resp.Header.Get("Content-Type"); ct != "application/json" {
				t.Errorf("Content-Type %q, want application/json", ct)
			}
			var got httpapi.APIError
			dec := json.NewDecoder(resp.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&got); err != nil {
				t.Fatalf("body is not an APIError: %v", err)
			}
			if resp.StatusCode != tc.status || got.Status != tc.status || !strings.Contains(got.Error, tc.want) {
				t.Errorf("%d %+v, want %d with %q", resp.StatusCode, got, tc.status, tc.want)
			}
			if allow := resp.Header.Get("Allow"); allow != tc.allow {
				t.Errorf("Allow %q, want %q", allow, tc.allow)
			}
		})
	}

	t.Run("pages keep text", func(t *testing.T) {
		for _, path := range []string{"/stories/nope", "/?limit=x", "/dupes?topic=a..b"} {
			status, body, hdr := get(t, base+path, "")
			if status/100 != 4 || !strings.HasPrefix(hdr.Get("Content-Type"), "text/plain") || strings.HasPrefix(body, "{") {
				t.Errorf("GET %s: %d %q %q, want a text error", path, status, hdr.Get("Content-Type"), body)
			}
		}
	})
}

// feedAdmin is a FeedAdmin over a fixed list, for the routes' answers
// (the daemon's admin is tested in internal/daemon).
type feedAdmin struct {
	mu      sync.Mutex
	sources []httpapi.FeedSource
}

func (a *feedAdmin) FeedSources() []httpapi.FeedSource {
	a.mu.Lock()
	defer a.mu.Unlock()
	return append([]httpapi.FeedSource(nil), a.sources...)
}

func (a *feedAdmin) AddFeed(context.Context, httpapi.FeedRequest) (httpapi.FeedSource, error) {
	return httpapi.FeedSource{}, fmt.Errorf("test: %w: adding is not part of this test", httpapi.ErrFeedInvalid)
}

func (a *feedAdmin) RemoveFeed(_ context.Context, id string) (httpapi.FeedSource, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, src := range a.sources {
		if src.Feed.ID == id {
			a.sources = append(a.sources[:i], a.sources[i+1:]...)
			return src, nil
		}
	}
	return httpapi.FeedSource{}, fmt.Errorf("test: remove feed: %w: %q", httpapi.ErrFeedNotFound, id)
}

// TestRemoveFeedAnswer checks DELETE /api/feeds/{id} answers the feed it
// removed as GET /api/feeds listed it, with its real poll state, and a
// JSON error for an unknown feed.
func TestRemoveFeedAnswer(t *testing.T) {
	admin := &feedAdmin{sources: []httpapi.FeedSource{
		{Feed: story.Feed{ID: "wire", URL: "https://wire.example/rss", Topic: "world"}, Origin: httpapi.OriginAPI},
		{Feed: story.Feed{ID: "ledger", URL: "https://ledger.example/feed", Topic: "world"}, Origin: httpapi.OriginAPI},
		{Feed: story.Feed{ID: "fresh", URL: "https://fresh.example/feed", Topic: "science"}, Origin: httpapi.OriginAPI},
	}}
	base := serve(t, httpapi.Options{Store: newStore(t, testFixture()), FeedAdmin: admin})
	listed := map[string]httpapi.FeedInfo{}
	status, body, _ := get(t, base+"/api/feeds", "")
	var list []httpapi.FeedInfo
	if status != http.StatusOK || json.Unmarshal([]byte(body), &list) != nil {
		t.Fatalf("GET /api/feeds: %d %s", status, body)
	}
	for _, f := range list {
		listed[f.ID] = f
	}
	tests := []struct {
		id, status string
	}{
		{"wire", httpapi.StatusOK},
		{"ledger", httpapi.StatusFailing},
		{"fresh", httpapi.StatusNeverPolled}, // it really never was
	}
	for _, tc := range tests {
		t.Run(tc.id, func(t *testing.T) {
			status, body, hdr := do(t, http.MethodDelete, base+"/api/feeds/"+tc.id, "")
			if status != http.StatusOK || hdr.Get("Content-Type") != "application/json" {
				t.Fatalf("DELETE: %d %q %s", status, hdr.Get("Content-Type"), body)
			}
			var got httpapi.FeedInfo
			if err := json.Unmarshal([]byte(body), &got); err != nil {
				t.Fatal(err)
			}
			if got.Status != tc.status {
				t.Errorf("status %q, want %q", got.Status, tc.status)
			}
			if diff := cmp.Diff(listed[tc.id], got); diff != "" {
				t.Errorf("DELETE's answer differs from the feed's row in GET /api/feeds before (-listed +answer):\n%s", diff)
			}
		})
	}
	status, body, hdr := do(t, http.MethodDelete, base+"/api/feeds/wire", "")
	var e httpapi.APIError
	if status != http.StatusNotFound || hdr.Get("Content-Type") != "application/json" ||
		json.Unmarshal([]byte(body), &e) != nil || e.Status != http.StatusNotFound || !strings.Contains(e.Error, `"wire"`) {
		t.Errorf("DELETE of a removed feed: %d %s, want a 404 APIError naming it", status, body)
	}
}
