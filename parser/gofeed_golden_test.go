package parser_test

import (
	"github.com/feedsift/feedsift/internal/testshared"

	"encoding/json"
	"html"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/feedsift/feedsift/parser"
)

// TestGofeedGoldenSample checks feedsift against the universal-feed golden
// files of gofeed's translator tests: the same items survive (those with a
// GUID, link or title) and carry the same titles, once normalised.
func TestGofeedGoldenSample(t *testing.T) {
	root := filepath.Join(testshared.Dir(t), "corpus", "feeds", "gofeed", "translator")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("gofeed corpus not found at %s (set FEEDSIFT_SHARED): %v", root, err)
	}
	var pairs [][2]string // input, golden
	for _, format := range []string{"rss", "atom"} {
		inputs, _ := filepath.Glob(filepath.Join(root, format, "*.xml"))
		for _, in := range inputs {
			pairs = append(pairs, [2]string{in, strings.TrimSuffix(in, ".xml") + ".json"})
		}
	}
	expected, _ := filepath.Glob(filepath.Join(root, "json", "*_expected.json"))
	for _, g := range expected {
		pairs = append(pairs, [2]string{strings.TrimSuffix(g, "_expected.json") + ".json", g})
	}
	checked := 0
	for _, p := range pairs {
		body, err := os.ReadFile(p[0])
		if err != nil {
			continue
		}
		goldenJSON, err := os.ReadFile(p[1])
		if err != nil {
			continue
		}
		var want gofeed.Feed
		if err := json.Unmarshal(goldenJSON, &want); err != nil {
			t.Errorf("%s: %v", p[1], err)
			continue
		}
		got, err := parser.Parse(body, "", "")
		if err != nil {
			t.Errorf("%s: gofeed has a golden result but Parse fails: %v", p[0], err)
			continue
		}
		checked++
		norm := func(s string) string { return strings.Join(strings.Fields(html.UnescapeString(s)), " ") }
		if norm(want.Title) != got.Title {
			t.Errorf("%s: feed title %q, want %q", p[0], got.Title, norm(want.Title))
		}
		var wantTitles []string
		for _, it := range want.Items {
			if strings.TrimSpace(it.GUID) != "" || strings.TrimSpace(it.Link) != "" || norm(it.Title) != "" {
				wantTitles = append(wantTitles, norm(it.Title))
			}
		}
		if len(wantTitles) != len(got.Items) {
			t.Errorf("%s: %d items, want %d", p[0], len(got.Items), len(wantTitles))
			continue
		}
		for i, it := range got.Items {
			if it.Title != wantTitles[i] {
				t.Errorf("%s: item %d title %q, want %q", p[0], i, it.Title, wantTitles[i])
			}
		}
	}
	t.Logf("compared %d gofeed golden files", checked)
	if checked == 0 {
		t.Error("no gofeed golden file was compared")
	}
}
