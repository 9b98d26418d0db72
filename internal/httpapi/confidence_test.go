package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/httpapi"
)

// TestLowConfidenceFlag: a story extracted with a confidence below 0.5 is
// flagged on the overview, on its story page and on the dedupe report;
// a confident one and one published before page types are not.
func TestLowConfidenceFlag(t *testing.T) {
	stories := homeStories()
	for i := range stories {
		switch stories[i].ID {
		case "w1": // has copies: on the dedupe report too
			stories[i].Source, stories[i].PageType, stories[i].Confidence = "article", "listing", 0.3
		case "w2":
			stories[i].Source, stories[i].PageType, stories[i].Confidence = "article", "article", 0.92
		}
	}
	base := serve(t, httpapi.Options{Store: homeStore(t, stories, homeDupes(), nil), Feeds: homeFeeds, Now: homeClock})
	flag := `<span class="doubt" title="extraction confidence below 0.5: the text may be the wrong part of the page, or the page may not be an article">low confidence 0.30 (listing)</span>`

	_, home, _ := get(t, base+"/", "")
	if n := strings.Count(home, `class="doubt"`); n != 1 || !strings.Contains(home, flag) {
		t.Errorf("overview has %d flags, want one for w1:\n%s", n, home)
	}
	for _, li := range strings.Split(home, "<li ")[1:] {
		if strings.Contains(li, `class="doubt"`) && !strings.HasPrefix(li, `data-story="w1"`) {
			t.Errorf("flag on another story: %s", li)
		}
	}

	status, page, _ := get(t, base+"/stories/w1", "")
	if status != http.StatusOK || !strings.Contains(page, `id="low-confidence"`) || !strings.Contains(page, "page type listing, confidence 0.30") {
		t.Errorf("story page of w1 (status %d) lacks the flag:\n%s", status, page)
	}
	_, page, _ = get(t, base+"/stories/w2", "")
	if strings.Contains(page, `id="low-confidence"`) || !strings.Contains(page, "page type article, confidence 0.92") {
		t.Errorf("story page of w2 is flagged or lacks its page type:\n%s", page)
	}
	_, page, _ = get(t, base+"/stories/w3", "")
	if strings.Contains(page, `id="low-confidence"`) || strings.Contains(page, "page type") {
		t.Errorf("story page of w3, without a page type, mentions one:\n%s", page)
	}

	_, dupes, _ := get(t, base+"/dupes", "")
	if !strings.Contains(dupes, `low confidence 0.30 (listing)`) {
		t.Errorf("dedupe report lacks the flag of w1:\n%s", dupes)
	}
}
