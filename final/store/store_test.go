package store

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	bolt "go.etcd.io/bbolt"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

func openT(t *testing.T, dir string) *Store {
	t.Helper()
	s, err := Open(dir)
	require.NoError(t, err)
	return s
}

func TestReopenKeepsWhatWasSaved(t *testing.T) {
	dir := t.TempDir()
	book := []KnownAddr{
		{Addr: "127.0.0.1:7001", Services: 1, LastSeen: t0, Source: "127.0.0.1:7000", Tried: true, LastSuccess: t0},
		{Addr: "127.0.0.1:7002", LastSeen: t0.Add(-time.Hour), Source: "127.0.0.1:7001", Attempts: 2, RetryAt: t0.Add(time.Minute)},
	}
	bans := []Ban{{Key: "127.0.0.1:7666", Until: t0.Add(24 * time.Hour), Reason: "unknown commands"}}
	anchors := []string{"127.0.0.1:7002", "127.0.0.1:7001"}
	mempool := [][]byte{{0xfc, 0x8e, 0x00}, {0x01}, {0xff, 0xfe}}

	s := openT(t, dir)
	id, err := s.Identity(t0)
	require.NoError(t, err)
	require.NoError(t, s.SaveBook(book))
	require.NoError(t, s.SaveBans(bans))
	require.NoError(t, s.SaveAnchors(anchors))
	require.NoError(t, s.SaveMempool(mempool))
	require.NoError(t, s.Close())

	s = openT(t, dir)
	defer s.Close()
	again, err := s.Identity(t0.Add(time.Hour))
	require.NoError(t, err)
	assert.Equal(t, id, again, "the identity is made once")
	assert.NotEqual(t, [32]byte{}, id.BookKey)
	gotBook, err := s.LoadBook()
	require.NoError(t, err)
	assert.Equal(t, book, gotBook)
	gotBans, err := s.LoadBans()
	require.NoError(t, err)
	assert.Equal(t, bans, gotBans)
	gotAnchors, err := s.LoadAnchors()
	require.NoError(t, err)
	assert.Equal(t, anchors, gotAnchors, "anchors keep their order")
	gotMempool, err := s.LoadMempool()
	require.NoError(t, err)
	assert.Equal(t, mempool, gotMempool, "transactions keep their order and bytes")

	info, err := os.Stat(s.Path())
	require.NoError(t, err)
	assert.Equal(t, FileMode, info.Mode().Perm(), "the file holds secrets")
}

func TestSaveReplaces(t *testing.T) {
	s := openT(t, t.TempDir())
	defer s.Close()
	require.NoError(t, s.SaveBans([]Ban{{Key: "a"}, {Key: "b"}}))
	require.NoError(t, s.SaveBans([]Ban{{Key: "c"}}))
	got, err := s.LoadBans()
	require.NoError(t, err)
	assert.Equal(t, []Ban{{Key: "c"}}, got)
}

func TestSaveBounds(t *testing.T) {
	s := openT(t, t.TempDir())
	defer s.Close()
	tests := []struct {
		name string
		save func() error
		want string
	}{
		{name: "book", save: func() error { return s.SaveBook(make([]KnownAddr, MaxBookEntries+1)) }, want: "limit 131072"},
		{name: "bans", save: func() error { return s.SaveBans(make([]Ban, MaxBans+1)) }, want: "limit 16384"},
		{name: "mempool", save: func() error { return s.SaveMempool(make([][]byte, MaxMempool+1)) }, want: "limit 131072"},
		{name: "anchors", save: func() error { return s.SaveAnchors(make([]string, MaxAnchors+1)) }, want: "limit 64"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.ErrorContains(t, tt.save(), tt.want)
		})
	}
}

func TestSecondOpenFailsAtOnce(t *testing.T) {
	dir := t.TempDir()
	s := openT(t, dir)
	defer s.Close()
	start := time.Now()
	_, err := Open(dir)
	assert.ErrorIs(t, err, ErrLocked)
	assert.ErrorContains(t, err, filepath.Join(dir, FileName))
	assert.Less(t, time.Since(start), 5*LockTimeout, "it does not wait for the first to stop")
}

func TestOpenAfterCloseWorks(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, openT(t, dir).Close())
	s, err := Open(dir)
	require.NoError(t, err, "the lock goes with the first store")
	assert.NoError(t, s.Close())
}

func TestCorruptFile(t *testing.T) {
	tests := []struct {
		name    string
		damage  func(t *testing.T, path string)
		wantErr string
	}{
		{name: "not a database", damage: func(t *testing.T, path string) {
			require.NoError(t, os.WriteFile(path, []byte("this is not a bbolt file, but it is long enough to look at"), FileMode))
		}, wantErr: "invalid"},
		{name: "a zeroed first page", damage: func(t *testing.T, path string) {
			f, err := os.OpenFile(path, os.O_WRONLY, 0)
			require.NoError(t, err)
			_, err = f.WriteAt(make([]byte, 8192), 0)
			require.NoError(t, err)
			require.NoError(t, f.Close())
		}, wantErr: ""},
		{name: "another format version", damage: func(t *testing.T, path string) {
			putRaw(t, path, bucketMeta, keyVersion, []byte{99})
		}, wantErr: "format version [99]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, openT(t, dir).Close())
			path := filepath.Join(dir, FileName)
			tt.damage(t, path)
			before, err := os.ReadFile(path)
			require.NoError(t, err)

			_, err = Open(dir)
			require.ErrorIs(t, err, ErrCorrupt)
			assert.ErrorContains(t, err, path, "the error names the file")
			assert.ErrorContains(t, err, tt.wantErr)
			after, err := os.ReadFile(path)
			require.NoError(t, err)
			assert.Equal(t, before, after, "never a silent reset")
		})
	}
}

func TestCorruptRecord(t *testing.T) {
	tests := []struct {
		name    string
		bucket  []byte
		key     []byte
		value   []byte
		load    func(s *Store) error
		wantErr string
	}{
		{name: "book entry", bucket: bucketBook, key: []byte("127.0.0.1:1"), value: []byte("{not json"),
			load: func(s *Store) error { _, err := s.LoadBook(); return err }, wantErr: `addrbook record "127.0.0.1:1"`},
		{name: "book entry under another key", bucket: bucketBook, key: []byte("127.0.0.1:1"), value: []byte(`{"addr":"127.0.0.1:2"}`),
			load: func(s *Store) error { _, err := s.LoadBook(); return err }, wantErr: `holds address "127.0.0.1:2"`},
		{name: "ban", bucket: bucketBans, key: []byte("x"), value: []byte(`{"until":"yesterday"}`),
			load: func(s *Store) error { _, err := s.LoadBans(); return err }, wantErr: `bans record "x"`},
		{name: "anchor", bucket: bucketAnchors, key: []byte{0, 0, 0, 0}, value: []byte(`7`),
			load: func(s *Store) error { _, err := s.LoadAnchors(); return err }, wantErr: "anchors record"},
		{name: "a transaction that is not hex", bucket: bucketMempool, key: []byte{0, 0, 0, 0}, value: []byte(`"xyz"`),
			load: func(s *Store) error { _, err := s.LoadMempool(); return err }, wantErr: "mempool record"},
		{name: "a transaction that is not a string", bucket: bucketMempool, key: []byte{0, 0, 0, 1}, value: []byte(`7`),
			load: func(s *Store) error { _, err := s.LoadMempool(); return err }, wantErr: "mempool record"},
		{name: "identity", bucket: bucketIdentity, key: keyIdentity, value: []byte(`[]`),
			load: func(s *Store) error { _, err := s.Identity(t0); return err }, wantErr: `identity record "identity"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			require.NoError(t, openT(t, dir).Close())
			path := filepath.Join(dir, FileName)
			putRaw(t, path, tt.bucket, tt.key, tt.value)
			s := openT(t, dir)
			defer s.Close()
			err := tt.load(s)
			require.ErrorIs(t, err, ErrCorrupt)
			assert.ErrorContains(t, err, path)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestOpenNeedsADirectory(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(file, nil, 0o600))
	tests := []struct {
		name, dir, want string
	}{
		{name: "none", dir: "", want: "no data directory"},
		{name: "a file", dir: file, want: "data directory " + file},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Open(tt.dir)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// putRaw writes a record straight into a closed database file.
func putRaw(t *testing.T, path string, bucket, key, value []byte) {
	t.Helper()
	db, err := bolt.Open(path, FileMode, nil)
	require.NoError(t, err)
	require.NoError(t, db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucket).Put(key, value)
	}))
	require.NoError(t, db.Close())
}
