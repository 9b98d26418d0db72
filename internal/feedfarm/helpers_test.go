package feedfarm_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/feedfarm"
)

// serve starts a loopback server for a farm of sc.
func serve(t testing.TB, sc feedfarm.Scenario) (*feedfarm.Farm, *httptest.Server) {
	t.Helper()
	f := feedfarm.New(sc)
	srv := httptest.NewServer(f.Handler())
	t.Cleanup(srv.Close)
	return f, srv
}

// get fetches url with the given request headers (name, value pairs).
func get(t testing.TB, url string, headers ...string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp, body
}

// seedArticles reads the shared seed texts, or skips the test when the
// shared data is not there. FEEDSIFT_SHARED overrides where it is looked for.
func seedArticles(t *testing.T) []feedfarm.Article {
	t.Helper()
	dir := os.Getenv("FEEDSIFT_SHARED")
	if dir == "" {
		wd, err := os.Getwd()
		if err != nil {
			t.Fatal(err)
		}
		for d := wd; ; d = filepath.Dir(d) {
			if _, err := os.Stat(filepath.Join(d, "go.mod")); err == nil {
				dir = filepath.Join(d, "..", "shared")
				break
			}
			if filepath.Dir(d) == d {
				t.Skip("shared data not found: no go.mod above the package; set FEEDSIFT_SHARED")
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "seeds", "*.txt"))
	if err != nil || len(files) == 0 {
		t.Skipf("no seed texts in %s/seeds; set FEEDSIFT_SHARED to the shared data directory", dir)
	}
	var arts []feedfarm.Article
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		arts = append(arts, feedfarm.ArticleFromText("", string(b)))
	}
	return arts
}

// visibleEntries returns the entries of site listed in round.
func visibleEntries(s feedfarm.Site, round int) []feedfarm.Entry {
	var out []feedfarm.Entry
	for _, e := range s.Entries {
		if e.FromRound <= round {
			out = append(out, e)
		}
	}
	return out
}

// entryTitle is the headline an entry shows.
func entryTitle(e feedfarm.Entry) string {
	if e.Title != "" {
		return e.Title
	}
	return e.Article.Title
}

// entryLines is the text of an entry as its page shows it.
func entryLines(e feedfarm.Entry) []string {
	var out []string
	out = append(out, e.Header...)
	out = append(out, e.Article.Paragraphs...)
	return append(out, e.Footer...)
}

// pagePathOf strips the query from an expectation URL.
func pagePathOf(url string) string {
	p, _, _ := strings.Cut(url, "?")
	return p
}
