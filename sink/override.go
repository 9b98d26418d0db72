package sink

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// SplitStory returns the story a split member becomes (see story.Override):
// built from the member record m, or, when the story o.NewStory exists
// already (prev, for example a story merged by hand earlier), prev with
// its merge undone. It is what the store writes when it applies o, and
// what the reviewer announces, so both agree.
func SplitStory(o story.Override, m story.Duplicate, prev *story.Story) story.Story {
	if prev != nil {
		s := *prev
		s.MergedInto = ""
		s.SplitFrom = o.Story
		if s.Version == 0 {
			s.Version = story.Version
		}
		return s
	}
	canonical := ""
	for _, k := range o.Keys {
		if c, ok := strings.CutPrefix(k, "url:"); ok {
			canonical = c
			break
		}
	}
	return story.Story{
		Version: story.Version, ID: o.NewStory, Topic: m.Topic, FeedID: m.FeedID, URL: m.URL,
		CanonicalURL: canonical, GUID: m.GUID, Title: m.Title, Published: m.Published, Fetched: m.Seen,
		Text: m.Text, Source: m.Source, SplitFrom: o.Story,
	}
}

// SplitFromUpdate returns the story a member was split from, updated by o:
// when the split member is a story merged into it by hand, that story
// leaves its Merged list. It returns false when from needs no change.
func SplitFromUpdate(o story.Override, from story.Story) (story.Story, bool) {
	i := slices.Index(from.Merged, o.NewStory)
	if i < 0 {
		return from, false
	}
	from.Merged = slices.Delete(slices.Clone(from.Merged), i, i+1)
	if len(from.Merged) == 0 {
		from.Merged = nil
	}
	return from, true
}

// MergeStories returns what o (OpMerge) makes of its two stories: a, the
// story that absorbs, with Other added to Merged (nil when a is unknown);
// b marked MergedInto a; and the member record b becomes in a's report.
func MergeStories(o story.Override, a *story.Story, b story.Story) (*story.Story, story.Story, story.Duplicate) {
	var aUpd *story.Story
	if a != nil {
		s := *a
		if !slices.Contains(s.Merged, b.ID) {
			s.Merged = append(slices.Clone(s.Merged), b.ID)
		}
		aUpd = &s
	}
	b.MergedInto = o.Story
	by := ""
	if o.By != "" {
		by = " by " + o.By
	}
	m := story.Duplicate{
		Version: story.Version, StoryID: o.Story, Topic: b.Topic, FeedID: b.FeedID, URL: b.URL, GUID: b.GUID,
		Title: b.Title, Seen: o.At, Method: story.MethodManual, Similarity: 0,
		Reason:    fmt.Sprintf("merged by hand%s: story %s and its copies joined this story", by, b.ID),
		Published: b.Published, Text: b.Text, Source: b.Source,
	}
	return aUpd, b, m
}

// applyOverride writes the effect of o: see story.Override. Applying an
// override twice changes nothing the second time.
func applyOverride(tx *bolt.Tx, o story.Override) error {
	switch o.Op {
	case story.OpSplit:
		return applySplit(tx, o)
	case story.OpMerge:
		return applyMerge(tx, o)
	}
	return fmt.Errorf("%w: override %s: unknown op %q", ErrInvalidEvent, o.ID, o.Op)
}

func getStory(b *bolt.Bucket, id string) (*story.Story, error) {
	v := b.Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	var s story.Story
	if err := json.Unmarshal(v, &s); err != nil {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	return &s, nil
}

func putStoryValue(tx *bolt.Tx, s story.Story) error {
	if s.Version == 0 {
		s.Version = story.Version
	}
	data, err := json.Marshal(s)
	if err != nil {
		return fmt.Errorf("story %s: %w", s.ID, err)
	}
	return putStory(tx, s, data)
}

func putDupe(tx *bolt.Tx, d story.Duplicate) error {
	data, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("duplicate of %s: %w", d.StoryID, err)
	}
	return storeDupe(tx, d.StoryID, dupeKey(d.StoryID, MemberKey(d)), data)
}

// storeDupe puts a duplicate record of story storyID, encoded as data,
// under key, and moves the story's report entry.
func storeDupe(tx *bolt.Tx, storyID string, key, data []byte) error {
	if err := tx.Bucket([]byte(bucketDupes)).Put(key, data); err != nil {
		return err
	}
	return reindexReport(tx, storyID, nil)
}

func applySplit(tx *bolt.Tx, o story.Override) error {
	dupes, stories := tx.Bucket([]byte(bucketDupes)), tx.Bucket([]byte(bucketStories))
	key := dupeKey(o.Story, o.Member)
	v := dupes.Get(key)
	if v == nil {
		return nil // applied already, or the member never reached this store
	}
	var m story.Duplicate
	if err := json.Unmarshal(v, &m); err != nil {
		return fmt.Errorf("duplicate %q: %w", key, err)
	}
	if err := dupes.Delete(key); err != nil {
		return err
	}
	if err := reindexReport(tx, o.Story, nil); err != nil {
		return err
	}
	prev, err := getStory(stories, o.NewStory)
	if err != nil {
		return err
	}
	if err := putStoryValue(tx, SplitStory(o, m, prev)); err != nil {
		return err
	}
	from, err := getStory(stories, o.Story)
	if err != nil || from == nil {
		return err
	}
	if upd, changed := SplitFromUpdate(o, *from); changed {
		return putStoryValue(tx, upd)
	}
	return nil
}

func applyMerge(tx *bolt.Tx, o story.Override) error {
	dupes, stories := tx.Bucket([]byte(bucketDupes)), tx.Bucket([]byte(bucketStories))
	// B's members join A.
	prefix := dupeKey(o.Other, "")
	var moved []story.Duplicate
	var keys [][]byte
	c := dupes.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var d story.Duplicate
		if err := json.Unmarshal(v, &d); err != nil {
			return fmt.Errorf("duplicate %q: %w", k, err)
		}
		d.StoryID = o.Story
		moved = append(moved, d)
		keys = append(keys, bytes.Clone(k))
	}
	for _, k := range keys {
		if err := dupes.Delete(k); err != nil {
			return err
		}
	}
	if err := reindexReport(tx, o.Other, nil); err != nil {
		return err
	}
	for _, d := range moved {
		if err := putDupe(tx, d); err != nil {
			return err
		}
	}
	b, err := getStory(stories, o.Other)
	if err != nil || b == nil {
		return err
	}
	a, err := getStory(stories, o.Story)
	if err != nil {
		return err
	}
	aUpd, bUpd, member := MergeStories(o, a, *b)
	if err := putDupe(tx, member); err != nil {
		return err
	}
	if err := putStoryValue(tx, bUpd); err != nil {
		return err
	}
	if aUpd != nil {
		return putStoryValue(tx, *aUpd)
	}
	return nil
}

// Members returns the member records of a story, oldest Seen first.
func (s *Store) Members(storyID string) ([]story.Duplicate, error) {
	var out []story.Duplicate
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketDupes))
		if b == nil {
			return nil
		}
		prefix := dupeKey(storyID, "")
		c := b.Cursor()
		for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
			var d story.Duplicate
			if err := json.Unmarshal(v, &d); err != nil {
				return fmt.Errorf("duplicate %q: %w", k, err)
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sink: members of %s: %w", storyID, err)
	}
	slices.SortStableFunc(out, func(a, b story.Duplicate) int { return a.Seen.Compare(b.Seen) })
	return out, nil
}

// StoryIDs returns the IDs of stored stories that start with prefix, in
// byte order, at most limit of them (0: no cap). It lets people name a
// story by the short ID the reports print.
func (s *Store) StoryIDs(prefix string, limit int) ([]string, error) {
	var out []string
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketStories))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		p := []byte(prefix)
		for k, _ := c.Seek(p); k != nil && bytes.HasPrefix(k, p); k, _ = c.Next() {
			if limit > 0 && len(out) == limit {
				break
			}
			out = append(out, string(k))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sink: story ids %q: %w", prefix, err)
	}
	return out, nil
}
