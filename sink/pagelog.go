package sink

import (
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"
)

// The kept pages' compressed bodies live outside the bbolt file, in
// append-only segment files in the directory PageDir names: each body is
// appended with write() and read back with pread, never through a memory
// mapping, and the store's pages bucket holds only its metadata and where
// its body is (pageFormatRef). bbolt reads its file through mmap and
// copies every page a commit changes into freed pages all over the file,
// which the next commits read back: bodies kept in the file made most of
// it resident in the daemon (README, "farmcompare").
//
// Crash consistency: a body is appended before the transaction that
// indexes it commits, and the index holds the body's length and CRC-32C.
// The segment is not fsynced, so after a crash the index can name bytes
// that never reached the disk (or a torn tail): the CRC fails, and the
// page is skipped with a warning like any damaged record (ErrCorruptPage).
// It is lost for re-extraction only.
//
// Retention: bucketPageSegs counts the indexed bodies of each segment. A
// segment goes once no page names it and it is not the one being
// appended to. Pages are dropped oldest first (PageRetention,
// StoreOptions.MaxPages) and appended in fetch order, so whole segments
// empty out in turn; a refetched page's old body dies with its segment.
const (
	// pageFormatRef: the byte 0x02, the segment number, the body's offset
	// and length in it (uvarints), its CRC-32C (Castagnoli, 4 bytes big
	// endian), the length of the metadata (uvarint), the metadata (Page
	// as JSON). The body is one S2 block, as in pageFormatS2.
	pageFormatRef = 0x02

	bucketPageSegs = "pages_segs"

	// pageSegmentSize is the size past which a new segment is started.
	pageSegmentSize = 32 << 20

	pageSegmentExt = ".seg"
)

var crcTable = crc32.MakeTable(crc32.Castagnoli)

// PageDir is the directory of a store's page segments: the store file's
// path with ".pages" after it. It belongs with the store file: a copy of
// the store without it keeps the pages' metadata but not their bodies.
func PageDir(storePath string) string { return storePath + ".pages" }

// pageRef is where a kept page's body is.
type pageRef struct {
	seg uint64
	off int64
	n   int
	crc uint32
}

// pageLog appends page bodies to segment files and reads them back.
type pageLog struct {
	dir      string
	readOnly bool
	segSize  int64
	log      *slog.Logger

	mu      sync.Mutex
	oldest  uint64 // the lowest segment that may still be on disk
	cur     uint64 // the segment appended to
	w       *os.File
	size    int64 // bytes in segment cur
	pending map[uint64]int
	readers map[uint64]*os.File
}

// openPageLog finds the segments in dir. Nothing is created until the
// first append, which starts a new segment.
func openPageLog(dir string, readOnly bool, log *slog.Logger) (*pageLog, error) {
	l := &pageLog{dir: dir, readOnly: readOnly, segSize: pageSegmentSize, log: log,
		pending: map[uint64]int{}, readers: map[uint64]*os.File{}}
	entries, err := os.ReadDir(dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("page segments %s: %w", dir, err)
	}
	var segs []uint64
	for _, e := range entries {
		if n, ok := segmentNumber(e.Name()); ok {
			segs = append(segs, n)
		}
	}
	if len(segs) == 0 {
		l.oldest, l.cur = 1, 1
		return l, nil
	}
	// Appends go to a new segment, never after a tail an earlier run may
	// have left torn (and indexed).
	l.oldest, l.cur = slices.Min(segs), slices.Max(segs)+1
	return l, nil
}

func segmentNumber(name string) (uint64, bool) {
	base, ok := strings.CutSuffix(name, pageSegmentExt)
	if !ok {
		return 0, false
	}
	n, err := strconv.ParseUint(base, 10, 64)
	return n, err == nil && n > 0
}

func (l *pageLog) segPath(seg uint64) string {
	return filepath.Join(l.dir, fmt.Sprintf("%08d%s", seg, pageSegmentExt))
}

// append writes body at the end of the current segment, starting a new
// one when it is full. The segment counts the body as pending until done
// is called with the ref, after the transaction that indexes it.
func (l *pageLog) append(body []byte) (pageRef, error) {
	if l.readOnly {
		return pageRef{}, errors.New("page segments: store opened read-only")
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.size > 0 && l.size+int64(len(body)) > l.segSize {
		if err := l.closeWriter(); err != nil {
			return pageRef{}, err
		}
		l.cur, l.size = l.cur+1, 0
	}
	if l.w == nil {
		if err := os.MkdirAll(l.dir, 0o700); err != nil {
			return pageRef{}, fmt.Errorf("page segments %s: %w", l.dir, err)
		}
		f, err := os.OpenFile(l.segPath(l.cur), os.O_WRONLY|os.O_CREATE, 0o600)
		if err != nil {
			return pageRef{}, fmt.Errorf("page segment: %w", err)
		}
		l.w = f
	}
	ref := pageRef{seg: l.cur, off: l.size, n: len(body), crc: crc32.Checksum(body, crcTable)}
	if _, err := l.w.WriteAt(body, l.size); err != nil {
		// The bytes written, if any, are not indexed: skip past them.
		if fi, serr := l.w.Stat(); serr == nil {
			l.size = max(l.size, fi.Size())
		}
		return pageRef{}, fmt.Errorf("page segment %s: %w", l.w.Name(), err)
	}
	l.size += int64(len(body))
	l.pending[ref.seg]++
	return ref, nil
}

// done ends the pending state of an appended body (see append).
func (l *pageLog) done(ref pageRef) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.pending[ref.seg]--; l.pending[ref.seg] <= 0 {
		delete(l.pending, ref.seg)
	}
}

func (l *pageLog) closeWriter() error {
	if l.w == nil {
		return nil
	}
	err := l.w.Close()
	l.w = nil
	if err != nil {
		return fmt.Errorf("page segment: %w", err)
	}
	return nil
}

// read returns the body ref names, checked against its CRC.
func (l *pageLog) read(ref pageRef) ([]byte, error) {
	f, err := l.reader(ref.seg)
	if err != nil {
		return nil, err
	}
	body := make([]byte, ref.n)
	if _, err := f.ReadAt(body, ref.off); err != nil {
		return nil, fmt.Errorf("%w: segment %d at %d: %w", ErrCorruptPage, ref.seg, ref.off, err)
	}
	if crc32.Checksum(body, crcTable) != ref.crc {
		return nil, fmt.Errorf("%w: segment %d at %d: checksum mismatch", ErrCorruptPage, ref.seg, ref.off)
	}
	return body, nil
}

func (l *pageLog) reader(seg uint64) (*os.File, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.readers[seg]; f != nil {
		return f, nil
	}
	f, err := os.Open(l.segPath(seg))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w: segment %d is gone: %w", ErrCorruptPage, seg, err)
	}
	if err != nil {
		return nil, fmt.Errorf("page segment: %w", err)
	}
	l.readers[seg] = f
	return f, nil
}

// dropDead removes the segments, oldest first, that no committed page
// names and no append is pending on; it stops at the first one still in
// use, and never removes the segment being appended to.
func (l *pageLog) dropDead(db *bolt.DB) error {
	for {
		l.mu.Lock()
		seg, cur, busy := l.oldest, l.cur, l.pending[l.oldest] > 0
		l.mu.Unlock()
		if seg >= cur || busy {
			return nil
		}
		var live bool
		if err := db.View(func(tx *bolt.Tx) error {
			b := tx.Bucket([]byte(bucketPageSegs))
			live = b != nil && b.Get(segKey(seg)) != nil
			return nil
		}); err != nil {
			return err
		}
		if live {
			return nil
		}
		if err := l.remove(seg); err != nil {
			return err
		}
	}
}

func (l *pageLog) remove(seg uint64) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if f := l.readers[seg]; f != nil {
		_ = f.Close()
		delete(l.readers, seg)
	}
	if err := os.Remove(l.segPath(seg)); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("page segment: %w", err)
	}
	l.log.Debug("page segment removed: no kept page is in it", "segment", l.segPath(seg))
	l.oldest = max(l.oldest, seg+1)
	return nil
}

// close closes every open segment file.
func (l *pageLog) close() error {
	l.mu.Lock()
	defer l.mu.Unlock()
	errs := []error{l.closeWriter()}
	for seg, f := range l.readers {
		errs = append(errs, f.Close())
		delete(l.readers, seg)
	}
	return errors.Join(errs...)
}

func segKey(seg uint64) []byte { return binary.BigEndian.AppendUint64(nil, seg) }

// countSegmentRef adds delta to the count of indexed bodies of the
// segment that page record v names (nothing for a record holding its
// body), and deletes the count when it reaches zero.
func countSegmentRef(tx *bolt.Tx, v []byte, delta int) error {
	if len(v) == 0 || v[0] != pageFormatRef {
		return nil
	}
	ref, _, err := parseRef(v)
	if err != nil {
		return nil // a damaged record: its segment is not counted by it
	}
	b, err := tx.CreateBucketIfNotExists([]byte(bucketPageSegs))
	if err != nil {
		return err
	}
	k := segKey(ref.seg)
	n := delta
	if old := b.Get(k); len(old) == 8 {
		n += int(binary.BigEndian.Uint64(old))
	}
	if n <= 0 {
		return b.Delete(k)
	}
	return b.Put(k, binary.BigEndian.AppendUint64(nil, uint64(n)))
}

// encodeRef is a pageFormatRef record.
func encodeRef(ref pageRef, meta []byte) []byte {
	rec := make([]byte, 0, 1+4*binary.MaxVarintLen64+4+len(meta))
	rec = append(rec, pageFormatRef)
	rec = binary.AppendUvarint(rec, ref.seg)
	rec = binary.AppendUvarint(rec, uint64(ref.off))
	rec = binary.AppendUvarint(rec, uint64(ref.n))
	rec = binary.BigEndian.AppendUint32(rec, ref.crc)
	rec = binary.AppendUvarint(rec, uint64(len(meta)))
	return append(rec, meta...)
}

// parseRef reads a pageFormatRef record: where the body is, and the
// metadata (JSON).
func parseRef(v []byte) (pageRef, []byte, error) {
	rest := v[1:]
	var fields [3]uint64
	for i := range fields {
		n, k := binary.Uvarint(rest)
		if k <= 0 {
			return pageRef{}, nil, fmt.Errorf("%w: body reference", ErrCorruptPage)
		}
		fields[i], rest = n, rest[k:]
	}
	if len(rest) < 4 || fields[2] > MaxPageSize*2 || fields[1] > 1<<62 {
		return pageRef{}, nil, fmt.Errorf("%w: body reference", ErrCorruptPage)
	}
	ref := pageRef{seg: fields[0], off: int64(fields[1]), n: int(fields[2]), crc: binary.BigEndian.Uint32(rest)}
	rest = rest[4:]
	n, k := binary.Uvarint(rest)
	if k <= 0 || n > uint64(len(rest)-k) {
		return pageRef{}, nil, fmt.Errorf("%w: metadata length", ErrCorruptPage)
	}
	return ref, rest[k : k+int(n)], nil
}
