package discover_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/feedsift/feedsift/fetcher"
	"github.com/feedsift/feedsift/internal/discover"
)

var loopback = []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8"), netip.MustParsePrefix("::1/128")}

// newFetcher returns a real fetcher.Client allowed to reach loopback, with
// no politeness delay and no retries.
func newFetcher(t *testing.T, o fetcher.Options) *fetcher.Client {
	t.Helper()
	o.AllowNetworks = loopback
	o.PerHostInterval = -1
	o.Retries = -1
	if o.Timeout == 0 {
		o.Timeout = 5 * time.Second
	}
	if o.MaxBodySize == 0 {
		o.MaxBodySize = 1 << 20
	}
	if o.PerHostConcurrency == 0 {
		o.PerHostConcurrency = 8
	}
	c, err := fetcher.New(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.CloseIdleConnections)
	return c
}

func newFinder(t *testing.T, o discover.Options) *discover.Finder {
	t.Helper()
	if o.Fetcher == nil {
		o.Fetcher = newFetcher(t, fetcher.Options{})
	}
	f, err := discover.New(o)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func fixture(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// route is one path a test site serves.
type route struct {
	file string // fixture served, with {{HOST}} replaced
	body string // used when file is empty
	ct   string
	code int    // default 200
	loc  string // Location for 3xx
}

// site serves routes on a loopback httptest server; paths not listed are
// 404. The request URI (path and query) selects the route.
func site(t *testing.T, routes map[string]route) *httptest.Server {
	t.Helper()
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rt, ok := routes[r.URL.RequestURI()]
		if !ok {
			http.NotFound(w, r)
			return
		}
		body := []byte(rt.body)
		if rt.file != "" {
			body = fixture(t, rt.file)
		}
		body = bytes.ReplaceAll(body, []byte("{{HOST}}"), []byte(srv.Listener.Addr().String()))
		if rt.ct != "" {
			w.Header().Set("Content-Type", rt.ct)
		}
		if rt.loc != "" {
			w.Header().Set("Location", rt.loc)
		}
		w.WriteHeader(max(rt.code, http.StatusOK))
		w.Write(body)
	}))
	t.Cleanup(srv.Close)
	return srv
}

const (
	html = "text/html; charset=utf-8"
	rss  = "application/rss+xml"
	atom = "application/atom+xml"
)

func TestFind(t *testing.T) {
	tests := []struct {
		name   string
		routes map[string]route
		path   string // page asked for
		want   func(base string) []discover.Feed
	}{
		{
			name:   "links in document order",
			routes: map[string]route{"/": {file: "links.html", ct: html}},
			path:   "/",
			want: func(b string) []discover.Feed {
				return []discover.Feed{
					{URL: b + "/feed/", Title: "Example Journal » Feed", Type: "rss", Source: "link"},
					{URL: b + "/atom.xml", Title: "Atom entries", Type: "atom", Source: "link"},
					{URL: b + "/index.rdf", Title: "RDF", Type: "rdf", Source: "link"},
					{URL: b + "/feed.json", Title: "JSON Feed", Type: "json", Source: "link"},
					{URL: b + "/posts.json", Title: "Posts as JSON Feed", Type: "json", Source: "link"},
				}
			},
		},
		{
			name:   "relative hrefs and base",
			routes: map[string]route{"/blog/2026/post.html": {file: "base.html", ct: html}},
			path:   "/blog/2026/post.html",
			want: func(b string) []discover.Feed {
				return []discover.Feed{
					{URL: b + "/blog/2026/feed.xml", Title: "Before base", Type: "rss", Source: "link"},
					{URL: b + "/blog/atom.xml", Title: "Parent", Type: "atom", Source: "link"},
					{URL: "https://feeds.example.net/blog", Title: "Other host", Type: "rss", Source: "link"},
				}
			},
		},
		{
			name: "anchors checked when no link",
			routes: map[string]route{
				"/":               {file: "anchors.html", ct: html},
				"/blog/index.xml": {file: "atom.xml", ct: atom},
				"/?feed=rss2":     {file: "rss.xml", ct: "text/xml"},
				"/feed.xml":       {file: "rss.xml", ct: rss}, // a probe, not reached
			},
			path: "/",
			want: func(b string) []discover.Feed {
				return []discover.Feed{
					{URL: b + "/blog/index.xml", Title: "Example Atom Log", Type: "atom", Source: "anchor"},
					{URL: b + "/?feed=rss2", Title: "Example Journal", Type: "rss", Source: "anchor"},
				}
			},
		},
		{
			name: "probe finds feed.xml",
			routes: map[string]route{
				"/":            {file: "nolinks.html", ct: html},
				"/feed":        {code: http.StatusMovedPermanently, loc: "/feed.xml"}, // same URL as a later probe
				"/rss":         {body: "<html><body>not a feed</body></html>", ct: html},
				"/atom.xml":    {body: "<feed><title>broken", ct: atom},
				"/feed.xml":    {file: "rss.xml", ct: rss},
				"/?feed=rss2":  {file: "rss.xml", ct: rss}, // same body at another URL
				"/feed/":       {code: http.StatusInternalServerError},
				"/index.xml":   {file: "feed.json", ct: "application/octet-stream"},
				"/rss.xml":     {code: http.StatusGone},
				"/feeds/posts": {file: "atom.xml", ct: atom}, // not a probe path
			},
			path: "/",
			want: func(b string) []discover.Feed {
				return []discover.Feed{
					{URL: b + "/feed.xml", Title: "Example Journal", Type: "rss", Source: "probe"},
					{URL: b + "/index.xml", Title: "Example JSON Feed", Type: "json", Source: "probe"},
				}
			},
		},
		{
			name:   "probes at the root for a deep page",
			routes: map[string]route{"/a/b/page": {file: "nolinks.html", ct: html}, "/atom.xml": {file: "atom.xml", ct: atom}},
			path:   "/a/b/page",
			want: func(b string) []discover.Feed {
				return []discover.Feed{{URL: b + "/atom.xml", Title: "Example Atom Log", Type: "atom", Source: "probe"}}
			},
		},
		{
			name:   "self atom",
			routes: map[string]route{"/x": {file: "atom.xml", ct: atom}},
			path:   "/x",
			want: func(b string) []discover.Feed {
				return []discover.Feed{{URL: b + "/x", Title: "Example Atom Log", Type: "atom", Source: "self"}}
			},
		},
		{
			name:   "self rss labelled text/html",
			routes: map[string]route{"/x": {file: "rss.xml", ct: html}},
			path:   "/x",
			want: func(b string) []discover.Feed {
				return []discover.Feed{{URL: b + "/x", Title: "Example Journal", Type: "rss", Source: "self"}}
			},
		},
		{
			name:   "self rdf",
			routes: map[string]route{"/x": {file: "rdf.xml", ct: "application/rdf+xml"}},
			path:   "/x",
			want: func(b string) []discover.Feed {
				return []discover.Feed{{URL: b + "/x", Title: "Example RDF Channel", Type: "rdf", Source: "self"}}
			},
		},
		{
			name:   "self json feed after redirect",
			routes: map[string]route{"/old": {code: http.StatusFound, loc: "/new.json"}, "/new.json": {file: "feed.json", ct: "application/feed+json"}},
			path:   "/old",
			want: func(b string) []discover.Feed {
				return []discover.Feed{{URL: b + "/new.json", Title: "Example JSON Feed", Type: "json", Source: "self"}}
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := site(t, tc.routes)
			f := newFinder(t, discover.Options{})
			got, err := f.Find(t.Context(), srv.URL+tc.path)
			if err != nil {
				t.Fatalf("Find: %v", err)
			}
			if diff := cmp.Diff(tc.want(srv.URL), got); diff != "" {
				t.Errorf("Find(%s) mismatch (-want +got):\n%s", tc.path, diff)
			}
		})
	}
}

func TestFindErrors(t *testing.T) {
	huge := strings.Repeat("<p>padding</p>", (2<<20)/14)
	junk := string(bytes.Repeat([]byte{0xff, 0x00, '<', 0xfe, '>', 0x01}, 10000))
	tests := []struct {
		name   string
		routes map[string]route
		path   string
		want   error
	}{
		{"huge page", map[string]route{"/": {body: huge, ct: html}}, "/", fetcher.ErrTooLarge},
		{"invalid bytes", map[string]route{"/": {body: junk, ct: "application/octet-stream"}}, "/", discover.ErrNoFeed},
		{"invalid xml labelled feed", map[string]route{"/": {body: "<rss><channel><title>x</ti", ct: rss}}, "/", discover.ErrNoFeed},
		{"plain page without feeds", map[string]route{"/": {file: "nolinks.html", ct: html}}, "/", discover.ErrNoFeed},
		{"redirect loop", map[string]route{"/a": {code: http.StatusFound, loc: "/b"}, "/b": {code: http.StatusFound, loc: "/a"}}, "/a", fetcher.ErrTooManyRedirects},
		{"missing page", map[string]route{}, "/nothing", nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := site(t, tc.routes)
			f := newFinder(t, discover.Options{})
			siteURL := srv.URL + tc.path
			got, err := f.Find(t.Context(), siteURL)
			if err == nil {
				t.Fatalf("Find = %v, want an error", got)
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Find error = %v, want %v", err, tc.want)
			}
			if tc.want == nil {
				if se, ok := errors.AsType[*fetcher.StatusError](err); !ok || se.Code != http.StatusNotFound {
					t.Errorf("Find error = %v, want a 404 *fetcher.StatusError", err)
				}
			}
			if msg := err.Error(); !strings.HasPrefix(msg, "discover: ") || !strings.Contains(msg, siteURL) {
				t.Errorf("error %q should start with \"discover: \" and name %s", msg, siteURL)
			}
		})
	}
}

func TestFindInvalidURL(t *testing.T) {
	f := newFinder(t, discover.Options{})
	for _, u := range []string{"", "   ", "ftp://example.com/", "http://", "http://[::1", "mailto:a@example.com", "javascript:alert(1)", "example.com:http"} {
		t.Run(u, func(t *testing.T) {
			_, err := f.Find(t.Context(), u)
			if !errors.Is(err, discover.ErrInvalidURL) {
				t.Fatalf("Find(%q) = %v, want ErrInvalidURL", u, err)
			}
		})
	}
}

func TestFindAddsScheme(t *testing.T) {
	// Without a scheme the site is taken as https; the loopback server
	// speaks plain HTTP on its TLS twin, so use an httptest TLS server.
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", rss)
		w.Write(fixture(t, "rss.xml"))
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the handshake fails on purpose
	srv.StartTLS()
	t.Cleanup(srv.Close)
	// The fetcher cannot be given the test CA, so this checks only that
	// the https URL was attempted.
	f := newFinder(t, discover.Options{})
	host := strings.TrimPrefix(srv.URL, "https://")
	_, err := f.Find(t.Context(), host+"/feed")
	if err == nil || !strings.Contains(err.Error(), "https://"+host+"/feed") {
		t.Fatalf("Find(%q) = %v, want an error naming https://%s/feed", host, err, host)
	}
}

func TestFindProbeBounds(t *testing.T) {
	var inFlight, maxInFlight atomic.Int32
	release := make(chan struct{})
	var once sync.Once
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.RequestURI() {
		case "/":
			w.Header().Set("Content-Type", html)
			w.Write(fixture(t, "nolinks.html"))
			return
		case "/hang":
			<-r.Context().Done() // never answers; the probe timeout ends it
			return
		}
		n := inFlight.Add(1)
		defer inFlight.Add(-1)
		for {
			m := maxInFlight.Load()
			if n <= m || maxInFlight.CompareAndSwap(m, n) {
				break
			}
		}
		// Hold each probe until several have had the chance to overlap.
		select {
		case <-release:
		case <-time.After(50 * time.Millisecond):
			once.Do(func() { close(release) })
		}
		if r.URL.Path == "/p3" {
			w.Header().Set("Content-Type", rss)
			w.Write(fixture(t, "rss.xml"))
			return
		}
		http.NotFound(w, r)
	}))
	t.Cleanup(srv.Close)
	f := newFinder(t, discover.Options{
		ProbePaths:   []string{"/hang", "/p1", "/p2", "/p3", "/p4", "/p5", "/p6", "/p7"},
		Concurrency:  2,
		ProbeTimeout: 300 * time.Millisecond,
	})
	got, err := f.Find(t.Context(), srv.URL)
	if err != nil {
		t.Fatalf("Find: %v", err)
	}
	want := []discover.Feed{{URL: srv.URL + "/p3", Title: "Example Journal", Type: "rss", Source: "probe"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Find mismatch (-want +got):\n%s", diff)
	}
	// One slot is held by /hang, so at most one counted probe at a time
	// can be in flight besides it.
	if m := maxInFlight.Load(); m > 2 {
		t.Errorf("max probes in flight = %d, want <= 2 (Concurrency)", m)
	}
}

func TestFindContextCanceled(t *testing.T) {
	srv := site(t, map[string]route{"/": {file: "nolinks.html", ct: html}})
	f := newFinder(t, discover.Options{})
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := f.Find(ctx, srv.URL)
	if err == nil || !strings.Contains(err.Error(), srv.URL) {
		t.Fatalf("Find with canceled ctx = %v, want an error naming the site", err)
	}
}

func TestNewInvalidOptions(t *testing.T) {
	c := newFetcher(t, fetcher.Options{})
	tests := []struct {
		name string
		opts discover.Options
	}{
		{"nil fetcher", discover.Options{}},
		{"negative concurrency", discover.Options{Fetcher: c, Concurrency: -1}},
		{"negative timeout", discover.Options{Fetcher: c, ProbeTimeout: -time.Second}},
		{"relative probe path", discover.Options{Fetcher: c, ProbePaths: []string{"feed"}}},
		{"host-like probe path", discover.Options{Fetcher: c, ProbePaths: []string{"//evil.example/feed"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := discover.New(tc.opts)
			if !errors.Is(err, discover.ErrInvalidOptions) {
				t.Fatalf("New = %v, want ErrInvalidOptions", err)
			}
		})
	}
}

func TestNoProbes(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Header().Set("Content-Type", html)
		fmt.Fprint(w, "<html><body>nothing</body></html>")
	}))
	t.Cleanup(srv.Close)
	f := newFinder(t, discover.Options{ProbePaths: []string{}})
	_, err := f.Find(t.Context(), srv.URL)
	if !errors.Is(err, discover.ErrNoFeed) {
		t.Fatalf("Find = %v, want ErrNoFeed", err)
	}
	if n := hits.Load(); n != 1 {
		t.Errorf("server saw %d requests, want 1 (probing off)", n)
	}
}
