package dedupe_test

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/feedsift/feedsift/dedupe"
	"github.com/google/go-cmp/cmp"
)

func newIndex(t testing.TB, o dedupe.Options) *dedupe.Index {
	t.Helper()
	ix, err := dedupe.NewIndex(o)
	if err != nil {
		t.Fatal(err)
	}
	return ix
}

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func TestNewIndexOptions(t *testing.T) {
	bad := []dedupe.Options{
		{Window: -time.Second}, {Shingle: -1}, {Shingle: 33}, {Threshold: 1.5}, {Threshold: -0.1},
		{RelatedThreshold: 2}, {MaxStories: -1}, {MaxDocFreq: -1}, {Sample: -2}, {MinShared: -1},
	}
	for _, o := range bad {
		if _, err := dedupe.NewIndex(o); !errors.Is(err, dedupe.ErrOptions) {
			t.Errorf("NewIndex(%+v) = %v, want ErrOptions", o, err)
		}
	}
	ix := newIndex(t, dedupe.Options{})
	got := ix.Options()
	if got.Window != dedupe.DefaultWindow || got.Shingle != dedupe.DefaultShingle ||
		got.Threshold != dedupe.DefaultThreshold || got.Sample != dedupe.DefaultSample {
		t.Errorf("defaults not filled in: %+v", got)
	}
}

func TestSeenAndAddIdempotent(t *testing.T) {
	ix := newIndex(t, dedupe.Options{})
	e := dedupe.Entry{StoryID: "s1", Keys: []string{"guid:f:1", "url:https://example.com/a"}, Text: genText(1, 5), Time: t0}
	ix.Add(e)
	ix.Add(e)
	if n := ix.Len(); n != 1 {
		t.Fatalf("Len after adding one entry twice = %d, want 1", n)
	}
	m1 := ix.Match(e.Text)
	ix.Add(e)
	if m2 := ix.Match(e.Text); !cmp.Equal(m1, m2) {
		t.Errorf("third Add changed Match:\n%s", cmp.Diff(m1, m2))
	}
	id, key, ok := ix.Seen([]string{"url:https://example.com/zzz", "url:https://example.com/a"})
	if !ok || id != "s1" || key != "url:https://example.com/a" {
		t.Errorf("Seen = %q, %q, %v; want s1 by its url key", id, key, ok)
	}
	if _, _, ok := ix.Seen([]string{"guid:other:1"}); ok {
		t.Error("Seen found a key never added")
	}
	// A member adds its keys to the story; a key owned elsewhere stays.
	ix.Add(dedupe.Entry{StoryID: "s2", Keys: []string{"guid:f:2"}, Text: genText(2, 5), Time: t0})
	ix.Add(dedupe.Entry{StoryID: "s1", Keys: []string{"guid:g:9", "guid:f:2"}, Text: e.Text, Time: t0})
	if id, _, _ := ix.Seen([]string{"guid:g:9"}); id != "s1" {
		t.Errorf("member key belongs to %q, want s1", id)
	}
	if id, _, _ := ix.Seen([]string{"guid:f:2"}); id != "s2" {
		t.Errorf("key of s2 moved to %q", id)
	}
	if n := ix.Len(); n != 2 {
		t.Errorf("Len = %d, want 2", n)
	}
	// Derived story id.
	ix.Add(dedupe.Entry{Keys: []string{"url:https://example.com/c"}, Text: genText(3, 5), Time: t0})
	if id, _, _ := ix.Seen([]string{"url:https://example.com/c"}); id != dedupe.StoryID("url:https://example.com/c") {
		t.Errorf("empty StoryID derived as %q", id)
	}
}

func TestMatch(t *testing.T) {
	ix := newIndex(t, dedupe.Options{})
	orig := genText(10, 8)
	ix.Add(dedupe.Entry{StoryID: "orig", Text: orig, Time: t0})
	ix.Add(dedupe.Entry{StoryID: "other", Text: genText(11, 8), Time: t0})

	paras := strings.Split(orig, "\n\n")
	t.Run("copy with header and footer", func(t *testing.T) {
		txt := "Daily Wire Service | Home | World\nShare this\n\n" + orig + "\n\nSubscribe now. All rights reserved."
		m := ix.Match(txt)
		if !m.Duplicate || m.StoryID != "orig" || m.Method != "content" {
			t.Fatalf("Match = %+v, want duplicate of orig", m)
		}
		if m.Containment < 0.9 || m.Similarity <= 0 || m.Similarity > 1 || !strings.Contains(m.Reason, "orig") {
			t.Errorf("scores/reason off: %+v", m)
		}
	})
	t.Run("trimmed", func(t *testing.T) {
		m := ix.Match(strings.Join(paras[:4], "\n\n"))
		if !m.Duplicate || m.StoryID != "orig" {
			t.Errorf("Match = %+v, want duplicate of orig", m)
		}
	})
	t.Run("unrelated", func(t *testing.T) {
		m := ix.Match(genText(12, 8))
		if m.Duplicate {
			t.Errorf("Match = %+v, want no duplicate", m)
		}
	})
	t.Run("too short", func(t *testing.T) {
		m := ix.Match(strings.Join(strings.Fields(orig)[:12], " "))
		if m.Duplicate {
			t.Errorf("12 words matched: %+v", m)
		}
	})
	t.Run("match does not modify", func(t *testing.T) {
		n := ix.Len()
		ix.Match(genText(13, 8))
		if ix.Len() != n || ix.Match(genText(13, 8)).Duplicate {
			t.Error("Match changed the index")
		}
	})
}

func TestSharedBoilerplateIgnored(t *testing.T) {
	ix := newIndex(t, dedupe.Options{})
	tmplHead := strings.Repeat("Good morning and welcome to the briefing that lands in your inbox before breakfast every weekday. ", 2)
	tmplFoot := strings.Repeat("You receive this email because you subscribed; manage your preferences or unsubscribe at any time. ", 3)
	merged := 0
	for i := range 12 {
		body := strings.Join(strings.Split(genText(uint64(100+i), 2), "\n\n")[:2], "\n\n")
		txt := tmplHead + "\n\n" + body + "\n\n" + tmplFoot
		m := ix.Match(txt)
		if m.Duplicate {
			merged++
			ix.Add(dedupe.Entry{StoryID: m.StoryID, Text: txt, Time: t0})
			continue
		}
		ix.Add(dedupe.Entry{StoryID: fmt.Sprint("b", i), Text: txt, Time: t0})
	}
	if merged > 0 {
		t.Errorf("%d of 12 briefs sharing only a template were merged", merged)
	}
}

func TestEvictAndRemove(t *testing.T) {
	ix := newIndex(t, dedupe.Options{Window: 48 * time.Hour})
	for i := range 5 {
		ix.Add(dedupe.Entry{StoryID: fmt.Sprint("s", i), Keys: []string{fmt.Sprint("k", i)},
			Text: genText(uint64(200+i), 5), Time: t0.Add(time.Duration(i) * 24 * time.Hour)})
	}
	// A fresh member keeps s0 alive.
	ix.Add(dedupe.Entry{StoryID: "s0", Text: genText(200, 5), Time: t0.Add(4 * 24 * time.Hour)})
	if n := ix.Evict(t0.Add(4*24*time.Hour + time.Hour)); n != 2 {
		t.Errorf("Evict removed %d, want 2 (s1, s2)", n)
	}
	if n := ix.Len(); n != 3 {
		t.Errorf("Len = %d, want 3", n)
	}
	if _, _, ok := ix.Seen([]string{"k1"}); ok {
		t.Error("key of an evicted story still seen")
	}
	if m := ix.Match(genText(201, 5)); m.Duplicate {
		t.Errorf("evicted story still matches: %+v", m)
	}
	if m := ix.Match(genText(200, 5)); !m.Duplicate || m.StoryID != "s0" {
		t.Errorf("kept story s0 no longer matches: %+v", m)
	}
	ix.Remove("s0")
	ix.Remove("nope")
	if m := ix.Match(genText(200, 5)); m.Duplicate {
		t.Errorf("removed story still matches: %+v", m)
	}
	if n := ix.Evict(t0.Add(100 * 24 * time.Hour)); n != 2 || ix.Len() != 0 {
		t.Errorf("final Evict removed %d, Len %d; want 2, 0", n, ix.Len())
	}
	// Slots are reused after removal.
	ix.Add(dedupe.Entry{StoryID: "new", Text: genText(300, 5), Time: t0})
	if m := ix.Match(genText(300, 5)); !m.Duplicate || m.StoryID != "new" {
		t.Errorf("story added after eviction: %+v", m)
	}
}

func TestMaxStories(t *testing.T) {
	ix := newIndex(t, dedupe.Options{MaxStories: 3})
	for i := range 6 {
		ix.Add(dedupe.Entry{StoryID: fmt.Sprint("s", i), Keys: []string{fmt.Sprint("k", i)},
			Text: genText(uint64(400+i), 4), Time: t0.Add(time.Duration(i) * time.Minute)})
	}
	if n := ix.Len(); n != 3 {
		t.Fatalf("Len = %d, want 3", n)
	}
	if _, _, ok := ix.Seen([]string{"k2"}); ok {
		t.Error("oldest stories not the ones dropped")
	}
	if _, _, ok := ix.Seen([]string{"k5"}); !ok {
		t.Error("newest story dropped")
	}
}

func TestConcurrent(t *testing.T) {
	ix := newIndex(t, dedupe.Options{})
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range 25 {
				txt := genText(uint64(1000+g*100+i), 4)
				if !ix.Match(txt).Duplicate {
					ix.Add(dedupe.Entry{StoryID: fmt.Sprint(g, "-", i), Keys: []string{fmt.Sprint(g, "/", i)}, Text: txt, Time: t0})
				}
				ix.Seen([]string{fmt.Sprint(g, "/", i)})
				if i%10 == 9 {
					ix.Remove(fmt.Sprint(g, "-", i-1))
				}
			}
		})
	}
	wg.Wait()
	if n := ix.Len(); n != 4*25-4*2 {
		t.Errorf("Len = %d, want %d", n, 4*25-4*2)
	}
}
