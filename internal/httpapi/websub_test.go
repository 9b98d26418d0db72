package httpapi_test

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/feedsift/feedsift/internal/httpapi"
	"github.com/feedsift/feedsift/internal/websub"
)

// TestWebSubOutsideGuard mounts a real WebSub subscriber on a server with a
// token: hubs reach it under /websub/ without the token (it answers for
// itself), while /api still asks for the token.
func TestWebSubOutsideGuard(t *testing.T) {
	sub, err := websub.New(websub.Options{CallbackBase: "http://127.0.0.1:1/websub"})
	if err != nil {
		t.Fatal(err)
	}
	base := serve(t, httpapi.Options{Store: newStore(t, testFixture()), Token: "s3cret-token", WebSub: sub})
	verify := base + "/websub/abc?" + url.Values{
		"hub.mode": {"subscribe"}, "hub.topic": {"https://a.example/feed"}, "hub.challenge": {"xyz"},
	}.Encode()
	tests := []struct {
		name, method, url string
		want              int
	}{
		{"verification of an unknown subscription", http.MethodGet, verify, http.StatusNotFound},
		{"content for an unknown callback", http.MethodPost, base + "/websub/abc", http.StatusGone},
		{"api still guarded", http.MethodGet, base + "/api/stories", http.StatusUnauthorized},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if status, body, _ := do(t, tc.method, tc.url, ""); status != tc.want {
				t.Errorf("%s %s = %d %q, want %d", tc.method, tc.url, status, body, tc.want)
			}
		})
	}
}
