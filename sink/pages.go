package sink

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/klauspost/compress/s2"
	bolt "go.etcd.io/bbolt"
)

// Fetched article pages are kept so that extraction can be run again on
// them after its rules change (feedsift reextract), without fetching the
// web again. They are held for a while and then dropped: the store is not
// an archive.
const (
	bucketPages       = "pages"
	bucketPagesByTime = "pages_by_time"
	bucketPagesMeta   = "pages_meta"
	keyPageCount      = "count"

	// PageRetention is how long a fetched page is kept.
	PageRetention = 72 * time.Hour
	// DefaultMaxPages bounds the pages kept unless StoreOptions.MaxPages
	// says otherwise; the oldest go first.
	DefaultMaxPages = 10_000
	// MaxPageSize is the largest page body kept (before compression).
	MaxPageSize = 4 << 20
)

// ErrPageTooLarge is returned by SavePage for a body over MaxPageSize.
var ErrPageTooLarge = errors.New("sink: page too large to keep")

// Page is a fetched article page as it came off the wire.
type Page struct {
	// URL is the page's canonical URL, its key in the store.
	URL string `json:"url"`
	// ItemURL is the feed item's link as the feed gave it; FetchURL the
	// address the page came from, after redirects.
	ItemURL     string    `json:"item_url,omitempty"`
	FetchURL    string    `json:"fetch_url"`
	FeedID      string    `json:"feed"`
	Title       string    `json:"title,omitempty"` // the feed item's title
	Summary     string    `json:"summary,omitempty"`
	ContentType string    `json:"content_type,omitempty"`
	Fetched     time.Time `json:"fetched"`
	// Body is the page as received (decoded from any transfer
	// compression, in its own charset).
	Body []byte `json:"-"`
}

// PageFilter selects pages: of one feed (empty: all), fetched at or after
// Since (zero: any time).
type PageFilter struct {
	FeedID string
	Since  time.Time
}

// A page record, as stored: the byte pageFormatS2, the length of the
// metadata (uvarint), the metadata (Page as JSON), then the body
// compressed as one S2 block (github.com/klauspost/compress/s2). Records
// written before this format are a JSON object whose "gz" field holds the
// body gzipped (legacyPageRecord); they are still read.
const pageFormatS2 = 0x01

// legacyPageRecord is a page as stored before pageFormatS2: metadata, then
// the gzipped body.
type legacyPageRecord struct {
	Page
	Gzip []byte `json:"gz"`
}

// SavePage keeps p, replacing an earlier fetch of the same URL, and drops
// pages older than PageRetention or beyond StoreOptions.MaxPages.
func (s *Store) SavePage(ctx context.Context, p Page) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("sink: save page %s: %w", p.URL, err)
	}
	if p.URL == "" {
		return fmt.Errorf("%w: page without URL", ErrInvalidOption)
	}
	if len(p.Body) > MaxPageSize {
		return fmt.Errorf("%w: %s: %d bytes, limit %d", ErrPageTooLarge, p.URL, len(p.Body), MaxPageSize)
	}
	meta, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("sink: save page %s: %w", p.URL, err)
	}
	ref, err := s.pages.append(s2.Encode(nil, p.Body))
	if err != nil {
		return fmt.Errorf("sink: save page %s: %w", p.URL, err)
	}
	// Pages are saved by many polls at once: DB.Batch gives them one
	// commit (one fsync) together instead of one each.
	err = s.batchWrite(s.savePageTx(p, encodeRef(ref, meta)))
	s.pages.done(ref)
	if err != nil {
		return fmt.Errorf("sink: save page %s: %w", p.URL, err)
	}
	if err := s.pages.dropDead(s.db); err != nil {
		s.log.Warn("sink: remove a page segment no kept page is in", "dir", s.pages.dir, "error", err)
	}
	return nil
}

// encodePage is p's record with its body inline (see pageFormatS2), as
// pages were kept before pageFormatRef. S2 block compression keeps
// no state between pages, where a gzip writer is 800 KB of tables that a
// pool loses at every garbage collection of a busy daemon, and it is
// several times faster than gzip's fastest level for a somewhat larger
// record (BenchmarkEncodePage); the body is stored as bytes, not in
// base64 inside JSON.
func (s *Store) encodePage(p Page) ([]byte, error) {
	meta, err := json.Marshal(p)
	if err != nil {
		return nil, err
	}
	rec := make([]byte, 0, 1+binary.MaxVarintLen64+len(meta)+s2.MaxEncodedLen(len(p.Body)))
	rec = append(rec, pageFormatS2)
	rec = binary.AppendUvarint(rec, uint64(len(meta)))
	rec = append(rec, meta...)
	body := s2.Encode(rec[len(rec):cap(rec)], p.Body)
	return rec[:len(rec)+len(body)], nil
}

// savePageTx is the transaction that stores page p as data (see
// SavePage). It is idempotent, as DB.Batch requires: run twice, it leaves
// the store as run once.
func (s *Store) savePageTx(p Page, data []byte) func(tx *bolt.Tx) error {
	return func(tx *bolt.Tx) error {
		pages, byTime, err := pageBuckets(tx)
		if err != nil {
			return err
		}
		meta, err := tx.CreateBucketIfNotExists([]byte(bucketPagesMeta))
		if err != nil {
			return err
		}
		count := pageCount(meta)
		if old := pages.Get([]byte(p.URL)); old != nil {
			if prev, _, err := pageMeta(old); err == nil {
				if err := byTime.Delete(pageTimeKey(prev.Fetched, prev.URL)); err != nil {
					return err
				}
			}
			if err := countSegmentRef(tx, old, -1); err != nil {
				return err
			}
		} else {
			count++
		}
		if err := pages.Put([]byte(p.URL), data); err != nil {
			return err
		}
		if err := countSegmentRef(tx, data, 1); err != nil {
			return err
		}
		if err := byTime.Put(pageTimeKey(p.Fetched, p.URL), nil); err != nil {
			return err
		}
		dropped, err := prunePages(tx, pages, byTime, p.Fetched.Add(-PageRetention), count-s.maxPages)
		if err != nil {
			return err
		}
		var v [8]byte
		binary.BigEndian.PutUint64(v[:], uint64(max(count-dropped, 0)))
		return meta.Put([]byte(keyPageCount), v[:])
	}
}

// Page returns the stored page of a canonical URL. Its body is read from
// its segment (pageFormatRef), or from the record itself for a page kept
// before segments.
func (s *Store) Page(url string) (Page, bool, error) {
	var (
		p      Page
		ref    pageRef
		hasRef bool
		found  bool
	)
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketPages))
		if b == nil {
			return nil
		}
		v := b.Get([]byte(url))
		if v == nil {
			return nil
		}
		found = true
		if len(v) == 0 || v[0] != pageFormatRef {
			var err error
			p, err = decodePage(v)
			return err
		}
		var err error
		p, ref, err = refMeta(v)
		hasRef = true
		return err
	})
	if err == nil && hasRef {
		p.Body, err = s.pageBody(ref)
	}
	if err != nil {
		return Page{}, false, fmt.Errorf("sink: page %s: %w", url, err)
	}
	return p, found, nil
}

// pageBody reads and decompresses the body ref names.
func (s *Store) pageBody(ref pageRef) ([]byte, error) {
	packed, err := s.pages.read(ref)
	if err != nil {
		return nil, err
	}
	return decodeBody(packed)
}

// refMeta reads a pageFormatRef record's metadata and body reference.
func refMeta(v []byte) (Page, pageRef, error) {
	ref, meta, err := parseRef(v)
	if err != nil {
		return Page{}, pageRef{}, err
	}
	var p Page
	if err := json.Unmarshal(meta, &p); err != nil {
		return Page{}, pageRef{}, fmt.Errorf("%w: %w", ErrCorruptPage, err)
	}
	return p, ref, nil
}

// Pages calls fn with every stored page that f selects, oldest first. It
// reads the keys first and each page in its own transaction, so fn may
// take its time (and the store may be written meanwhile). A page that
// cannot be decoded (ErrCorruptPage) is skipped with a warning naming
// it, so one damaged record does not stop a re-extraction of the rest.
func (s *Store) Pages(ctx context.Context, f PageFilter, fn func(Page) error) error {
	var urls []string
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketPagesByTime))
		if b == nil {
			return nil
		}
		c := b.Cursor()
		k, _ := c.First()
		if !f.Since.IsZero() {
			k, _ = c.Seek(pageTimeKey(f.Since, ""))
		}
		for ; k != nil; k, _ = c.Next() {
			if len(k) > 8 {
				urls = append(urls, string(k[8:]))
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sink: pages: %w", err)
	}
	for _, u := range urls {
		if err := ctx.Err(); err != nil {
			return fmt.Errorf("sink: pages: %w", err)
		}
		p, ok, err := s.Page(u)
		if errors.Is(err, ErrCorruptPage) {
			s.log.Warn("sink: stored page unreadable, skipped", "url", u, "error", err)
			continue
		}
		if err != nil {
			return err
		}
		if !ok || (f.FeedID != "" && p.FeedID != f.FeedID) {
			continue
		}
		if err := fn(p); err != nil {
			return err
		}
	}
	return nil
}

// CountPages returns how many stored pages f selects.
func (s *Store) CountPages(ctx context.Context, f PageFilter) (int, error) {
	n := 0
	err := s.Pages(ctx, f, func(Page) error { n++; return nil })
	return n, err
}

func pageBuckets(tx *bolt.Tx) (pages, byTime *bolt.Bucket, err error) {
	if pages, err = tx.CreateBucketIfNotExists([]byte(bucketPages)); err != nil {
		return nil, nil, err
	}
	if byTime, err = tx.CreateBucketIfNotExists([]byte(bucketPagesByTime)); err != nil {
		return nil, nil, err
	}
	return pages, byTime, nil
}

// prunePages drops pages fetched before cutoff, then the oldest while
// excess (pages over the bound) is positive, and returns how many it
// dropped. It reads only the keys it drops and one more, so a save costs
// little however many pages are kept.
func prunePages(tx *bolt.Tx, pages, byTime *bolt.Bucket, cutoff time.Time, excess int) (int, error) {
	c := byTime.Cursor()
	var drop [][]byte
	for k, _ := c.First(); k != nil; k, _ = c.Next() {
		if len(k) >= 8 {
			old := time.Unix(0, int64(binary.BigEndian.Uint64(k[:8])))
			if !old.Before(cutoff) && excess <= 0 {
				break
			}
		}
		drop = append(drop, bytes.Clone(k))
		excess--
	}
	for _, k := range drop {
		if err := byTime.Delete(k); err != nil {
			return 0, err
		}
		if len(k) > 8 {
			if err := countSegmentRef(tx, pages.Get(k[8:]), -1); err != nil {
				return 0, err
			}
			if err := pages.Delete(k[8:]); err != nil {
				return 0, err
			}
		}
	}
	return len(drop), nil
}

// pageCount is the number of pages kept, as SavePage counts them.
func pageCount(meta *bolt.Bucket) int {
	v := meta.Get([]byte(keyPageCount))
	if len(v) != 8 {
		return 0
	}
	return int(binary.BigEndian.Uint64(v))
}

func pageTimeKey(t time.Time, url string) []byte {
	k := make([]byte, 8, 8+len(url))
	binary.BigEndian.PutUint64(k, uint64(max(t.UnixNano(), 0)))
	return append(k, url...)
}

// pageMeta returns a record's metadata (Body not set) and its compressed
// body (nil for a legacy record and for a pageFormatRef record, whose
// body is in a segment).
func pageMeta(v []byte) (p Page, packed []byte, err error) {
	if len(v) > 0 && v[0] == pageFormatRef {
		p, _, err := refMeta(v)
		return p, nil, err
	}
	if len(v) == 0 || v[0] != pageFormatS2 {
		var r legacyPageRecord
		if err := json.Unmarshal(v, &r); err != nil {
			return Page{}, nil, fmt.Errorf("%w: %w", ErrCorruptPage, err)
		}
		return r.Page, nil, nil
	}
	n, k := binary.Uvarint(v[1:])
	if k <= 0 || n > uint64(len(v)-1-k) {
		return Page{}, nil, fmt.Errorf("%w: metadata length", ErrCorruptPage)
	}
	meta := v[1+k : 1+k+int(n)]
	if err := json.Unmarshal(meta, &p); err != nil {
		return Page{}, nil, fmt.Errorf("%w: %w", ErrCorruptPage, err)
	}
	return p, v[1+k+int(n):], nil
}

func decodePage(v []byte) (Page, error) {
	if len(v) == 0 || v[0] != pageFormatS2 {
		return decodeLegacyPage(v)
	}
	p, packed, err := pageMeta(v)
	if err != nil {
		return Page{}, err
	}
	if p.Body, err = decodeBody(packed); err != nil {
		return Page{}, err
	}
	return p, nil
}

// decodeBody decompresses an S2 block body of at most MaxPageSize bytes.
func decodeBody(packed []byte) ([]byte, error) {
	size, err := s2.DecodedLen(packed)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptPage, err)
	}
	if size > MaxPageSize {
		return nil, fmt.Errorf("%w: body of %d bytes, limit %d", ErrCorruptPage, size, MaxPageSize)
	}
	body, err := s2.Decode(nil, packed)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrCorruptPage, err)
	}
	return body, nil
}

// decodeLegacyPage reads a record written before pageFormatS2.
func decodeLegacyPage(v []byte) (Page, error) {
	var r legacyPageRecord
	if err := json.Unmarshal(v, &r); err != nil {
		return Page{}, fmt.Errorf("%w: %w", ErrCorruptPage, err)
	}
	zr, err := gzip.NewReader(bytes.NewReader(r.Gzip))
	if err != nil {
		return Page{}, fmt.Errorf("%w: %w", ErrCorruptPage, err)
	}
	body, err := io.ReadAll(io.LimitReader(zr, MaxPageSize+1))
	if err != nil {
		return Page{}, fmt.Errorf("%w: %w", ErrCorruptPage, err)
	}
	r.Page.Body = body
	return r.Page, nil
}
