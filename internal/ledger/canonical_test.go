package ledger_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/feedsift/feedsift/internal/ledger"
	"github.com/feedsift/feedsift/internal/story"
)

// TestKeptVersion checks which copy of an article is the story people
// get: the first to arrive, unless a later arrival comes from a preferred
// source or was published well before it. A replacement keeps the story
// ID, moves the story to the new version's feed and topic, and turns the
// former version into a copy with method "replaced".
func TestKeptVersion(t *testing.T) {
	_, text := article(t, "river-aske-floods-lowbridge")
	syndicated := "This report comes to you through a partner newsroom.\n\n" + text + "\n\nMore from our partners: partners.example"
	day := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	wire := func(published time.Time) ledger.Candidate {
		c := candidate("wire", "w-1", "https://wire.example/aske", syndicated)
		c.Feed.Topic, c.Item.Published = "world", published
		return c
	}
	// crediting is the wire copy whose page or feed item names the
	// original's outlet: by its page's canonical address, or by a <source>.
	crediting := func(published time.Time, address, source string) ledger.Candidate {
		c := wire(published)
		c.Page.Address, c.Item.Source = address, source
		return c
	}
	original := func(published time.Time) ledger.Candidate {
		c := candidate("ledger", "l-1", "https://news.ledger.example/aske-floods", text)
		c.Item.Published = published
		return c
	}
	for _, tc := range []struct {
		name      string
		preferred []string
		first     ledger.Candidate
		second    ledger.Candidate
		replaced  string // the reason's start when the second replaces the first; "" when it stays a copy
	}{
		{"the original published 4 days before the wire copy replaces it", nil,
			wire(day.Add(96 * time.Hour)), original(day), "it was published 4 days before"},
		{"a copy published 2 hours before stays a copy", nil,
			wire(day.Add(2 * time.Hour)), original(day), ""},
		{"a copy without a date stays a copy", nil,
			wire(day.Add(96 * time.Hour)), original(time.Time{}), ""},
		{"a kept version dated in the future is not judged by its date", nil,
			wire(time.Now().Add(96 * time.Hour)), original(day), ""},
		{"a preferred source replaces an earlier one", []string{"ledger.example"},
			wire(day), original(day.Add(time.Hour)), "its source (feed ledger) is ranked above"},
		{"a preferred source is never replaced by an earlier copy", []string{"wire"},
			wire(day.Add(96 * time.Hour)), original(day), ""},
		{"the higher-ranked of two preferred sources wins", []string{"LEDGER", "wire"},
			wire(day), original(day.Add(time.Hour)), "its source (feed ledger) is ranked above"},
		{"the original replaces a copy whose page names it, whatever the dates", nil,
			crediting(day, "https://news.ledger.example/aske-floods?ref=partner", ""), original(day.Add(time.Hour)),
			"the kept version (feed wire) names it as the original"},
		{"the original replaces a copy whose feed item names its site as the source", []string{"wire"},
			crediting(day, "", "https://ledger.example/feeds/news.xml"), original(day.Add(time.Hour)),
			"the kept version (feed wire) names it as the original"},
		{"a copy that names the kept version as the original never replaces it", []string{"wire"},
			original(day.Add(96 * time.Hour)), crediting(day, "", "https://ledger.example/rss"), ""},
		{"a copy that names another outlet keeps the date rule", nil,
			original(day.Add(96 * time.Hour)), crediting(day, "", "https://third.example/rss"), "it was published 4 days before"},
		{"a page's canonical address on its own site is no credit", nil,
			crediting(day, "https://wire.example/aske-floods-full", ""), original(day.Add(time.Hour)), ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t)
			f := e.follow(t)
			l, err := ledger.New(ledger.Options{Index: f.Index(), Overrides: f.Overrides(), Follower: f, Publisher: e.js,
				Review: e.store, PreferredSources: tc.preferred})
			if err != nil {
				t.Fatal(err)
			}
			d1, err := l.Decide(t.Context(), tc.first)
			if err != nil || d1.Kind != ledger.NewStory {
				t.Fatalf("first: %+v, %v; want a new story", d1, err)
			}
			if err := e.store.WaitSeq(t.Context(), 1); err != nil {
				t.Fatal(err)
			}
			d2, err := l.Decide(t.Context(), tc.second)
			if err != nil || d2.Kind != ledger.Copy || d2.StoryID != d1.StoryID {
				t.Fatalf("second: %+v, %v; want a copy of %s", d2, err, d1.StoryID)
			}
			if d2.Replaced != (tc.replaced != "") {
				t.Fatalf("second replaced the kept version: %v, want %v", d2.Replaced, tc.replaced != "")
			}
			wantSeq := uint64(2)
			if d2.Replaced {
				wantSeq = 3
			}
			if err := e.store.WaitSeq(t.Context(), wantSeq); err != nil {
				t.Fatal(err)
			}
			s, ok, err := e.store.Story(t.Context(), d1.StoryID)
			if err != nil || !ok {
				t.Fatalf("story %s: %v, found %v", d1.StoryID, err, ok)
			}
			members, err := e.store.Members(t.Context(), d1.StoryID)
			if err != nil || len(members) != 1 {
				t.Fatalf("members %+v, %v; want one", members, err)
			}
			kept, copied := tc.first, tc.second
			if d2.Replaced {
				kept, copied = tc.second, tc.first
				if !strings.HasPrefix(s.Kept, tc.replaced) || s.Revision != 1 {
					t.Errorf("story says it is kept because %q (revision %d), want %q... (revision 1)", s.Kept, s.Revision, tc.replaced)
				}
				if m := members[0]; m.Method != story.MethodReplaced || !strings.Contains(m.Reason, tc.replaced) {
					t.Errorf("former version's record: method %q, reason %q; want %q giving the reason", m.Method, m.Reason, story.MethodReplaced)
				}
			} else if s.Kept != "" {
				t.Errorf("story says it is kept because %q, want nothing: the first version stands", s.Kept)
			}
			if s.URL != kept.Item.URL || s.FeedID != kept.Feed.ID || s.Topic != kept.Feed.Topic || s.Text != kept.Text {
				t.Errorf("story is %s from feed %s on %s, want %s from feed %s on %s with its text",
					s.URL, s.FeedID, s.Topic, kept.Item.URL, kept.Feed.ID, kept.Feed.Topic)
			}
			if m := members[0]; m.URL != copied.Item.URL || m.FeedID != copied.Feed.ID {
				t.Errorf("the copy is %s from feed %s, want %s from feed %s", m.URL, m.FeedID, copied.Item.URL, copied.Feed.ID)
			}
		})
	}
}

// TestKeep has a person choose the version of a story: the copy becomes
// the story (same ID), the version kept before becomes a copy, and a copy
// that would win on merit later no longer replaces the person's choice.
func TestKeep(t *testing.T) {
	_, text := article(t, "river-aske-floods-lowbridge")
	e := newEnv(t)
	f := e.follow(t)
	l, err := ledger.New(ledger.Options{Index: f.Index(), Overrides: f.Overrides(), Follower: f, Publisher: e.js, Review: e.store})
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	first := candidate("courier", "c-1", "https://courier.example/aske", text)
	first.Item.Published = day
	wire := candidate("wire", "w-1", "https://wire.example/aske", "Shared by a partner newsroom.\n\n"+text)
	wire.Feed.Topic, wire.Item.Published = "world", day.Add(time.Hour)
	d, err := l.Decide(t.Context(), first)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.Decide(t.Context(), wire); err != nil {
		t.Fatal(err)
	}
	if err := e.store.WaitSeq(t.Context(), 2); err != nil {
		t.Fatal(err)
	}
	if _, err := l.Keep(t.Context(), d.StoryID, "https://nowhere.example/x", "tester"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("Keep of a URL that is no member: %v, want ErrNotFound", err)
	}
	res, err := l.Keep(t.Context(), d.StoryID[:8], wire.Item.URL, "tester")
	if err != nil || !res.Stored || res.Override.Op != story.OpKeep {
		t.Fatalf("Keep: %+v, %v", res, err)
	}
	s, _, err := e.store.Story(t.Context(), d.StoryID)
	if err != nil || s.URL != wire.Item.URL || s.FeedID != "wire" || s.Topic != "world" || s.KeptBy != "tester" || s.Revision != 1 {
		t.Fatalf("story after Keep: %s from %s on %s, kept by %q, revision %d (%v); want the wire copy kept by tester, revision 1",
			s.URL, s.FeedID, s.Topic, s.KeptBy, s.Revision, err)
	}
	if len(res.Stories) != 1 || res.Stories[0].URL != s.URL || res.Stories[0].Revision != s.Revision {
		t.Errorf("announced %+v, want the story the store holds", res.Stories)
	}
	ms, err := e.store.Members(t.Context(), d.StoryID)
	if err != nil || len(ms) != 1 || ms[0].URL != first.Item.URL || ms[0].Method != story.MethodReplaced {
		t.Fatalf("members after Keep: %+v, %v; want the courier version as %q", ms, err, story.MethodReplaced)
	}
	if _, err := l.Keep(t.Context(), d.StoryID, wire.Item.URL, "tester"); !errors.Is(err, ledger.ErrNotFound) {
		t.Errorf("Keep of the version already kept: %v, want ErrNotFound (it is no member)", err)
	}
	// A copy published days before would replace an automatic choice,
	// not a person's.
	early := candidate("ledger", "l-1", "https://ledger.example/aske", "From the archive.\n\n"+text)
	early.Item.Published = day.Add(-96 * time.Hour)
	got, err := l.Decide(t.Context(), early)
	if err != nil || got.Kind != ledger.Copy || got.Replaced {
		t.Errorf("a much earlier copy after a person's choice: %+v, %v; want a plain copy", got, err)
	}
}
