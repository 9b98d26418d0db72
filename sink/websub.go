package sink

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// The daemon's WebSub subscriptions are kept as one opaque value (see
// websub.Subscriber.Marshal), which holds the hubs' secrets: the store file
// must stay as private as a credential file.
const (
	bucketWebSub = "websub"
	keyWebSub    = "subscriptions"
)

// SaveWebSub replaces the kept WebSub state with data. The bucket is
// created on the first save.
func (s *Store) SaveWebSub(data []byte) error {
	err := s.write(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucketIfNotExists([]byte(bucketWebSub))
		if err != nil {
			return err
		}
		return b.Put([]byte(keyWebSub), data)
	})
	if err != nil {
		return fmt.Errorf("sink: save websub state: %w", err)
	}
	return nil
}

// LoadWebSub returns the kept WebSub state, or nil when none was saved.
func (s *Store) LoadWebSub() ([]byte, error) {
	var data []byte
	err := s.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte(bucketWebSub))
		if b == nil {
			return nil
		}
		if v := b.Get([]byte(keyWebSub)); v != nil {
			data = append([]byte{}, v...)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("sink: load websub state: %w", err)
	}
	return data, nil
}
