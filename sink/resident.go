package sink

import (
	"time"

	bolt "go.etcd.io/bbolt"
)

// releaseEvery is how often, at most, a write gives the store file's
// mapped pages back (see release). Each release makes the next commits
// fault their hot pages back in: every 50 ms that cost about a tenth of
// the daemon's CPU on the 2,000-site farm; every 250 ms holds peak RSS
// at 400 MB there for a fifth of that.
const releaseEvery = 250 * time.Millisecond

// write runs fn in a read-write transaction and then gives the mapped
// pages back if it is time to (release).
func (s *Store) write(fn func(*bolt.Tx) error) error {
	err := s.db.Update(fn)
	s.release()
	return err
}

// batchWrite is write through bbolt's DB.Batch, which merges concurrent
// calls into one transaction.
func (s *Store) batchWrite(fn func(*bolt.Tx) error) error {
	err := s.db.Batch(fn)
	s.release()
	return err
}

// release drops the store file's pages from this process's memory
// mapping, at most once every releaseEvery; the writes call it. bbolt
// reads the file through one shared, read-only mapping of all of it, and
// every page a transaction reads stays mapped, counted in the process's
// resident memory, until the mapping is dropped: the pages a commit
// copies land in freed pages anywhere in the file and are read back by
// later commits, so after a few thousand commits most of the file is
// resident. MADV_DONTNEED removes the process's mappings of those pages
// (the file's data stays in the kernel's page cache, which can reclaim
// it); the next read of a page maps it again from the cache. The read
// transaction keeps bbolt from remapping the file meanwhile, so the range
// given back is the mapping's. Releasing is best effort: a failure is
// logged and changes nothing else.
func (s *Store) release() {
	now := time.Now().UnixNano()
	last := s.releasedAt.Load()
	if now-last < int64(s.releaseEvery) || !s.releasedAt.CompareAndSwap(last, now) {
		return
	}
	err := s.db.View(func(tx *bolt.Tx) error {
		return dropMapped(s.db.Info().Data, tx.Size())
	})
	if err != nil {
		s.log.Warn("sink: give back the store file's mapped pages", "path", s.db.Path(), "error", err)
	}
}
