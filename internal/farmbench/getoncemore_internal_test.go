package farmbench

import (
	"context"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
)

// TestGetOnceMore checks the baseline's one retry: a connection closed
// without a response is tried again once, and only once.
func TestGetOnceMore(t *testing.T) {
	tests := []struct {
		name        string
		drops       int32 // requests whose connection is closed unanswered
		status      int
		wantErr     bool
		wantRetries int
	}{
		{"served at once", 0, http.StatusOK, false, 0},
		{"dropped once, then served", 1, http.StatusOK, false, 1},
		{"dropped twice", 2, http.StatusOK, true, 1},
		{"not found", 0, http.StatusNotFound, true, 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var requests atomic.Int32
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if requests.Add(1) <= tt.drops {
					conn, _, err := w.(http.Hijacker).Hijack()
					if err != nil {
						t.Errorf("hijack: %v", err)
						return
					}
					conn.Close()
					return
				}
				w.WriteHeader(tt.status)
				_, _ = w.Write([]byte("page"))
			}))
			defer srv.Close()
			retries := 0
			body, err := getOnceMore(context.Background(), srv.Client(), srv.URL, func() { retries++ })
			if (err != nil) != tt.wantErr {
				t.Fatalf("getOnceMore: err %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && string(body) != "page" {
				t.Errorf("body %q, want %q", body, "page")
			}
			if retries != tt.wantRetries {
				t.Errorf("retries %d, want %d", retries, tt.wantRetries)
			}
		})
	}
}
