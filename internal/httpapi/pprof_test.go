package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/httpapi"
)

// TestProfiling: /debug/pprof serves the runtime's profiles behind the
// token, like /metrics.
func TestProfiling(t *testing.T) {
	const token = "s3cret"
	base := serve(t, httpapi.Options{Token: token})
	for _, tc := range []struct {
		name, path, auth string
		wantStatus       int
		wantBody         string
	}{
		{"index without the token", "/debug/pprof/", "", http.StatusUnauthorized, "unauthorized"},
		{"heap without the token", "/debug/pprof/heap?debug=1", "", http.StatusUnauthorized, "unauthorized"},
		{"index", "/debug/pprof/", "Bearer " + token, http.StatusOK, "goroutine"},
		{"goroutine profile", "/debug/pprof/goroutine?debug=1", "Bearer " + token, http.StatusOK, "goroutine profile:"},
		{"heap profile", "/debug/pprof/heap?debug=1", "Bearer " + token, http.StatusOK, "heap profile:"},
		{"cmdline", "/debug/pprof/cmdline", "Bearer " + token, http.StatusOK, "httpapi.test"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status, body, _ := get(t, base+tc.path, tc.auth)
			if status != tc.wantStatus || !strings.Contains(body, tc.wantBody) {
				t.Errorf("GET %s = %d, body %.200q; want %d with %q", tc.path, status, body, tc.wantStatus, tc.wantBody)
			}
		})
	}
}
