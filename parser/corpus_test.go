package parser_test

import (
	"github.com/feedsift/feedsift/internal/testshared"

	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed"

	"github.com/feedsift/feedsift/parser"
)

// corpusFile is one feed input of the shared corpus.
type corpusFile struct {
	path        string
	contentType string // from a feedparser "Header: Content-type:" line
}

// corpusFeeds lists the feed inputs under corpus/feeds, or skips the test.
func corpusFeeds(t testing.TB) []corpusFile {
	t.Helper()
	root := filepath.Join(testshared.Dir(t), "corpus", "feeds")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("feed corpus not found at %s (set FEEDSIFT_SHARED to the shared directory): %v", root, err)
	}
	var files []corpusFile
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !isFeedInput(path) {
			return err
		}
		f := corpusFile{path: path}
		if strings.Contains(filepath.ToSlash(path), "/feedparser/") {
			f.contentType = headerContentType(path)
		}
		files = append(files, f)
		return nil
	})
	if err != nil {
		t.Fatalf("walk %s: %v", root, err)
	}
	sort.Slice(files, func(i, j int) bool { return files[i].path < files[j].path })
	return files
}

// isFeedInput leaves out licences, READMEs and golden outputs: gofeed's
// foo.json beside foo.xml and foo_expected.json beside foo.json, and
// feed-rs's *.serde.json.
func isFeedInput(path string) bool {
	base := filepath.Base(path)
	upper := strings.ToUpper(base)
	if strings.HasPrefix(upper, "LICENSE") || strings.HasPrefix(upper, "README") {
		return false
	}
	if strings.HasSuffix(base, ".serde.json") {
		return false
	}
	if stem, ok := strings.CutSuffix(path, ".json"); ok {
		if exists(stem + ".xml") {
			return false
		}
		if orig, ok := strings.CutSuffix(stem, "_expected"); ok && exists(orig+".json") {
			return false
		}
	}
	return true
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

var headerCT = regexp.MustCompile(`(?i)^\s*Header:\s*Content-type:\s*(.*?)\s*$`)

// headerContentType returns the Content-type a feedparser test file states
// in its header comment.
func headerContentType(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for n := 0; n < 40 && sc.Scan(); n++ {
		if m := headerCT.FindStringSubmatch(sc.Text()); m != nil {
			return m[1]
		}
		if strings.Contains(sc.Text(), "-->") {
			break
		}
	}
	return ""
}

// rawGofeed parses with gofeed alone, turning a panic into an error.
func rawGofeed(body []byte) (f *gofeed.Feed, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("gofeed panicked: %v", r)
		}
	}()
	return gofeed.NewParser().Parse(bytes.NewReader(body))
}

func TestCorpus(t *testing.T) {
	files := corpusFeeds(t)
	if len(files) == 0 {
		t.Fatal("feed corpus holds no inputs")
	}
	var feedsiftOK, gofeedOK int
	var regressions, failures []string
	for _, f := range files {
		body, err := os.ReadFile(f.path)
		if err != nil {
			t.Fatalf("read %s: %v", f.path, err)
		}
		_, gerr := rawGofeed(body)
		_, ferr := parser.Parse(body, f.contentType, "https://example.com/feeds/feed.xml")
		if gerr == nil {
			gofeedOK++
		}
		if ferr == nil {
			feedsiftOK++
		} else {
			failures = append(failures, fmt.Sprintf("%s: %v", f.path, ferr))
			if gerr == nil {
				regressions = append(regressions, fmt.Sprintf("%s: %v", f.path, ferr))
			}
		}
	}
	total := len(files)
	summary := fmt.Sprintf("corpus: %d inputs; feedsift parsed %d (%d failed); gofeed alone parsed %d (%d failed)",
		total, feedsiftOK, total-feedsiftOK, gofeedOK, total-gofeedOK)
	t.Log(summary)
	fmt.Println(summary)
	if testing.Verbose() {
		for _, f := range failures {
			t.Logf("feedsift failure: %s", f)
		}
	}
	for _, r := range regressions {
		t.Errorf("gofeed parses but feedsift fails: %s", r)
	}
	if feedsiftOK < gofeedOK {
		t.Errorf("feedsift parsed %d inputs, fewer than gofeed alone (%d)", feedsiftOK, gofeedOK)
	}
}
