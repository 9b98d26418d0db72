package sink

import (
	"bytes"
	"cmp"
	"container/heap"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
	bolterrors "go.etcd.io/bbolt/errors"

	"github.com/feedsift/feedsift/internal/story"
)

// Bucket names and the meta key.
const (
	bucketStories = "stories"
	bucketByTime  = "by_time"
	bucketDupes   = "dupes"
	bucketFeeds   = "feeds"
	bucketMeta    = "meta"
	bucketTmpl    = "templates"
	metaLastSeq   = "last_seq"
)

// StoreOptions configures OpenStore. Zero values mean the documented
// defaults.
type StoreOptions struct {
	// Timeout is how long OpenStore waits for the file lock before it
	// fails with ErrLocked. Default 1s.
	Timeout time.Duration
	// ReadOnly opens the file without write access. Writes then fail.
	ReadOnly bool
	// Batch makes PutEvent use bbolt's DB.Batch, which merges concurrent
	// PutEvent calls into one transaction. It helps only with several
	// concurrent writers and adds up to 10ms latency to a lone writer.
	Batch bool
	// MaxPages bounds the fetched pages kept for re-extraction (see
	// SavePage). Default DefaultMaxPages.
	MaxPages int
	// Logger receives store events. Nil discards them.
	Logger *slog.Logger
}

// Store is the local copy of the stream plus the feed state, in one bbolt
// file. It is safe for concurrent use.
type Store struct {
	db       *bolt.DB
	pages    *pageLog // the kept pages' bodies (pagelog.go)
	log      *slog.Logger
	batch    bool
	maxPages int

	// releaseEvery and releasedAt (Unix nanoseconds) pace release
	// (resident.go).
	releaseEvery time.Duration
	releasedAt   atomic.Int64

	mu      sync.Mutex
	last    uint64        // last applied stream sequence, mirrors meta/last_seq
	changed chan struct{} // closed and replaced whenever last grows
}

// OpenStore opens or creates the store file at path (mode 0600; a missing
// parent directory is created 0700). If another process holds the file,
// it fails with ErrLocked after opts.Timeout.
func OpenStore(path string, opts StoreOptions) (*Store, error) {
	if path == "" {
		return nil, fmt.Errorf("%w: empty store path", ErrInvalidOption)
	}
	if opts.Timeout < 0 {
		return nil, fmt.Errorf("%w: negative store timeout", ErrInvalidOption)
	}
	if opts.Timeout == 0 {
		opts.Timeout = time.Second
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if !opts.ReadOnly {
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, fmt.Errorf("sink: open store: %w", err)
		}
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: opts.Timeout, ReadOnly: opts.ReadOnly})
	if err != nil {
		if errors.Is(err, bolterrors.ErrTimeout) {
			return nil, fmt.Errorf("%w: %s (waited %s)", ErrLocked, path, opts.Timeout)
		}
		return nil, fmt.Errorf("sink: open store %s: %w", path, err)
	}
	pages, err := openPageLog(PageDir(path), opts.ReadOnly, log)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sink: open store %s: %w", path, err), db.Close())
	}
	s := &Store{db: db, pages: pages, log: log, batch: opts.Batch, maxPages: cmp.Or(max(opts.MaxPages, 0), DefaultMaxPages), releaseEvery: releaseEvery, changed: make(chan struct{})}
	if !opts.ReadOnly {
		err = db.Update(func(tx *bolt.Tx) error {
			for _, name := range []string{bucketStories, bucketByTime, bucketDupes, bucketFeeds, bucketMeta, bucketTmpl} {
				if _, err := tx.CreateBucketIfNotExists([]byte(name)); err != nil {
					return fmt.Errorf("bucket %s: %w", name, err)
				}
			}
			return buildReportIndex(tx)
		})
	}
	if err == nil {
		err = db.View(func(tx *bolt.Tx) error {
			s.last = readSeq(tx)
			return nil
		})
	}
	if err != nil {
		return nil, errors.Join(fmt.Errorf("sink: open store %s: %w", path, err), db.Close())
	}
	return s, nil
}

// Close closes the file. Calls in flight finish first.
func (s *Store) Close() error {
	if err := errors.Join(s.db.Close(), s.pages.close()); err != nil {
		return fmt.Errorf("sink: close store: %w", err)
	}
	return nil
}

// Path returns the store file's path.
func (s *Store) Path() string { return s.db.Path() }

// PutEvent applies one event. It is idempotent: a story is keyed by its ID
// (a newer copy replaces the older one), a duplicate by its story ID and
// Duplicate.MemberKey. An override is applied as story.Override describes: a split
// member leaves its story's records and becomes a story (story.SplitStory); a
// merged story's members move to the story it joined, and it becomes one
// of them (story.MergeStories). A non-zero ev.Seq raises the last applied
// sequence.
func (s *Store) PutEvent(ev Event) error {
	apply, err := prepareEvent(ev)
	if err != nil {
		return err
	}
	err = s.update(func(tx *bolt.Tx) error {
		if err := apply(tx); err != nil {
			return err
		}
		return raiseSeq(tx, ev.Seq)
	})
	if err != nil {
		return fmt.Errorf("sink: store event seq %d: %w", ev.Seq, err)
	}
	s.advance(ev.Seq)
	return nil
}

// PutEvents applies evs, in order, in one transaction: one commit (and
// fsync) for the lot, which is what lets the stream consumer keep up. An
// event that is not valid (ErrInvalidEvent) changes nothing but its
// sequence is recorded as applied, as a terminated message's is; its
// error is returned in invalid, by index. err, when not nil, means the
// transaction failed and nothing was applied.
func (s *Store) PutEvents(evs []Event) (invalid map[int]error, err error) {
	applies := make([]func(*bolt.Tx) error, len(evs))
	var last uint64
	for i, ev := range evs {
		apply, err := prepareEvent(ev)
		if err != nil {
			if !errors.Is(err, ErrInvalidEvent) {
				err = fmt.Errorf("%w: %w", ErrInvalidEvent, err)
			}
			if invalid == nil {
				invalid = map[int]error{}
			}
			invalid[i] = err
		}
		applies[i] = apply
		last = max(last, ev.Seq)
	}
	err = s.write(func(tx *bolt.Tx) error {
		for i, apply := range applies {
			if apply != nil {
				if err := apply(tx); err != nil {
					return fmt.Errorf("event seq %d: %w", evs[i].Seq, err)
				}
			}
		}
		return raiseSeq(tx, last)
	})
	if err != nil {
		return invalid, fmt.Errorf("sink: store %d events: %w", len(evs), err)
	}
	s.advance(last)
	return invalid, nil
}

// prepareEvent checks ev and returns the write that applies it.
func prepareEvent(ev Event) (func(tx *bolt.Tx) error, error) {
	switch {
	case ev.Story != nil && ev.Duplicate == nil && ev.Override == nil:
		st := *ev.Story
		if err := checkID("story id", st.ID); err != nil {
			return nil, err
		}
		if err := checkTopics(st); err != nil {
			return nil, err
		}
		if st.Version == 0 {
			st.Version = story.Version
		}
		data, err := marshalRecord(st)
		if err != nil {
			return nil, fmt.Errorf("%w: story %s: %w", ErrInvalidEvent, st.ID, err)
		}
		return func(tx *bolt.Tx) error { return putStory(tx, st, data) }, nil
	case ev.Override != nil && ev.Story == nil && ev.Duplicate == nil:
		o := *ev.Override
		if err := o.Validate(); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrInvalidEvent, err)
		}
		return func(tx *bolt.Tx) error { return applyOverride(tx, o) }, nil
	case ev.Duplicate != nil && ev.Story == nil && ev.Override == nil:
		d := *ev.Duplicate
		if err := checkID("duplicate story id", d.StoryID); err != nil {
			return nil, err
		}
		if d.Version == 0 {
			d.Version = story.Version
		}
		data, err := marshalRecord(d)
		if err != nil {
			return nil, fmt.Errorf("%w: duplicate of %s: %w", ErrInvalidEvent, d.StoryID, err)
		}
		key := dupeKey(d.StoryID, d.MemberKey())
		return func(tx *bolt.Tx) error { return storeDupe(tx, d.StoryID, key, data) }, nil
	}
	return nil, fmt.Errorf("%w: seq %d: event must carry exactly one of story, duplicate and override", ErrInvalidEvent, ev.Seq)
}

func (s *Store) update(fn func(*bolt.Tx) error) error {
	if s.batch {
		return s.batchWrite(fn)
	}
	return s.write(fn)
}

func (s *Store) advance(seq uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if seq > s.last {
		s.last = seq
		close(s.changed)
		s.changed = make(chan struct{})
	}
}

func putStory(tx *bolt.Tx, st story.Story, data []byte) error {
	stories := tx.Bucket([]byte(bucketStories))
	byTime := tx.Bucket([]byte(bucketByTime))
	id := []byte(st.ID)
	if old := stories.Get(id); old != nil {
		if bytes.Equal(old, data) {
			return nil
		}
		var prev story.Story
		if err := unmarshalRecord(old, &prev); err == nil {
			if err := deleteTimeKeys(byTime, prev); err != nil {
				return err
			}
		}
	}
	if err := stories.Put(id, data); err != nil {
		return err
	}
	for _, topic := range st.AllTopics() {
		if err := byTime.Put(timeKey(topic, storyTime(st), st.ID), nil); err != nil {
			return err
		}
	}
	return reindexReport(tx, st.ID, &st)
}

func raiseSeq(tx *bolt.Tx, seq uint64) error {
	if seq == 0 || seq <= readSeq(tx) {
		return nil
	}
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], seq)
	return tx.Bucket([]byte(bucketMeta)).Put([]byte(metaLastSeq), v[:])
}

func readSeq(tx *bolt.Tx) uint64 {
	b := tx.Bucket([]byte(bucketMeta))
	if b == nil {
		return 0
	}
	v := b.Get([]byte(metaLastSeq))
	if len(v) != 8 {
		return 0
	}
	return binary.BigEndian.Uint64(v)
}

// LastSeq returns the highest stream sequence applied to the store.
func (s *Store) LastSeq() (uint64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, nil
}

// WaitSeq blocks until the store has applied stream sequence seq or a later
// one, or ctx ends.
func (s *Store) WaitSeq(ctx context.Context, seq uint64) error {
	for {
		s.mu.Lock()
		last, changed := s.last, s.changed
		s.mu.Unlock()
		if last >= seq {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("sink: wait for seq %d (at %d): %w", seq, last, ctx.Err())
		case <-changed:
		}
	}
}

// storyTime is the time a story is indexed and filtered by.
func storyTime(s story.Story) time.Time {
	if !s.Published.IsZero() {
		return s.Published
	}
	return s.Fetched
}

// timeBytes encodes t so that byte order is time order: seconds with the
// sign bit flipped, then nanoseconds, both big endian.
func timeBytes(t time.Time) []byte {
	b := make([]byte, 12)
	binary.BigEndian.PutUint64(b, uint64(t.Unix())^(1<<63))
	binary.BigEndian.PutUint32(b[8:], uint32(t.Nanosecond()))
	return b
}

// deleteTimeKeys removes s's keys from the time index: one per topic it
// is announced on (see timeKey).
func deleteTimeKeys(byTime *bolt.Bucket, s story.Story) error {
	for _, topic := range s.AllTopics() {
		if err := byTime.Delete(timeKey(topic, storyTime(s), s.ID)); err != nil {
			return err
		}
	}
	return nil
}

// timeKey is the layout of the time indexes (stories, report entries):
// topic 0x00 time id. Topics hold no control characters.
func timeKey(topic string, when time.Time, id string) []byte {
	k := make([]byte, 0, len(topic)+1+12+len(id))
	k = append(k, topic...)
	k = append(k, 0)
	k = append(k, timeBytes(when)...)
	return append(k, id...)
}

// timeFromBytes decodes timeBytes.
func timeFromBytes(b []byte) time.Time {
	return time.Unix(int64(binary.BigEndian.Uint64(b)^(1<<63)), int64(binary.BigEndian.Uint32(b[8:]))).UTC()
}

func dupeKey(storyID, member string) []byte {
	k := make([]byte, 0, len(storyID)+1+len(member))
	k = append(k, storyID...)
	k = append(k, 0)
	return append(k, member...)
}

// StoryFilter selects stories. Zero values select everything.
type StoryFilter struct {
	// Topic matches a story whose topic equals it or lies under it:
	// "world" matches "world" and "world.europe", not "worldwide".
	Topic string
	// Since keeps stories published (or, without a publish time, fetched)
	// at or after it.
	Since time.Time
	// Limit caps the number of results; 0 means no cap.
	Limit int
}

func (f StoryFilter) check() error {
	if f.Topic != "" {
		if err := story.ValidateTopic(f.Topic); err != nil {
			return fmt.Errorf("sink: story filter: %w", err)
		}
	}
	if f.Limit < 0 {
		return fmt.Errorf("%w: negative story filter limit %d", ErrInvalidOption, f.Limit)
	}
	return nil
}

func (f StoryFilter) matchTopic(topic string) bool {
	return f.Topic == "" || topic == f.Topic || strings.HasPrefix(topic, f.Topic+".")
}

// Stories returns the stories that pass f, newest first by Published (or
// Fetched when Published is zero), ties broken by ID.
func (s *Store) Stories(f StoryFilter) ([]story.Story, error) {
	if err := f.check(); err != nil {
		return nil, err
	}
	var out []story.Story
	err := s.db.View(func(tx *bolt.Tx) error {
		byTime, stories := tx.Bucket([]byte(bucketByTime)), tx.Bucket([]byte(bucketStories))
		if byTime == nil || stories == nil {
			return nil
		}
		refs := newestFirst(byTime, f)
		out = make([]story.Story, 0, len(refs))
		for _, r := range refs {
			v := stories.Get(r.id)
			if v == nil {
				continue
			}
			var st story.Story
			if err := unmarshalRecord(v, &st); err != nil {
				return fmt.Errorf("story %s: %w", r.id, err)
			}
			out = append(out, st)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sink: stories: %w", err)
	}
	return out, nil
}

// timeRef is one entry of the time index: a story's time key and ID.
type timeRef struct {
	when []byte
	id   []byte
}

// newestFirst reads the time index newest first and returns the entries
// f selects, at most f.Limit of them. The index is ordered by topic, then
// time: each topic f covers gets a cursor that walks its keys backwards
// from its newest, and the cursors are merged through a heap, so a read
// costs the topics' count plus the entries returned, not the store's
// size. A story is listed once, however many of its topics f covers.
func newestFirst(byTime *bolt.Bucket, f StoryFilter) []timeRef {
	var since []byte
	if !f.Since.IsZero() {
		since = timeBytes(f.Since)
	}
	h := &refHeap{}
	for _, topic := range indexTopics(byTime, f) {
		tc := &topicCursor{c: byTime.Cursor(), prefix: append([]byte(topic), 0), since: since}
		if k, _ := tc.c.Seek(append([]byte(topic), 1)); k == nil {
			tc.load(tc.c.Last())
		} else {
			tc.load(tc.c.Prev())
		}
		if tc.head.id != nil {
			*h = append(*h, tc)
		}
	}
	heap.Init(h)
	var refs []timeRef
	for h.Len() > 0 && (f.Limit == 0 || len(refs) < f.Limit) {
		tc := (*h)[0]
		// A story announced on several topics f covers has a key
		// under each, with the same time and ID: they come out
		// together, and it is listed once.
		if n := len(refs); n == 0 || !bytes.Equal(refs[n-1].id, tc.head.id) || !bytes.Equal(refs[n-1].when, tc.head.when) {
			refs = append(refs, tc.head)
		}
		if tc.load(tc.c.Prev()); tc.head.id != nil {
			heap.Fix(h, 0)
		} else {
			heap.Pop(h)
		}
	}
	return refs
}

// indexTopics lists the topics of the time index that f covers (f.Topic
// and the topics under it, or all), jumping from one topic's keys to the
// next.
func indexTopics(byTime *bolt.Bucket, f StoryFilter) []string {
	var topics []string
	c := byTime.Cursor()
	k, _ := c.Seek([]byte(f.Topic))
	for k != nil {
		i := bytes.IndexByte(k, 0)
		if i < 0 {
			k, _ = c.Next()
			continue
		}
		topic := string(k[:i])
		if f.Topic != "" && !strings.HasPrefix(topic, f.Topic) {
			break
		}
		if f.matchTopic(topic) {
			topics = append(topics, topic)
		}
		k, _ = c.Seek(append([]byte(topic), 1))
	}
	return topics
}

// topicCursor walks one topic's time-index keys backwards; head is the
// entry it stands on (id nil when it has run out).
type topicCursor struct {
	c      *bolt.Cursor
	prefix []byte
	since  []byte
	head   timeRef
}

// load makes k the cursor's head, or ends the cursor when k is outside
// its topic, malformed, or older than since.
func (tc *topicCursor) load(k, _ []byte) {
	tc.head = timeRef{}
	n := len(tc.prefix)
	if k == nil || !bytes.HasPrefix(k, tc.prefix) || len(k) < n+12 {
		return
	}
	when := k[n : n+12]
	if tc.since != nil && bytes.Compare(when, tc.since) < 0 {
		return
	}
	tc.head = timeRef{when: bytes.Clone(when), id: bytes.Clone(k[n+12:])}
}

// refHeap orders topic cursors by their heads, newest (then highest ID)
// first.
type refHeap []*topicCursor

func (h refHeap) Len() int { return len(h) }
func (h refHeap) Less(i, j int) bool {
	a, b := h[i].head, h[j].head
	return cmp.Or(bytes.Compare(a.when, b.when), bytes.Compare(a.id, b.id)) > 0
}
func (h refHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *refHeap) Push(x any)   { *h = append(*h, x.(*topicCursor)) }
func (h *refHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Story returns the story with the given ID, and whether it exists.
func (s *Store) Story(ctx context.Context, id string) (story.Story, bool, error) {
	if err := ctx.Err(); err != nil {
		return story.Story{}, false, err
	}
	var st story.Story
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketStories))
		if b == nil {
			return nil
		}
		v := b.Get([]byte(id))
		if v == nil {
			return nil
		}
		found = true
		return unmarshalRecord(v, &st)
	})
	if err != nil {
		return story.Story{}, false, fmt.Errorf("sink: story %s: %w", id, err)
	}
	return st, found, nil
}

// FeedState returns the state of one feed, and whether it exists.
func (s *Store) FeedState(ctx context.Context, feedID string) (story.FeedState, bool, error) {
	if err := ctx.Err(); err != nil {
		return story.FeedState{}, false, fmt.Errorf("sink: feed state %s: %w", feedID, err)
	}
	var st story.FeedState
	found := false
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketFeeds))
		if b == nil {
			return nil
		}
		v := b.Get([]byte(feedID))
		if v == nil {
			return nil
		}
		found = true
		return json.Unmarshal(v, &st)
	})
	if err != nil {
		return story.FeedState{}, false, fmt.Errorf("sink: feed state %s: %w", feedID, err)
	}
	return st, found, nil
}

// PutFeedState stores st under st.FeedID, replacing any earlier state.
func (s *Store) PutFeedState(ctx context.Context, st story.FeedState) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sink: put feed state %s: %w", st.FeedID, err)
	}
	if st.FeedID == "" {
		return fmt.Errorf("%w: feed state without feed id", ErrInvalidOption)
	}
	data, err := json.Marshal(st)
	if err != nil {
		return fmt.Errorf("sink: feed state %s: %w", st.FeedID, err)
	}
	// Saved after every poll, by many polls at once: DB.Batch gives
	// concurrent saves one commit (one fsync). The put is idempotent.
	err = s.batchWrite(func(tx *bolt.Tx) error {
		return tx.Bucket([]byte(bucketFeeds)).Put([]byte(st.FeedID), data)
	})
	if err != nil {
		return fmt.Errorf("sink: put feed state %s: %w", st.FeedID, err)
	}
	return nil
}

// FeedStates returns the state of every feed, ordered by feed ID.
func (s *Store) FeedStates() ([]story.FeedState, error) {
	var out []story.FeedState
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketFeeds))
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			var st story.FeedState
			if err := json.Unmarshal(v, &st); err != nil {
				return fmt.Errorf("feed %s: %w", k, err)
			}
			out = append(out, st)
			return nil
		})
	})
	if err != nil {
		return nil, fmt.Errorf("sink: feed states: %w", err)
	}
	return out, nil
}

// LoadTemplate returns the site template data stored for host, or nil
// when there is none.
func (s *Store) LoadTemplate(ctx context.Context, host string) ([]byte, error) {
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sink: load template %s: %w", host, err)
	}
	var out []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		if b := tx.Bucket([]byte(bucketTmpl)); b != nil {
			out = bytes.Clone(b.Get([]byte(host)))
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sink: load template %s: %w", host, err)
	}
	return out, nil
}

// SaveTemplate stores data as the site template of host, replacing any
// earlier one. The store keeps the bytes as they are; their format is the
// caller's.
func (s *Store) SaveTemplate(ctx context.Context, host string, data []byte) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sink: save template %s: %w", host, err)
	}
	if host == "" {
		return fmt.Errorf("%w: template without host", ErrInvalidOption)
	}
	// Saved after every article page, from many polls at once: DB.Batch
	// gives concurrent saves one commit. The put is idempotent.
	err := s.batchWrite(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketTmpl))
		if err != nil {
			return err
		}
		return b.Put([]byte(host), data)
	})
	if err != nil {
		return fmt.Errorf("sink: save template %s: %w", host, err)
	}
	return nil
}
