package sink

import (
	"bytes"
	"context"
	"fmt"
	"slices"

	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// applyOverride writes the effect of o: see story.Override. Applying an
// override twice changes nothing the second time.
func applyOverride(tx *bolt.Tx, o story.Override) error {
	switch o.Op {
	case story.OpSplit:
		return applySplit(tx, o)
	case story.OpMerge:
		return applyMerge(tx, o)
	case story.OpKeep:
		return applyKeep(tx, o)
	}
	return fmt.Errorf("%w: override %s: unknown op %q", ErrInvalidEvent, o.ID, o.Op)
}

func getStory(b *bolt.Bucket, id string) (*story.Story, error) {
	v := b.Get([]byte(id))
	if v == nil {
		return nil, nil
	}
	var s story.Story
	if err := unmarshalRecord(v, &s); err != nil {
		return nil, fmt.Errorf("story %s: %w", id, err)
	}
	return &s, nil
}

func putStoryValue(tx *bolt.Tx, s story.Story) error {
	if s.Version == 0 {
		s.Version = story.Version
	}
	data, err := marshalRecord(s)
	if err != nil {
		return fmt.Errorf("story %s: %w", s.ID, err)
	}
	return putStory(tx, s, data)
}

func putDupe(tx *bolt.Tx, d story.Duplicate) error {
	data, err := marshalRecord(d)
	if err != nil {
		return fmt.Errorf("duplicate of %s: %w", d.StoryID, err)
	}
	return storeDupe(tx, d.StoryID, dupeKey(d.StoryID, d.MemberKey()), data)
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
	if err := unmarshalRecord(v, &m); err != nil {
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
	if err := putStoryValue(tx, story.SplitStory(o, m, prev)); err != nil {
		return err
	}
	from, err := getStory(stories, o.Story)
	if err != nil || from == nil {
		return err
	}
	if upd, changed := story.SplitFromUpdate(o, *from); changed {
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
		if err := unmarshalRecord(v, &d); err != nil {
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
	aUpd, bUpd, member := story.MergeStories(o, a, *b)
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
func (s *Store) Members(ctx context.Context, storyID string) ([]story.Duplicate, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
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
			if err := unmarshalRecord(v, &d); err != nil {
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
func (s *Store) StoryIDs(ctx context.Context, prefix string, limit int) ([]string, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
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

// applyKeep makes the member o.Member the story's kept version
// (story.KeepMember): its record leaves the story's members, the former
// version joins them, and the story takes the member's version. Applied a
// second time, the member's record is gone and nothing changes.
func applyKeep(tx *bolt.Tx, o story.Override) error {
	dupes, stories := tx.Bucket([]byte(bucketDupes)), tx.Bucket([]byte(bucketStories))
	key := dupeKey(o.Story, o.Member)
	v := dupes.Get(key)
	if v == nil {
		return nil
	}
	from, err := getStory(stories, o.Story)
	if err != nil || from == nil {
		return err // without the story there is no version to swap
	}
	var m story.Duplicate
	if err := unmarshalRecord(v, &m); err != nil {
		return fmt.Errorf("duplicate %q: %w", key, err)
	}
	if err := dupes.Delete(key); err != nil {
		return err
	}
	kept, former := story.KeepMember(o, *from, m)
	if err := putDupe(tx, former); err != nil {
		return err
	}
	return putStoryValue(tx, kept)
}
