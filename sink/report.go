package sink

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"fmt"
	"slices"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/feedsift/feedsift/internal/story"
)

// The dedupe report's index. bucketReportByTime holds one key per story
// that has at least one duplicate, in the time index's layout (topic 0x00
// time id, see timeKey): the story's own time, or its latest
// member's Seen while the story is not in the store. bucketReportKey maps
// a story ID to its member count, whether the entry is dated by the story,
// and its key there (reportKeyValue), so the entry can be moved when the
// story or its members change, and
// bucketReportCounts holds per topic the number of such stories and of
// their members (8 bytes each). Report reads the index newest first and
// stops at the limit, and ReportCounts reads the counts, so a page of the
// report costs what it shows, not the store's size.
const (
	bucketReportByTime = "report_by_time"
	bucketReportKey    = "report_entry"
	bucketReportCounts = "report_counts"
)

// reportBuckets are the buckets of the report index, built together.
var reportBuckets = []string{bucketReportByTime, bucketReportKey, bucketReportCounts}

// ReportEntry is one story that absorbed duplicates, with the duplicate
// records (oldest Seen first).
type ReportEntry struct {
	Story   story.Story       `json:"story"`
	Members []story.Duplicate `json:"members"`
}

// Report returns the stories that have at least one duplicate, newest first
// like Stories, filtered by f. When the story itself is not in the store
// (for example it aged out of the stream before the store first consumed
// it), the entry's Story carries only ID and Topic, taken from the members,
// and is dated by its latest member.
func (s *Store) Report(f StoryFilter) ([]ReportEntry, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	out := []ReportEntry{} // an empty report is [] in JSON, not null
	err := s.db.View(func(tx *bolt.Tx) error {
		idx := tx.Bucket([]byte(bucketReportByTime))
		if idx == nil {
			// A store written by a version without the index, opened
			// read-only: read every duplicate.
			var err error
			out, err = reportScan(tx, f)
			return err
		}
		for _, r := range newestFirst(idx, f) {
			e, err := reportEntry(tx, string(r.id))
			if err != nil {
				return err
			}
			if e != nil {
				out = append(out, e.ReportEntry)
			}
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sink: report: %w", err)
	}
	return out, nil
}

// datedEntry is a report entry with the time it is listed at.
type datedEntry struct {
	ReportEntry
	when time.Time
}

// reportEntry reads the report entry of story id: its members (oldest
// Seen first) and the story, or nil when it has no members.
func reportEntry(tx *bolt.Tx, id string) (*datedEntry, error) {
	dupes, stories := tx.Bucket([]byte(bucketDupes)), tx.Bucket([]byte(bucketStories))
	e := &datedEntry{ReportEntry: ReportEntry{Story: story.Story{ID: id}}}
	prefix := dupeKey(id, "")
	c := dupes.Cursor()
	for k, v := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, v = c.Next() {
		var d story.Duplicate
		if err := unmarshalRecord(v, &d); err != nil {
			return nil, fmt.Errorf("duplicate %q: %w", k, err)
		}
		e.Members = append(e.Members, d)
	}
	if len(e.Members) == 0 {
		return nil, nil
	}
	if v := stories.Get([]byte(id)); v != nil {
		if err := unmarshalRecord(v, &e.Story); err != nil {
			return nil, fmt.Errorf("story %s: %w", id, err)
		}
		e.when = storyTime(e.Story)
	} else {
		e.Story.Topic = e.Members[0].Topic
		for _, m := range e.Members {
			if m.Seen.After(e.when) {
				e.when = m.Seen
			}
		}
	}
	slices.SortStableFunc(e.Members, func(a, b story.Duplicate) int { return a.Seen.Compare(b.Seen) })
	return e, nil
}

// reindexReport puts story id's report index entry where its story and
// members now date it, or removes it when the story has no members. Every
// write to a story or to the duplicates calls it for the stories touched:
// with st, the story just written; with nil, after a change of members.
//
// A copy's write is the common call, so it decodes nothing it need not:
// it counts the members by their keys, and keeps the topic and time of an
// entry dated by its story (the story did not change). Only a story's
// first copy reads the story (its topic and times, not its text), and
// only a story the store does not hold reads its members' records.
func reindexReport(tx *bolt.Tx, id string, st *story.Story) error {
	idx, keys := tx.Bucket([]byte(bucketReportByTime)), tx.Bucket([]byte(bucketReportKey))
	members := memberCount(tx, id)
	old := bytes.Clone(keys.Get([]byte(id)))
	var cur []byte
	if members > 0 {
		topic, when, byStory, err := reportPlace(tx, id, st, old)
		if err != nil {
			return err
		}
		cur = reportKeyValue(members, byStory, timeKey(topic, when, id))
	}
	if bytes.Equal(old, cur) {
		return nil
	}
	if len(old) > reportValueHeader {
		if err := idx.Delete(old[reportValueHeader:]); err != nil {
			return err
		}
		if err := addReportCount(tx, old, -1); err != nil {
			return err
		}
	}
	if cur == nil {
		return keys.Delete([]byte(id))
	}
	if err := idx.Put(cur[reportValueHeader:], nil); err != nil {
		return err
	}
	if err := addReportCount(tx, cur, 1); err != nil {
		return err
	}
	return keys.Put([]byte(id), cur)
}

// A bucketReportKey value: the member count (4 bytes), 1 when the entry is
// dated by its story (0 when by its latest member), then the index key.
const reportValueHeader = 5

func reportKeyValue(members int, byStory bool, key []byte) []byte {
	v := binary.BigEndian.AppendUint32(make([]byte, 0, reportValueHeader+len(key)), uint32(members))
	if byStory {
		v = append(v, 1)
	} else {
		v = append(v, 0)
	}
	return append(v, key...)
}

// memberCount is how many duplicate records story id has, counted by key.
func memberCount(tx *bolt.Tx, id string) int {
	n := 0
	prefix := dupeKey(id, "")
	c := tx.Bucket([]byte(bucketDupes)).Cursor()
	for k, _ := c.Seek(prefix); k != nil && bytes.HasPrefix(k, prefix); k, _ = c.Next() {
		n++
	}
	return n
}

// reportPlace returns the topic and time story id's report entry is listed
// under, and whether they are the story's (see reindexReport): st's when
// given; else an old entry's when it was dated by the story, which has not
// changed; else the stored story's; else its latest member's.
func reportPlace(tx *bolt.Tx, id string, st *story.Story, old []byte) (topic string, when time.Time, byStory bool, err error) {
	switch {
	case st != nil:
		return st.Topic, storyTime(*st), true, nil
	case len(old) > reportValueHeader && old[4] == 1:
		key := old[reportValueHeader:]
		i := bytes.IndexByte(key, 0)
		if i >= 0 && len(key) >= i+1+12 {
			return string(key[:i]), timeFromBytes(key[i+1 : i+1+12]), true, nil
		}
	}
	if v := tx.Bucket([]byte(bucketStories)).Get([]byte(id)); v != nil {
		// The story's topic and times only: its text is not decoded
		// (the record is decompressed whole).
		var t struct {
			Topic     string    `json:"topic"`
			Published time.Time `json:"published"`
			Fetched   time.Time `json:"fetched"`
		}
		if err := unmarshalRecord(v, &t); err != nil {
			return "", time.Time{}, false, fmt.Errorf("story %s: %w", id, err)
		}
		return t.Topic, storyTime(story.Story{Published: t.Published, Fetched: t.Fetched}), true, nil
	}
	e, err := reportEntry(tx, id)
	if err != nil || e == nil {
		return "", time.Time{}, false, err
	}
	return e.Story.Topic, e.when, false, nil
}

// addReportCount adds (sign 1) or removes (sign -1) one story and its
// members to the counts of its topic; entry is a bucketReportKey value.
func addReportCount(tx *bolt.Tx, entry []byte, sign int64) error {
	members := int64(binary.BigEndian.Uint32(entry))
	key := entry[reportValueHeader:]
	topic := key[:max(0, bytes.IndexByte(key, 0))]
	counts := tx.Bucket([]byte(bucketReportCounts))
	stories, copies := readCounts(counts.Get(topic))
	stories, copies = stories+sign, copies+sign*members
	if stories <= 0 {
		return counts.Delete(topic)
	}
	v := binary.BigEndian.AppendUint64(nil, uint64(stories))
	return counts.Put(bytes.Clone(topic), binary.BigEndian.AppendUint64(v, uint64(copies)))
}

func readCounts(v []byte) (stories, copies int64) {
	if len(v) != 16 {
		return 0, 0
	}
	return int64(binary.BigEndian.Uint64(v)), int64(binary.BigEndian.Uint64(v[8:]))
}

// ReportCounts returns how many stories under topic ("" for all, else the
// topic and the topics under it) have duplicates, and how many duplicates
// they have, from counts kept per topic: it costs the number of topics,
// not the store's size.
func (s *Store) ReportCounts(topic string) (stories, copies int, err error) {
	f := StoryFilter{Topic: topic}
	if err := f.check(); err != nil {
		return 0, 0, err
	}
	err = s.db.View(func(tx *bolt.Tx) error {
		counts := tx.Bucket([]byte(bucketReportCounts))
		if counts == nil {
			// An older store opened read-only: count the scan.
			r, err := reportScan(tx, f)
			for _, e := range r {
				stories, copies = stories+1, copies+len(e.Members)
			}
			return err
		}
		return counts.ForEach(func(k, v []byte) error {
			if f.matchTopic(string(k)) {
				n, c := readCounts(v)
				stories, copies = stories+int(n), copies+int(c)
			}
			return nil
		})
	})
	if err != nil {
		return 0, 0, fmt.Errorf("sink: report counts: %w", err)
	}
	return stories, copies, nil
}

// buildReportIndex creates the report index of a store written before it
// existed (or with only part of it), from every story with duplicates. It
// runs once, when such a store is first opened for writing.
func buildReportIndex(tx *bolt.Tx) error {
	complete := true
	for _, name := range reportBuckets {
		complete = complete && tx.Bucket([]byte(name)) != nil
	}
	if complete {
		return nil
	}
	for _, name := range reportBuckets {
		if tx.Bucket([]byte(name)) != nil {
			if err := tx.DeleteBucket([]byte(name)); err != nil {
				return fmt.Errorf("bucket %s: %w", name, err)
			}
		}
		if _, err := tx.CreateBucket([]byte(name)); err != nil {
			return fmt.Errorf("bucket %s: %w", name, err)
		}
	}
	for _, id := range dupeStoryIDs(tx) {
		if err := reindexReport(tx, id, nil); err != nil {
			return err
		}
	}
	return nil
}

// reportScan is Report over every duplicate in the store, for a store
// without the report index.
func reportScan(tx *bolt.Tx, f StoryFilter) ([]ReportEntry, error) {
	var entries []datedEntry
	for _, id := range dupeStoryIDs(tx) {
		e, err := reportEntry(tx, id)
		if err != nil {
			return nil, err
		}
		if e == nil || !f.matchTopic(e.Story.Topic) || (!f.Since.IsZero() && e.when.Before(f.Since)) {
			continue
		}
		entries = append(entries, *e)
	}
	slices.SortFunc(entries, func(a, b datedEntry) int {
		return cmp.Or(b.when.Compare(a.when), strings.Compare(b.Story.ID, a.Story.ID))
	})
	if f.Limit > 0 && len(entries) > f.Limit {
		entries = entries[:f.Limit]
	}
	out := make([]ReportEntry, len(entries))
	for i, e := range entries {
		out[i] = e.ReportEntry
	}
	return out, nil
}

// dupeStoryIDs lists the IDs of the stories that have duplicates, in key
// order, skipping from one story's members to the next.
func dupeStoryIDs(tx *bolt.Tx) []string {
	var ids []string
	c := tx.Bucket([]byte(bucketDupes)).Cursor()
	for k, _ := c.First(); k != nil; {
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			k, _ = c.Next()
			continue
		}
		ids = append(ids, string(k[:i]))
		k, _ = c.Seek(append(bytes.Clone(k[:i]), 1))
	}
	return ids
}
