package store

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Identity is what makes a node the same node after a restart: the
// secret key its address book hashes buckets with (an attacker who knew
// it could aim addresses at chosen buckets), and when it was made.
type Identity struct {
	BookKey [32]byte  `json:"book_key"`
	Created time.Time `json:"created"`
}

var keyIdentity = []byte("identity")

// Identity returns the node's identity, making and saving a new one,
// from crypto/rand, the first time.
func (s *Store) Identity(now time.Time) (Identity, error) {
	var id Identity
	err := s.update(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketIdentity)
		if raw := b.Get(keyIdentity); raw != nil {
			if err := json.Unmarshal(raw, &id); err != nil {
				return s.corrupt(bucketIdentity, keyIdentity, err)
			}
			return nil
		}
		if _, err := rand.Read(id.BookKey[:]); err != nil {
			return fmt.Errorf("new identity: %w", err)
		}
		id.Created = now.UTC()
		raw, err := json.Marshal(id)
		if err != nil {
			return err
		}
		return b.Put(keyIdentity, raw)
	})
	return id, err
}

// corrupt is the error of a record that does not decode.
func (s *Store) corrupt(bucket, key []byte, err error) error {
	return fmt.Errorf("%w: %s: %s record %q: %v", ErrCorrupt, s.path, bucket, key, err)
}
