package fetcher_test

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/feedsift/feedsift/fetcher"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// newClient builds a client for tests: loopback allowed (unless
// AllowNetworks is set, even to an empty slice), short timeouts and
// delays, no per-host spacing unless asked for.
func newClient(t testing.TB, o fetcher.Options) *fetcher.Client {
	t.Helper()
	if o.AllowNetworks == nil {
		o.AllowNetworks = loopback
	}
	if o.Timeout == 0 {
		o.Timeout = 2 * time.Second
	}
	if o.PerHostInterval == 0 {
		o.PerHostInterval = -1
	}
	if o.RetryBaseDelay == 0 {
		o.RetryBaseDelay = 5 * time.Millisecond
	}
	c, err := fetcher.New(o)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func newServer(t testing.TB, h http.HandlerFunc) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv
}

// ignoreTiming leaves out the fields that vary from run to run.
var ignoreTiming = cmpopts.IgnoreFields(fetcher.Response{}, "Elapsed")

func TestFetchOK(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		opts       fetcher.Options
		accept     string
		wantUA     string
		wantAccept string
	}{
		{"defaults", fetcher.Options{}, "", fetcher.DefaultUserAgent, "*/*"},
		{"custom", fetcher.Options{UserAgent: "test-agent/1"}, "application/rss+xml", "test-agent/1", "application/rss+xml"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var mu sync.Mutex
			var seen http.Header
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				mu.Lock()
				seen = r.Header.Clone()
				mu.Unlock()
				w.Header().Set("Content-Type", "application/rss+xml")
				w.Header().Set("ETag", `"v1"`)
				w.Header().Set("Last-Modified", "Wed, 21 Oct 2015 07:28:00 GMT")
				fmt.Fprint(w, "<rss>hello</rss>")
			})
			c := newClient(t, tc.opts)
			got, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + "/feed", Accept: tc.accept})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			want := &fetcher.Response{
				URL:          srv.URL + "/feed",
				StatusCode:   200,
				Body:         []byte("<rss>hello</rss>"),
				ContentType:  "application/rss+xml",
				ETag:         `"v1"`,
				LastModified: "Wed, 21 Oct 2015 07:28:00 GMT",
				Attempts:     1,
			}
			if diff := cmp.Diff(want, got, ignoreTiming); diff != "" {
				t.Errorf("Fetch mismatch (-want +got):\n%s", diff)
			}
			mu.Lock()
			defer mu.Unlock()
			for key, want := range map[string]string{
				"User-Agent":      tc.wantUA,
				"Accept":          tc.wantAccept,
				"Accept-Encoding": "gzip, deflate, br",
			} {
				if got := seen.Get(key); got != want {
					t.Errorf("server saw %s = %q, want %q", key, got, want)
				}
			}
			for _, key := range []string{"If-None-Match", "If-Modified-Since"} {
				if got := seen.Get(key); got != "" {
					t.Errorf("server saw %s = %q without validators in the request", key, got)
				}
			}
		})
	}
}

func TestFetchNotModified(t *testing.T) {
	t.Parallel()
	const etag, lastMod = `"abc"`, "Wed, 21 Oct 2015 07:28:00 GMT"
	tests := []struct {
		name     string
		echo     bool // server repeats the validators on the 304
		wantETag string
	}{
		{"validators echoed", true, etag},
		{"validators omitted", false, etag},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var gotINM, gotIMS atomic.Value
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				gotINM.Store(r.Header.Get("If-None-Match"))
				gotIMS.Store(r.Header.Get("If-Modified-Since"))
				if r.Header.Get("If-None-Match") == etag {
					if tc.echo {
						w.Header().Set("ETag", etag)
						w.Header().Set("Last-Modified", lastMod)
					}
					w.WriteHeader(http.StatusNotModified)
					return
				}
				fmt.Fprint(w, "full body")
			})
			c := newClient(t, fetcher.Options{})
			got, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL, ETag: etag, LastModified: lastMod})
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if gotINM.Load() != etag || gotIMS.Load() != lastMod {
				t.Errorf("server saw If-None-Match %q, If-Modified-Since %q; want %q, %q", gotINM.Load(), gotIMS.Load(), etag, lastMod)
			}
			want := &fetcher.Response{URL: srv.URL, StatusCode: 304, NotModified: true, ETag: tc.wantETag, LastModified: lastMod, Attempts: 1}
			if diff := cmp.Diff(want, got, ignoreTiming, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("Fetch mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

// compress runs p through the writer w makes and returns the result.
func compress(t testing.TB, p []byte, newWriter func(io.Writer) io.WriteCloser) []byte {
	t.Helper()
	var b bytes.Buffer
	w := newWriter(&b)
	if _, err := w.Write(p); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func gzipped(t testing.TB, p []byte) []byte {
	return compress(t, p, func(w io.Writer) io.WriteCloser { return gzip.NewWriter(w) })
}

func zlibbed(t testing.TB, p []byte) []byte {
	return compress(t, p, func(w io.Writer) io.WriteCloser { return zlib.NewWriter(w) })
}

func deflated(t testing.TB, p []byte) []byte {
	return compress(t, p, func(w io.Writer) io.WriteCloser {
		fw, err := flate.NewWriter(w, flate.DefaultCompression)
		if err != nil {
			t.Fatal(err)
		}
		return fw
	})
}

func brotlied(t testing.TB, p []byte) []byte {
	return compress(t, p, func(w io.Writer) io.WriteCloser { return brotli.NewWriter(w) })
}

func TestFetchContentEncoding(t *testing.T) {
	t.Parallel()
	plain := []byte(strings.Repeat("<item><title>news of the day</title></item>\n", 200))
	tests := []struct {
		name     string
		encoding string
		body     []byte
		wantErr  error
	}{
		{"identity", "", plain, nil},
		{"gzip", "gzip", gzipped(t, plain), nil},
		{"x-gzip", "x-gzip", gzipped(t, plain), nil},
		{"deflate zlib", "deflate", zlibbed(t, plain), nil},
		{"deflate raw", "deflate", deflated(t, plain), nil},
		{"br", "br", brotlied(t, plain), nil},
		{"gzip then br", "gzip, br", brotlied(t, gzipped(t, plain)), nil},
		{"upper case", "GZIP", gzipped(t, plain), nil},
		{"corrupt gzip", "gzip", []byte("this is not gzip at all"), fetcher.ErrBadContentEncoding},
		{"truncated gzip", "gzip", gzipped(t, plain)[:100], fetcher.ErrBadContentEncoding},
		{"corrupt br", "br", []byte("this is not brotli at all, no no"), fetcher.ErrBadContentEncoding},
		{"unknown", "compress", plain, fetcher.ErrBadContentEncoding},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				if tc.encoding != "" {
					w.Header().Set("Content-Encoding", tc.encoding)
				}
				w.Write(tc.body)
			})
			c := newClient(t, fetcher.Options{})
			got, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Fetch error = %v, want %v", err, tc.wantErr)
				}
				if fetcher.Retryable(err) || hits.Load() != 1 {
					t.Errorf("Retryable = %v, server hits = %d; want false, 1", fetcher.Retryable(err), hits.Load())
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if !bytes.Equal(got.Body, plain) {
				t.Errorf("Body = %d bytes %.40q..., want %d bytes %.40q...", len(got.Body), got.Body, len(plain), plain)
			}
		})
	}
}

// TestFetchGzipBomb is not parallel: it measures the memory allocated.
func TestFetchGzipBomb(t *testing.T) {
	// 100 gzip members of 1 MiB of zeros each: about 100 KiB on the wire,
	// 100 MiB decoded.
	member := gzipped(t, make([]byte, 1<<20))
	bomb := bytes.Repeat(member, 100)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(bomb)
	})
	const maxBody = 1 << 20
	c := newClient(t, fetcher.Options{MaxBodySize: maxBody})

	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	_, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL})
	runtime.ReadMemStats(&after)

	if !errors.Is(err, fetcher.ErrTooLarge) {
		t.Fatalf("Fetch error = %v, want ErrTooLarge", err)
	}
	if fetcher.Retryable(err) {
		t.Errorf("Retryable(%v) = true, want false", err)
	}
	// Bounded memory: a few times the cap, far below the 100 MiB bomb.
	if alloc := after.TotalAlloc - before.TotalAlloc; alloc > 16*maxBody {
		t.Errorf("Fetch allocated %d bytes on a gzip bomb, want <= %d", alloc, 16*maxBody)
	}
}

func TestFetchTooLarge(t *testing.T) {
	t.Parallel()
	chunk := bytes.Repeat([]byte("x"), 32<<10)
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"endless body", func(w http.ResponseWriter, r *http.Request) {
			for r.Context().Err() == nil {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		}},
		{"content-length over cap", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Length", "100000000")
			w.Write(chunk)
		}},
		{"endless gzip body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Encoding", "gzip")
			zw := gzip.NewWriter(w)
			for r.Context().Err() == nil {
				if _, err := zw.Write(chunk); err != nil {
					return
				}
				if err := zw.Flush(); err != nil {
					return
				}
				w.(http.Flusher).Flush()
			}
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			srv := newServer(t, tc.handler)
			c := newClient(t, fetcher.Options{MaxBodySize: 256 << 10})
			_, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL})
			if !errors.Is(err, fetcher.ErrTooLarge) {
				t.Fatalf("Fetch error = %v, want ErrTooLarge", err)
			}
			if !strings.Contains(err.Error(), srv.URL) {
				t.Errorf("error %q does not name the URL %s", err, srv.URL)
			}
		})
	}
}

func TestFetchTimeout(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		handler http.HandlerFunc
	}{
		{"slow body", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			for {
				if _, err := w.Write([]byte("x")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-r.Context().Done():
					return
				case <-time.After(50 * time.Millisecond):
				}
			}
		}},
		{"slow headers", func(w http.ResponseWriter, r *http.Request) {
			<-r.Context().Done()
		}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				hits.Add(1)
				tc.handler(w, r)
			})
			c := newClient(t, fetcher.Options{Timeout: 300 * time.Millisecond, Retries: 1})
			_, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + "/slow"})
			if !errors.Is(err, fetcher.ErrTimeout) {
				t.Fatalf("Fetch error = %v, want ErrTimeout", err)
			}
			if ne, ok := errors.AsType[net.Error](err); !ok || !ne.Timeout() {
				t.Errorf("error %v is not a net.Error with Timeout() true", err)
			}
			if !fetcher.Retryable(err) {
				t.Errorf("Retryable(%v) = false, want true", err)
			}
			if got := hits.Load(); got != 2 {
				t.Errorf("server hits = %d, want 2 (one retry)", got)
			}
			if !strings.Contains(err.Error(), srv.URL+"/slow") {
				t.Errorf("error %q does not name the URL", err)
			}
		})
	}
}

func TestFetchRedirects(t *testing.T) {
	t.Parallel()
	mux := http.NewServeMux()
	mux.HandleFunc("/chain/{n}", func(w http.ResponseWriter, r *http.Request) {
		switch n := r.PathValue("n"); n {
		case "0":
			fmt.Fprint(w, "arrived")
		default:
			var i int
			fmt.Sscan(n, &i)
			http.Redirect(w, r, fmt.Sprintf("/chain/%d", i-1), http.StatusFound)
		}
	})
	mux.HandleFunc("/loop", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/loop", http.StatusMovedPermanently)
	})
	mux.HandleFunc("/ftp", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "ftp://example.com/feed.xml", http.StatusFound)
	})
	mux.HandleFunc("/file", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "file:///etc/passwd", http.StatusFound)
	})
	srv := newServer(t, mux.ServeHTTP)

	tests := []struct {
		name    string
		opts    fetcher.Options
		path    string
		wantURL string
		wantErr error
	}{
		{"chain within limit", fetcher.Options{}, "/chain/3", "/chain/0", nil},
		{"chain at limit", fetcher.Options{MaxRedirects: 3}, "/chain/3", "/chain/0", nil},
		{"chain over limit", fetcher.Options{MaxRedirects: 2}, "/chain/3", "", fetcher.ErrTooManyRedirects},
		{"no redirects allowed", fetcher.Options{MaxRedirects: -1}, "/chain/1", "", fetcher.ErrTooManyRedirects},
		{"loop", fetcher.Options{}, "/loop", "", fetcher.ErrTooManyRedirects},
		{"to ftp", fetcher.Options{}, "/ftp", "", fetcher.ErrUnsupportedScheme},
		{"to file", fetcher.Options{}, "/file", "", fetcher.ErrUnsupportedScheme},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := newClient(t, tc.opts)
			got, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + tc.path})
			if tc.wantErr != nil {
				if !errors.Is(err, tc.wantErr) {
					t.Fatalf("Fetch error = %v, want %v", err, tc.wantErr)
				}
				if fetcher.Retryable(err) {
					t.Errorf("Retryable(%v) = true, want false", err)
				}
				if !strings.Contains(err.Error(), srv.URL+tc.path) {
					t.Errorf("error %q does not name the URL", err)
				}
				return
			}
			if err != nil {
				t.Fatalf("Fetch: %v", err)
			}
			if got.URL != srv.URL+tc.wantURL || string(got.Body) != "arrived" {
				t.Errorf("Fetch = URL %q body %q, want %q %q", got.URL, got.Body, srv.URL+tc.wantURL, "arrived")
			}
		})
	}
}

func TestFetchBadURL(t *testing.T) {
	t.Parallel()
	c := newClient(t, fetcher.Options{})
	tests := []struct {
		url  string
		want error
	}{
		{"ftp://example.com/feed", fetcher.ErrUnsupportedScheme},
		{"file:///etc/passwd", fetcher.ErrUnsupportedScheme},
		{"javascript:alert(1)", fetcher.ErrUnsupportedScheme},
		{"/relative/feed", fetcher.ErrUnsupportedScheme},
		{"http://", fetcher.ErrInvalidURL},
		{"http://[::1", fetcher.ErrInvalidURL},
		{"http://exa mple.com/\x7f", fetcher.ErrInvalidURL},
		{"", fetcher.ErrUnsupportedScheme},
	}
	for _, tc := range tests {
		t.Run(tc.url, func(t *testing.T) {
			_, err := c.Fetch(t.Context(), fetcher.Request{URL: tc.url})
			if !errors.Is(err, tc.want) {
				t.Errorf("Fetch(%q) error = %v, want %v", tc.url, err, tc.want)
			}
		})
	}
	t.Run("header injection", func(t *testing.T) {
		var hits atomic.Int32
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
		_, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL, ETag: "\"x\"\r\nX-Injected: 1"})
		if err == nil || fetcher.Retryable(err) || hits.Load() != 0 {
			t.Errorf("Fetch with CRLF in ETag = %v (retryable %v, hits %d), want a permanent error and no request",
				err, fetcher.Retryable(err), hits.Load())
		}
	})
}

func TestFetchStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name          string
		codes         []int // status per hit; the last repeats
		retries       int
		wantCode      int // final status
		wantHits      int32
		wantErr       bool
		wantRetryable bool
	}{
		{"404 not retried", []int{404}, 2, 404, 1, true, false},
		{"410 not retried", []int{410}, 2, 410, 1, true, false},
		{"500 then 200", []int{500, 200}, 2, 200, 2, false, false},
		{"502 503 then 200", []int{502, 503, 200}, 2, 200, 3, false, false},
		{"500 always", []int{500}, 2, 500, 3, true, true},
		{"500 no retries", []int{500}, -1, 500, 1, true, true},
		{"408 retried", []int{408, 200}, 2, 200, 2, false, false},
		{"204 empty", []int{204}, 2, 204, 1, false, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var hits atomic.Int32
			srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
				n := int(hits.Add(1))
				code := tc.codes[min(n, len(tc.codes))-1]
				w.WriteHeader(code)
				if code == 200 {
					fmt.Fprint(w, "ok")
				}
			})
			c := newClient(t, fetcher.Options{Retries: tc.retries})
			got, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + "/feed"})
			if hits.Load() != tc.wantHits {
				t.Errorf("server hits = %d, want %d", hits.Load(), tc.wantHits)
			}
			if got == nil {
				t.Fatalf("Fetch returned no Response (error %v)", err)
			}
			if got.StatusCode != tc.wantCode || got.Attempts != int(tc.wantHits) {
				t.Errorf("Response StatusCode %d Attempts %d, want %d %d", got.StatusCode, got.Attempts, tc.wantCode, tc.wantHits)
			}
			if !tc.wantErr {
				if err != nil {
					t.Fatalf("Fetch: %v", err)
				}
				return
			}
			se, ok := errors.AsType[*fetcher.StatusError](err)
			if !ok {
				t.Fatalf("Fetch error = %v (%T), want *StatusError", err, err)
			}
			if se.Code != tc.wantCode || se.URL != srv.URL+"/feed" {
				t.Errorf("StatusError = %+v, want code %d url %s", se, tc.wantCode, srv.URL+"/feed")
			}
			wantMsg := fmt.Sprintf("fetcher: GET %s/feed: %d %s", srv.URL, tc.wantCode, http.StatusText(tc.wantCode))
			if err.Error() != wantMsg {
				t.Errorf("Error() = %q, want %q", err.Error(), wantMsg)
			}
			if fetcher.Retryable(err) != tc.wantRetryable {
				t.Errorf("Retryable = %v, want %v", fetcher.Retryable(err), tc.wantRetryable)
			}
		})
	}
}

func TestFetchRetryAfter(t *testing.T) {
	t.Parallel()
	t.Run("short wait honoured", func(t *testing.T) {
		t.Parallel()
		var mu sync.Mutex
		var starts []time.Time
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			mu.Lock()
			starts = append(starts, time.Now())
			n := len(starts)
			mu.Unlock()
			if n == 1 {
				w.Header().Set("Retry-After", "1")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			fmt.Fprint(w, "ok")
		})
		c := newClient(t, fetcher.Options{RetryMaxDelay: 2 * time.Second})
		got, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL})
		if err != nil {
			t.Fatalf("Fetch: %v", err)
		}
		if got.Attempts != 2 || string(got.Body) != "ok" {
			t.Errorf("Fetch = Attempts %d Body %q, want 2 %q", got.Attempts, got.Body, "ok")
		}
		mu.Lock()
		defer mu.Unlock()
		// Behaviour, not speed: the retry must not come before the server
		// said (the backoff alone would be ~5ms).
		if gap := starts[1].Sub(starts[0]); gap < 950*time.Millisecond {
			t.Errorf("retry came %s after the 429, want >= 1s as Retry-After asked", gap)
		}
	})
	t.Run("long wait returned", func(t *testing.T) {
		t.Parallel()
		var hits atomic.Int32
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		c := newClient(t, fetcher.Options{})
		got, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL})
		se, ok := errors.AsType[*fetcher.StatusError](err)
		if !ok || se.Code != 429 || se.RetryAfter != time.Hour {
			t.Fatalf("Fetch error = %v, want *StatusError 429 with RetryAfter 1h", err)
		}
		if fetcher.RetryAfter(err) != time.Hour || !fetcher.Retryable(err) {
			t.Errorf("RetryAfter = %s, Retryable = %v; want 1h, true", fetcher.RetryAfter(err), fetcher.Retryable(err))
		}
		if hits.Load() != 1 {
			t.Errorf("server hits = %d, want 1", hits.Load())
		}
		if got == nil || got.RetryAfter != time.Hour || got.Attempts != 1 {
			t.Errorf("Response = %+v, want RetryAfter 1h, Attempts 1", got)
		}
	})
	t.Run("503 with http-date", func(t *testing.T) {
		t.Parallel()
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", time.Now().Add(2*time.Hour).UTC().Format(http.TimeFormat))
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		c := newClient(t, fetcher.Options{})
		_, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL})
		if ra := fetcher.RetryAfter(err); ra < 119*time.Minute || ra > 2*time.Hour {
			t.Errorf("RetryAfter(%v) = %s, want about 2h", err, ra)
		}
	})
}

func TestPrivateAddressGuard(t *testing.T) {
	t.Parallel()
	var hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		if r.URL.Path == "/to-other-loopback" {
			_, port, _ := net.SplitHostPort(r.Host)
			http.Redirect(w, r, "http://127.0.0.2:"+port+"/", http.StatusFound)
			return
		}
		fmt.Fprint(w, "ok")
	})
	_, port, err := net.SplitHostPort(srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		allow    []netip.Prefix
		url      string
		wantErr  bool
		wantName string // in the message
	}{
		{"loopback refused by default", []netip.Prefix{}, srv.URL, true, `"127.0.0.1"`},
		{"localhost refused by default", []netip.Prefix{}, "http://localhost:" + port + "/", true, `"localhost"`},
		{"loopback allowed", loopback, srv.URL, false, ""},
		{"other network allowed only", []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}, srv.URL, true, `"127.0.0.1"`},
		{"redirect to refused address", []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}, srv.URL + "/to-other-loopback", true, "127.0.0.2"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c := newClient(t, fetcher.Options{AllowNetworks: tc.allow})
			before := hits.Load()
			got, err := c.Fetch(t.Context(), fetcher.Request{URL: tc.url})
			if !tc.wantErr {
				if err != nil || string(got.Body) != "ok" {
					t.Fatalf("Fetch = %v, want ok", err)
				}
				return
			}
			if dnsErr, ok := errors.AsType[*net.DNSError](err); ok {
				t.Skipf("cannot resolve here: %v", dnsErr)
			}
			if !errors.Is(err, fetcher.ErrPrivateAddress) {
				t.Fatalf("Fetch error = %v, want ErrPrivateAddress", err)
			}
			if fetcher.Retryable(err) {
				t.Errorf("Retryable(%v) = true, want false", err)
			}
			if !strings.Contains(err.Error(), tc.wantName) {
				t.Errorf("error %q does not name %s", err, tc.wantName)
			}
			if !strings.HasPrefix(err.Error(), "fetcher: GET "+tc.url) {
				t.Errorf("error %q does not start with the URL", err)
			}
			// Only the allowed first hop of the redirect may reach the server.
			wantHits := int32(0)
			if strings.HasSuffix(tc.url, "/to-other-loopback") {
				wantHits = 1
			}
			if d := hits.Load() - before; d != wantHits {
				t.Errorf("server hits = %d, want %d", d, wantHits)
			}
		})
	}
}

func TestIsPrivate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		addr string
		want bool
	}{
		{"10.0.0.1", true},
		{"192.168.1.1", true},
		{"172.16.0.1", true},
		{"172.31.255.255", true},
		{"127.0.0.1", true},
		{"127.1.2.3", true},
		{"0.0.0.0", true},
		{"::", true},
		{"::1", true},
		{"fe80::1", true},
		{"fe80::1%eth0", true},
		{"fc00::1", true},
		{"fd12:3456::1", true},
		{"169.254.169.254", true},
		{"100.64.0.1", true},
		{"100.127.255.255", true},
		{"::ffff:127.0.0.1", true},
		{"::ffff:10.1.2.3", true},
		{"::ffff:169.254.169.254", true},
		{"::127.0.0.1", true},     // IPv4-compatible
		{"64:ff9b::a00:1", true},  // NAT64 of 10.0.0.1
		{"2002:7f00:1::1", true},  // 6to4 of 127.0.0.1
		{"224.0.0.1", true},       // multicast
		{"ff02::1", true},         // multicast
		{"255.255.255.255", true}, // broadcast
		{"198.18.0.1", true},      // benchmarking
		{"192.0.2.1", true},       // documentation
		{"2001:db8::1", true},     // documentation
		{"8.8.8.8", false},
		{"1.1.1.1", false},
		{"100.63.255.255", false}, // just below CGNAT
		{"100.128.0.0", false},    // just above CGNAT
		{"172.32.0.1", false},     // just above 172.16/12
		{"::ffff:8.8.8.8", false},
		{"64:ff9b::808:808", false}, // NAT64 of 8.8.8.8
		{"2001:4860::1", false},
		{"2606:4700:4700::1111", false},
	}
	for _, tc := range tests {
		t.Run(tc.addr, func(t *testing.T) {
			addr, err := netip.ParseAddr(tc.addr)
			if err != nil {
				t.Fatal(err)
			}
			if got := fetcher.IsPrivate(addr); got != tc.want {
				t.Errorf("IsPrivate(%s) = %v, want %v", tc.addr, got, tc.want)
			}
		})
	}
	if !fetcher.IsPrivate(netip.Addr{}) {
		t.Errorf("IsPrivate(zero Addr) = false, want true")
	}
}

func TestPerHostConcurrency(t *testing.T) {
	t.Parallel()
	const limit, requests = 2, 8
	var inFlight, maxInFlight, hits atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		n := inFlight.Add(1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		time.Sleep(30 * time.Millisecond)
		inFlight.Add(-1)
		fmt.Fprint(w, "ok")
	})
	c := newClient(t, fetcher.Options{PerHostConcurrency: limit})
	var wg sync.WaitGroup
	errs := make(chan error, requests)
	for range requests {
		wg.Go(func() {
			if _, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL}); err != nil {
				errs <- err
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Fetch: %v", err)
	}
	if hits.Load() != requests {
		t.Errorf("server hits = %d, want %d", hits.Load(), requests)
	}
	if m := maxInFlight.Load(); m > limit || m < 1 {
		t.Errorf("max requests in flight = %d, want 1..%d", m, limit)
	}
}

// TestPerHostWaitNotTimed fetches twice from one host whose requests
// must start five seconds apart, with a two-second Timeout: the second
// request waits longer than Timeout for its turn and must still succeed,
// because Timeout bounds the request, not the wait for the host.
func TestPerHostWaitNotTimed(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) { fmt.Fprint(w, "ok") })
	c := newClient(t, fetcher.Options{PerHostInterval: 5 * time.Second, PerHostConcurrency: 2, Timeout: 2 * time.Second})
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			if _, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL}); err != nil {
				t.Errorf("Fetch: %v (the wait for the host must not count against Timeout)", err)
			}
		})
	}
	wg.Wait()
}

func TestFetchCancel(t *testing.T) {
	t.Parallel()
	release := make(chan struct{})
	started := make(chan struct{}, 4)
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		started <- struct{}{}
		select {
		case <-release:
		case <-r.Context().Done():
		}
	})
	t.Cleanup(func() { close(release) })

	c := newClient(t, fetcher.Options{Timeout: 30 * time.Second, PerHostConcurrency: 1})
	t.Run("during request", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		go func() {
			<-started
			cancel()
		}()
		got, err := c.Fetch(ctx, fetcher.Request{URL: srv.URL})
		if !errors.Is(err, context.Canceled) || got != nil {
			t.Fatalf("Fetch = %v, %v; want nil, context.Canceled", got, err)
		}
		if fetcher.Retryable(err) {
			t.Errorf("Retryable(%v) = true, want false", err)
		}
	})
	t.Run("waiting for a host slot", func(t *testing.T) {
		// The first request holds the only slot until the server is released.
		hold, stop := context.WithCancel(t.Context())
		defer stop()
		done := make(chan struct{})
		go func() {
			defer close(done)
			c.Fetch(hold, fetcher.Request{URL: srv.URL})
		}()
		<-started
		ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
		defer cancel()
		_, err := c.Fetch(ctx, fetcher.Request{URL: srv.URL})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Fetch error = %v, want context.DeadlineExceeded", err)
		}
		stop()
		<-done
	})
	t.Run("while backing off", func(t *testing.T) {
		var hits atomic.Int32
		srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
			hits.Add(1)
			w.WriteHeader(http.StatusInternalServerError)
		})
		c := newClient(t, fetcher.Options{RetryBaseDelay: 10 * time.Second, RetryMaxDelay: 10 * time.Second})
		ctx, cancel := context.WithTimeout(t.Context(), 100*time.Millisecond)
		defer cancel()
		// Backoff is random in [0, 10s]; a draw below 100ms would give a
		// second hit, which is fine. What matters is no hit after ctx ends.
		_, err := c.Fetch(ctx, fetcher.Request{URL: srv.URL})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Fetch error = %v, want context.DeadlineExceeded", err)
		}
		n := hits.Load()
		time.Sleep(50 * time.Millisecond)
		if hits.Load() != n {
			t.Errorf("server hit after ctx ended")
		}
	})
}

func TestNewInvalidOptions(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		opts fetcher.Options
	}{
		{"negative timeout", fetcher.Options{Timeout: -1}},
		{"negative body", fetcher.Options{MaxBodySize: -1}},
		{"negative concurrency", fetcher.Options{PerHostConcurrency: -1}},
		{"negative idle connections", fetcher.Options{MaxIdleConns: -1}},
		{"negative base delay", fetcher.Options{RetryBaseDelay: -1}},
		{"base over max", fetcher.Options{RetryBaseDelay: time.Minute, RetryMaxDelay: time.Second}},
		{"control in user agent", fetcher.Options{UserAgent: "a\r\nX-Evil: 1"}},
		{"invalid prefix", fetcher.Options{AllowNetworks: []netip.Prefix{{}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			c, err := fetcher.New(tc.opts)
			if !errors.Is(err, fetcher.ErrInvalidOptions) || c != nil {
				t.Errorf("New(%+v) = %v, %v; want nil, ErrInvalidOptions", tc.opts, c, err)
			}
		})
	}
	if _, err := fetcher.New(fetcher.Options{}); err != nil {
		t.Errorf("New(zero Options) = %v, want nil", err)
	}
}

func TestRetryable(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), false},
		{"deadline", context.DeadlineExceeded, true},
		{"timeout", fetcher.ErrTimeout, true},
		{"unexpected eof", fmt.Errorf("x: %w", io.ErrUnexpectedEOF), true},
		{"too large", fetcher.ErrTooLarge, false},
		{"private", fetcher.ErrPrivateAddress, false},
		{"redirects", fetcher.ErrTooManyRedirects, false},
		{"scheme", fetcher.ErrUnsupportedScheme, false},
		{"encoding", fetcher.ErrBadContentEncoding, false},
		{"400", &fetcher.StatusError{Code: 400}, false},
		{"403", &fetcher.StatusError{Code: 403}, false},
		{"408", &fetcher.StatusError{Code: 408}, true},
		{"425", &fetcher.StatusError{Code: 425}, true},
		{"429", &fetcher.StatusError{Code: 429}, true},
		{"500", fmt.Errorf("wrapped: %w", &fetcher.StatusError{Code: 500}), true},
		{"503", &fetcher.StatusError{Code: 503}, true},
		{"dns not found", &net.DNSError{Err: "no such host", Name: "x", IsNotFound: true}, false},
		{"dns temporary", &net.DNSError{Err: "server misbehaving", Name: "x", IsTemporary: true}, true},
		{"other", errors.New("boom"), false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := fetcher.Retryable(tc.err); got != tc.want {
				t.Errorf("Retryable(%v) = %v, want %v", tc.err, got, tc.want)
			}
		})
	}
}

func TestFetchConnectionRefused(t *testing.T) {
	t.Parallel()
	// A listener closed at once gives a free port where nothing listens.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	if err := ln.Close(); err != nil {
		t.Fatal(err)
	}
	c := newClient(t, fetcher.Options{Retries: 1})
	_, err = c.Fetch(t.Context(), fetcher.Request{URL: "http://" + addr + "/feed"})
	if err == nil || !fetcher.Retryable(err) {
		t.Fatalf("Fetch error = %v, want a retryable error", err)
	}
	if !strings.HasPrefix(err.Error(), "fetcher: GET http://"+addr+"/feed: ") {
		t.Errorf("error %q does not start with the URL", err)
	}
}

func TestFetchTLSUntrusted(t *testing.T) {
	t.Parallel()
	srv := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, fetcher.Options{})
	_, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL})
	if err == nil {
		t.Fatal("Fetch of a self-signed https server succeeded, want a certificate error")
	}
	if fetcher.Retryable(err) {
		t.Errorf("Retryable(%v) = true, want false", err)
	}
}

func TestFetchNoCredentialsInErrors(t *testing.T) {
	t.Parallel()
	srv := newServer(t, func(w http.ResponseWriter, r *http.Request) {
		http.NotFound(w, r)
	})
	withCreds := strings.Replace(srv.URL, "http://", "http://reader:s3cret@", 1)
	for name, allow := range map[string][]netip.Prefix{"status": loopback, "guard": {}} {
		c := newClient(t, fetcher.Options{AllowNetworks: allow})
		_, err := c.Fetch(t.Context(), fetcher.Request{URL: withCreds + "/feed"})
		if err == nil || strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%s: Fetch error = %v, want an error without the password", name, err)
		}
	}
}

// TestRetryAfterPausesTheHost has a host answer one request with 429 and
// an hour's Retry-After: that request fails saying so, and the host's
// other requests fail at once, as retryable with the time left, without
// reaching the server; another host is not affected.
func TestRetryAfterPausesTheHost(t *testing.T) {
	t.Parallel()
	var other atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/busy" {
			w.Header().Set("Retry-After", "3600")
			w.WriteHeader(http.StatusTooManyRequests)
			return
		}
		other.Add(1)
		fmt.Fprint(w, "ok")
	}))
	t.Cleanup(srv.Close)
	c := newClient(t, fetcher.Options{Retries: 2})
	_, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + "/busy"})
	if se, ok := errors.AsType[*fetcher.StatusError](err); !ok || se.Code != http.StatusTooManyRequests || se.RetryAfter != time.Hour {
		t.Fatalf("the busy answer: %v, want a 429 with an hour's Retry-After", err)
	}
	_, err = c.Fetch(t.Context(), fetcher.Request{URL: srv.URL + "/page"})
	if !errors.Is(err, fetcher.ErrHostPaused) || !fetcher.Retryable(err) || fetcher.RetryAfter(err) <= 59*time.Minute {
		t.Errorf("the host's next request: %v (retry after %v), want ErrHostPaused, retryable, with nearly an hour left", err, fetcher.RetryAfter(err))
	}
	if n := other.Load(); n != 0 {
		t.Errorf("the paused host got %d requests, want 0", n)
	}
	// The same server under another name is another host.
	u := strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)
	if _, err := c.Fetch(t.Context(), fetcher.Request{URL: u + "/page"}); err != nil || other.Load() != 1 {
		t.Errorf("another host name: %v, %d requests; want it fetched", err, other.Load())
	}
}

// TestFetchAdmit: Admit runs before the request is sent, and its error
// ends the fetch without a request.
func TestFetchAdmit(t *testing.T) {
	var requests atomic.Int32
	srv := newServer(t, func(w http.ResponseWriter, _ *http.Request) {
		requests.Add(1)
		fmt.Fprint(w, "ok")
	})
	c := newClient(t, fetcher.Options{})
	admitted := 0
	resp, err := c.Fetch(t.Context(), fetcher.Request{URL: srv.URL, Admit: func(context.Context) error {
		if requests.Load() != 0 {
			t.Error("Admit ran after the request was sent")
		}
		admitted++
		return nil
	}})
	if err != nil || string(resp.Body) != "ok" || admitted != 1 {
		t.Fatalf("Fetch = %v, %v; admitted %d times; want the body, admitted once", resp, err, admitted)
	}
	refused := errors.New("no room")
	_, err = c.Fetch(t.Context(), fetcher.Request{URL: srv.URL, Admit: func(context.Context) error { return refused }})
	if !errors.Is(err, refused) || requests.Load() != 1 {
		t.Errorf("Fetch with a refusing Admit = %v after %d requests; want the refusal and no new request", err, requests.Load())
	}
}
