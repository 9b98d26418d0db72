package sink

import (
	"encoding/binary"
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The near-duplicate index is kept in the store as one snapshot (see
// dedupe.Index.WriteTo) with the stream sequence it covers, so a restarted
// daemon reads it and follows the stream from there instead of replaying
// the whole dedupe window.
const (
	bucketIndex    = "index"
	keyIndexData   = "snapshot"
	keyIndexSeqVal = "seq"
)

// SaveIndexSnapshot replaces the kept index snapshot with data, which
// covers the stream up to sequence seq.
func (s *Store) SaveIndexSnapshot(data []byte, seq uint64) error {
	var v [8]byte
	binary.BigEndian.PutUint64(v[:], seq)
	err := s.write(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketIndex))
		if err != nil {
			return err
		}
		if err := b.Put([]byte(keyIndexData), data); err != nil {
			return err
		}
		return b.Put([]byte(keyIndexSeqVal), v[:])
	})
	if err != nil {
		return fmt.Errorf("sink: save index snapshot: %w", err)
	}
	return nil
}

// LoadIndexSnapshot returns the kept index snapshot and the stream
// sequence it covers; nil data when there is none.
func (s *Store) LoadIndexSnapshot() (data []byte, seq uint64, err error) {
	err = s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketIndex))
		if b == nil {
			return nil
		}
		d, v := b.Get([]byte(keyIndexData)), b.Get([]byte(keyIndexSeqVal))
		if d == nil || len(v) != 8 {
			return nil
		}
		data = append([]byte(nil), d...)
		seq = binary.BigEndian.Uint64(v)
		return nil
	})
	if err != nil {
		return nil, 0, fmt.Errorf("sink: load index snapshot: %w", err)
	}
	return data, seq, nil
}
