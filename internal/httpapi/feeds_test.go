package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/httpapi"
)

// TestFeedRoutesGuarded checks the feed-changing routes sit behind the
// token and the same-origin check, and answer 503 without a FeedAdmin
// (the daemon's admin is tested in internal/daemon).
func TestFeedRoutesGuarded(t *testing.T) {
	const token = "s3cret"
	base := serve(t, httpapi.Options{Store: newStore(t, testFixture()), Token: token})
	routes := []struct{ method, path string }{
		{http.MethodPost, "/api/feeds"},
		{http.MethodPost, "/api/feeds/import"},
		{http.MethodDelete, "/api/feeds/example.com/feed.xml"},
	}
	for _, rt := range routes {
		t.Run(rt.method+" "+rt.path, func(t *testing.T) {
			if status, _, _ := do(t, rt.method, base+rt.path, ""); status != http.StatusUnauthorized {
				t.Errorf("without token: %d, want 401", status)
			}
			status, body, _ := do(t, rt.method, base+rt.path, "Bearer "+token)
			if status != http.StatusServiceUnavailable || !strings.Contains(body, "no feed admin") {
				t.Errorf("without a FeedAdmin: %d %q, want 503", status, body)
			}
			req, err := http.NewRequestWithContext(t.Context(), rt.method, base+rt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer "+token)
			req.Header.Set("Sec-Fetch-Site", "cross-site")
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusForbidden {
				t.Errorf("cross-site: %d, want 403", resp.StatusCode)
			}
		})
	}
}
