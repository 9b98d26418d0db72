package sink

import (
	"bytes"
	"context"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// expireBatch is the most stories Expire removes in one transaction, so
// that a first run on a large store does not hold the writer for long.
const expireBatch = 1000

// Expire removes the stories dated before before (by Published, else
// Fetched: the time Stories orders by), with their duplicate records and
// report entries, and the report entries of stories the store never held
// whose latest copy is older. It works oldest first, in transactions of
// at most expireBatch stories, and returns how many stories and copies it
// removed. The file does not shrink: bbolt reuses the freed pages, and
// `bbolt compact` (README, "Store retention") gives the space back.
func (s *Store) Expire(ctx context.Context, before time.Time) (stories, copies int, err error) {
	limit := timeBytes(before)
	for {
		if err := ctx.Err(); err != nil {
			return stories, copies, fmt.Errorf("sink: expire: %w", err)
		}
		var listed, n, c int
		err := s.write(func(tx *bolt.Tx) error {
			var err error
			listed, n, c, err = expireSome(tx, limit)
			return err
		})
		if err != nil {
			return stories, copies, fmt.Errorf("sink: expire: %w", err)
		}
		stories, copies = stories+n, copies+c
		if listed < expireBatch || n == 0 {
			return stories, copies, nil
		}
	}
}

// expireSome removes up to expireBatch stories (or copy-only report
// entries) older than limit, oldest of each topic first; listed is how
// many it found, fewer than expireBatch once none are left.
func expireSome(tx *bolt.Tx, limit []byte) (listed, stories, copies int, err error) {
	var ids []string
	for _, b := range []string{bucketByTime, bucketReportByTime} {
		bucket := tx.Bucket([]byte(b))
		if bucket == nil {
			continue
		}
		for _, topic := range indexTopics(bucket, StoryFilter{}) {
			prefix := append([]byte(topic), 0)
			c := bucket.Cursor()
			for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix) && len(ids) < expireBatch; k, _ = c.Next() {
				if len(k) < len(prefix)+12 || bytes.Compare(k[len(prefix):len(prefix)+12], limit) >= 0 {
					break
				}
				ids = append(ids, string(k[len(prefix)+12:]))
			}
		}
	}
	storiesB, byTime, dupes := tx.Bucket([]byte(bucketStories)), tx.Bucket([]byte(bucketByTime)), tx.Bucket([]byte(bucketDupes))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if seen[id] {
			continue
		}
		seen[id] = true
		st, err := getStory(storiesB, id)
		if err != nil {
			return listed, stories, copies, err
		}
		if st != nil {
			if bytes.Compare(timeBytes(storyTime(*st)), limit) >= 0 {
				continue // listed as a copy-only entry, but the story is newer
			}
			if err := deleteTimeKeys(byTime, *st); err != nil {
				return listed, stories, copies, err
			}
			if err := storiesB.Delete([]byte(id)); err != nil {
				return listed, stories, copies, err
			}
		}
		prefix := dupeKey(id, "")
		var keys [][]byte
		c := dupes.Cursor()
		for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
			keys = append(keys, bytes.Clone(k))
		}
		for _, k := range keys {
			if err := dupes.Delete(k); err != nil {
				return listed, stories, copies, err
			}
		}
		if err := reindexReport(tx, id, nil); err != nil {
			return listed, stories, copies, err
		}
		stories, copies = stories+1, copies+len(keys)
	}
	return len(ids), stories, copies, nil
}
