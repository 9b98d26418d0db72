package discover_test

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/discover"
	"github.com/feedsift/feedsift/internal/testshared"
)

// TestFindSelfCorpus serves real feeds from the shared corpus (feed-rs
// suite) as application/octet-stream, so that only sniffing and parsing
// can recognise them, and expects each to be found as a self feed of the
// format its folder names.
func TestFindSelfCorpus(t *testing.T) {
	root := filepath.Join(testshared.Dir(t), "corpus", "feeds", "feed-rs")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("shared corpus not found at %s (set %s): %v", root, testshared.EnvVar, err)
	}
	// Inputs that are not whole, valid feeds: an Atom entry document, an
	// AtomPub service document, and a feed the suite marks invalid (the
	// project's parser rejects it too).
	notFeeds := map[string]bool{"atom_entry_1.xml": true, "atom_pub_spec_1.xml": true, "rss_2.0_invalid_1.xml": true}
	// Files whose content is not the format of their folder.
	typeOf := map[string]string{"rss_2.0_reddit.xml": discover.TypeAtom}
	dirs := map[string]string{"atom": discover.TypeAtom, "rss1": discover.TypeRDF, "rss2": discover.TypeRSS, "jsonfeed": discover.TypeJSON}
	f := newFinder(t, discover.Options{ProbePaths: []string{}})
	for dir, wantType := range dirs {
		files, err := os.ReadDir(filepath.Join(root, dir))
		if err != nil {
			t.Fatal(err)
		}
		for _, de := range files {
			name := de.Name()
			if strings.HasSuffix(name, ".serde.json") || notFeeds[name] ||
				!(strings.HasSuffix(name, ".xml") || strings.HasSuffix(name, ".json")) {
				continue
			}
			wantType := wantType
			if typ, ok := typeOf[name]; ok {
				wantType = typ
			}
			t.Run(dir+"/"+name, func(t *testing.T) {
				body, err := os.ReadFile(filepath.Join(root, dir, name))
				if err != nil {
					t.Fatal(err)
				}
				srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
					w.Header().Set("Content-Type", "application/octet-stream")
					w.Write(body)
				}))
				defer srv.Close()
				got, err := f.Find(t.Context(), srv.URL+"/feed")
				if err != nil {
					t.Fatalf("Find: %v", err)
				}
				if len(got) != 1 || got[0].Source != discover.SourceSelf || got[0].Type != wantType {
					t.Fatalf("Find = %+v, want one self feed of type %s", got, wantType)
				}
			})
		}
	}
}
