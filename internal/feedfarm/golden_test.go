package feedfarm_test

import (
	"bytes"
	"flag"
	"fmt"
	"maps"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/feedfarm"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// TestGolden pins what the demo serves in round 1 (every feed, and one page
// of each template) under the host feedfarm.test. The files double as a
// readable sample of the fixture. Run with -update after an intended change.
func TestGolden(t *testing.T) {
	f := feedfarm.New(feedfarm.DemoScenario())
	f.SetRound(1)
	paths := []string{
		"/courier/feed.xml", "/ledger/feed.xml", "/wire/feed.json", "/digest/feed.xml",
		"/courier/tram-line-3-opens.html",
		"/ledger/tram-line-3-first-day.html",
		"/wire/2026/03/lowbridge-evacuated-as-river-aske-floods.html",
	}
	for _, p := range paths {
		t.Run(p, func(t *testing.T) {
			req := httptest.NewRequest(http.MethodGet, "http://feedfarm.test"+p, nil)
			rec := httptest.NewRecorder()
			f.Handler().ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				t.Fatalf("status %d", rec.Code)
			}
			name := filepath.Join("testdata", "golden", strings.ReplaceAll(strings.TrimPrefix(p, "/"), "/", "_"))
			if *update {
				if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(name, rec.Body.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(name)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(rec.Body.Bytes(), want) {
				t.Errorf("%s differs from %s; run with -update if the change is intended", p, name)
			}
		})
	}
}

// Example serves the demo and prints what a correct pipeline must make of
// it.
func Example() {
	sc := feedfarm.DemoScenario()
	f := feedfarm.New(sc)
	srv := httptest.NewServer(f.Handler())
	defer srv.Close()

	urls := f.FeedURLs("http://127.0.0.1:8080")
	for _, name := range slices.Sorted(maps.Keys(urls)) {
		fmt.Println(name, urls[name])
	}
	f.SetRound(1) // after the pipeline has polled round 0
	stories := 0
	for _, x := range sc.Expected() {
		if x.Kind == feedfarm.KindOriginal {
			stories++
			continue
		}
		fmt.Printf("round %d: %s %s -> %s\n", x.Round, x.Kind, x.URL, x.Original)
	}
	fmt.Println(stories, "stories")
	// Output:
	// courier http://127.0.0.1:8080/courier/feed.xml
	// digest http://127.0.0.1:8080/digest/feed.xml
	// ledger http://127.0.0.1:8080/ledger/feed.xml
	// wire http://127.0.0.1:8080/wire/feed.json
	// round 1: copy /wire/2026/03/lowbridge-evacuated-as-river-aske-floods.html -> /ledger/river-aske-floods-lowbridge.html
	// round 1: repost /digest/kestrel-2-reaches-orbit.html?utm_source=feed&utm_medium=rss&utm_campaign=weekly -> /digest/kestrel-2-reaches-orbit.html
	// 6 stories
}
