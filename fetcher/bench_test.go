package fetcher_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/fetcher"
)

// BenchmarkFetch compares Fetch with a plain http.Client.Get against the
// same loopback server, so the client's own overhead (limiter, guard,
// capped decoding) is visible.
func BenchmarkFetch(b *testing.B) {
	body := []byte(strings.Repeat("<item><title>benchmark news item</title><link>https://example.com/a</link></item>\n", 200))
	gz := gzipped(b, body)
	srv := newServer(b, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/gzip" {
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(gz)
			return
		}
		w.Write(body)
	})

	b.Run("baseline_http_get", func(b *testing.B) {
		tr := &http.Transport{}
		b.Cleanup(tr.CloseIdleConnections)
		hc := &http.Client{Transport: tr}
		b.ReportAllocs()
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			resp, err := hc.Get(srv.URL + "/plain")
			if err != nil {
				b.Fatal(err)
			}
			got, err := io.ReadAll(resp.Body)
			if cerr := resp.Body.Close(); err == nil {
				err = cerr
			}
			if err != nil || !bytes.Equal(got, body) {
				b.Fatalf("Get: %d bytes, %v", len(got), err)
			}
		}
	})
	for _, path := range []string{"/plain", "/gzip"} {
		b.Run("fetch"+strings.ReplaceAll(path, "/", "_"), func(b *testing.B) {
			c := newClient(b, fetcher.Options{PerHostConcurrency: 64})
			b.ReportAllocs()
			b.SetBytes(int64(len(body)))
			for b.Loop() {
				resp, err := c.Fetch(b.Context(), fetcher.Request{URL: srv.URL + path})
				if err != nil || !bytes.Equal(resp.Body, body) {
					b.Fatalf("Fetch: %v", err)
				}
			}
		})
	}
}
