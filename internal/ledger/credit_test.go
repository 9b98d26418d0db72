package ledger_test

import (
	"strings"
	"testing"

	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/story"
)

// TestPageAddressIsIdentity checks what the address a page declares does
// to decisions: a teaser whose page names a story's address as the
// original joins that story by identity although its text alone would
// not; a page reached through another address on its own site gives its
// story that address as a key, so a later item there is a repost.
func TestPageAddressIsIdentity(t *testing.T) {
	e := newEnv(t)
	l := e.ledgerOn(t, e.follow(t))
	_, text := article(t, "river-aske-floods-lowbridge")
	first, _, _ := strings.Cut(text, "\n\n")
	_, tram := article(t, "tram-line-3-opens")

	original := candidate("ledger", "l-1", "https://news.ledger.example/aske-floods", text)
	teaser := candidate("digest", "d-1", "https://digest.example/briefs/aske", "In brief.\n\n"+first+"\n\nRead the full report at our partner.")
	teaser.Page.Address = "https://news.ledger.example/aske-floods?utm_source=digest"
	amp := candidate("courier", "c-1", "https://courier.example/amp/tram-line-3", tram)
	amp.Page.Address = "https://www.courier.example/news/tram-line-3"
	plain := candidate("courier-web", "cw-9", "https://www.courier.example/news/tram-line-3", "")

	steps := []struct {
		name   string
		c      ledger.Candidate
		kind   ledger.Kind
		method string
		reason string
		of     int // the step whose story it joins
	}{
		{"the original", original, ledger.NewStory, "", "", 0},
		{"a teaser whose page names the original", teaser, ledger.Copy, story.MethodCanonical, "names https://news.ledger.example/aske-floods, the story's address", 0},
		{"a page reached through its AMP address", amp, ledger.NewStory, "", "", 2},
		{"the page's plain address, later", plain, ledger.Copy, "url", "same canonical URL", 2},
	}
	ids := map[int]string{}
	for i, st := range steps {
		d, err := l.Decide(t.Context(), st.c)
		if err != nil || d.Kind != st.kind || !strings.HasPrefix(d.Method, st.method) {
			t.Fatalf("%s: %+v, %v; want kind %v, method %q", st.name, d, err, st.kind, st.method)
		}
		if d.Kind == ledger.NewStory {
			ids[i] = d.StoryID
		} else if d.StoryID != ids[st.of] {
			t.Fatalf("%s: joined %s, want the story of step %d (%s)", st.name, d.StoryID, st.of, ids[st.of])
		}
	}
	if err := e.store.WaitSeq(t.Context(), 4); err != nil {
		t.Fatal(err)
	}
	for i, st := range steps {
		if st.kind != ledger.Copy {
			continue
		}
		ms, err := e.store.Members(t.Context(), ids[st.of])
		if err != nil || len(ms) != 1 || !strings.Contains(ms[0].Reason, st.reason) {
			t.Errorf("step %d: members %+v, %v; want one whose reason says %q", i, ms, err, st.reason)
		}
	}
	s, _, err := e.store.Story(t.Context(), ids[0])
	if err != nil || s.Credits != "" {
		t.Errorf("the original credits %q (%v), want nothing", s.Credits, err)
	}
}
