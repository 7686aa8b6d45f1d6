// Package store is the final node's database: one bbolt file in the
// node's data directory that holds what the node keeps across restarts
// (its identity and secrets, its address book, its bans and anchors,
// its pending transactions, its blocks and the main chain's index).
//
// bbolt takes an exclusive lock on the file, so a second node started on
// the same data directory fails at once with ErrLocked. A file that is
// not a database, or whose contents do not decode, fails with ErrCorrupt
// and the file's path: the store never starts afresh over data it could
// not read.
package store

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Where the database lives, and how it is opened.
const (
	// FileName is the database's name in the data directory.
	FileName = "peerchain.db"
	// LockTimeout is how long Open waits for another process to let go
	// of the file before it gives up with ErrLocked: long enough for a
	// node that is stopping to close it, short enough that a second node
	// on the same directory fails at once.
	LockTimeout = 500 * time.Millisecond
	// FileMode is the database's permissions: it holds the node's
	// secrets, so only its owner may read it.
	FileMode os.FileMode = 0o600
	// DirMode is the data directory's, when Open creates it.
	DirMode os.FileMode = 0o700
	// FormatVersion is the layout this package writes; a file of
	// another is refused rather than misread.
	FormatVersion = 1
)

// Errors Open and the loaders return, wrapped with the file's path.
var (
	// ErrLocked: another process has the database open.
	ErrLocked = errors.New("database is in use by another process")
	// ErrCorrupt: the file is not a peerchain database, or something in
	// it does not decode.
	ErrCorrupt = errors.New("database is corrupt")
)

// Buckets, one per kind of record.
var (
	bucketMeta     = []byte("meta")     // format version
	bucketIdentity = []byte("identity") // the node's secrets
	bucketBook     = []byte("addrbook") // address -> KnownAddr
	bucketBans     = []byte("bans")     // ban key -> Ban
	bucketAnchors  = []byte("anchors")  // index -> address
	bucketMempool  = []byte("mempool")  // index -> a transaction's encoding
	bucketBlocks   = []byte("blocks")   // block hash -> the block's encoding
	bucketChain    = []byte("chain")    // height -> the main chain's hash there
	keyVersion     = []byte("version")
	allBuckets     = [][]byte{bucketMeta, bucketIdentity, bucketBook, bucketBans,
		bucketAnchors, bucketMempool, bucketBlocks, bucketChain}
)

// Store is an open database. Its methods are safe for concurrent use.
type Store struct {
	db   *bolt.DB
	path string
}

// Open opens, or creates, the database in dir (creating dir too).
func Open(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("store: no data directory given")
	}
	if err := os.MkdirAll(dir, DirMode); err != nil {
		return nil, fmt.Errorf("data directory %s: %w", dir, err)
	}
	path := filepath.Join(dir, FileName)
	db, err := openBolt(path)
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path}
	if err := s.init(); err != nil {
		db.Close()
		return nil, err
	}
	return s, nil
}

// openBolt opens the file, telling a lock held elsewhere and a file that
// is not a database apart from other failures. bbolt panics on some
// damaged files; that is corruption too.
func openBolt(path string) (db *bolt.DB, err error) {
	defer func() {
		if r := recover(); r != nil {
			db, err = nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, r)
		}
	}()
	db, err = bolt.Open(path, FileMode, &bolt.Options{Timeout: LockTimeout})
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, fmt.Errorf("%w: %s", ErrLocked, path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch),
		errors.Is(err, berrors.ErrChecksum), errors.Is(err, berrors.ErrInvalidMapping):
		return nil, fmt.Errorf("%w: %s: %v", ErrCorrupt, path, err)
	}
	return nil, fmt.Errorf("database %s: %w", path, err)
}

// init makes the buckets of a new file, and checks an old one's format.
func (s *Store) init() error {
	return s.update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return fmt.Errorf("%w: %s: bucket %s: %v", ErrCorrupt, s.path, name, err)
			}
		}
		meta := tx.Bucket(bucketMeta)
		v := meta.Get(keyVersion)
		if v == nil {
			return meta.Put(keyVersion, []byte{FormatVersion})
		}
		if len(v) != 1 || v[0] != FormatVersion {
			return fmt.Errorf("%w: %s: format version %v, this node reads %d",
				ErrCorrupt, s.path, v, FormatVersion)
		}
		return nil
	})
}

// Path is the database file's path.
func (s *Store) Path() string { return s.path }

// Close closes the database and lets go of its lock.
func (s *Store) Close() error { return s.db.Close() }

// view runs f in a read transaction, turning a bbolt panic on a damaged
// page into ErrCorrupt.
func (s *Store) view(f func(tx *bolt.Tx) error) (err error) {
	defer s.recoverCorrupt(&err)
	return s.db.View(f)
}

// update runs f in a write transaction, as view does.
func (s *Store) update(f func(tx *bolt.Tx) error) (err error) {
	defer s.recoverCorrupt(&err)
	return s.db.Update(f)
}

func (s *Store) recoverCorrupt(err *error) {
	if r := recover(); r != nil {
		*err = fmt.Errorf("%w: %s: %v", ErrCorrupt, s.path, r)
	}
}
