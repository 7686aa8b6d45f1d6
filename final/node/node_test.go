package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/final/api"
	"peerchain/final/store"
)

// testSeedTimeout is the devnet's: a seed on loopback that has
// addresses gives them in milliseconds.
const testSeedTimeout = time.Second

// running is a node started by a test, stopped when it ends.
type running struct {
	*Node
	dir  string
	stop context.CancelFunc
	done chan error
}

func start(t *testing.T, dir string, seeds ...string) *running {
	t.Helper()
	n, err := New(Config{DataDir: dir, Listen: "127.0.0.1:0", API: "127.0.0.1:0", Seeds: seeds, SeedTimeout: testSeedTimeout})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Node: n, dir: dir, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- n.Run(ctx) }()
	t.Cleanup(func() { r.halt(t) })
	return r
}

// halt stops the node and waits for it.
func (r *running) halt(t *testing.T) {
	t.Helper()
	r.stop()
	select {
	case err, ok := <-r.done:
		if ok {
			assert.NoError(t, err)
			close(r.done)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("node did not stop")
	}
}

// eventually polls cond until it holds or the deadline passes.
func eventually(t *testing.T, what string, d time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting until %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func status(t *testing.T, n *running) api.Status {
	t.Helper()
	s, err := n.Status(context.Background())
	require.NoError(t, err)
	return s
}

func TestNodesFindEachOther(t *testing.T) {
	t.Parallel() // each its own nodes, ports and directories
	root := t.TempDir()
	seed := start(t, filepath.Join(root, "seed"))
	var nodes = []*running{seed}
	for i := range 3 {
		nodes = append(nodes, start(t, filepath.Join(root, fmt.Sprint("n", i)), seed.Listen()))
	}
	eventually(t, "every node is connected to every other", 20*time.Second, func() bool {
		for _, n := range nodes {
			if !Ready(status(t, n), len(nodes)) {
				return false
			}
		}
		return true
	})
	s := status(t, nodes[1])
	assert.Equal(t, nodes[1].Listen(), s.Listen)
	assert.Equal(t, 3, s.Peers())
	assert.Equal(t, 8, s.OutboundTarget)
	ps, err := nodes[1].Peers(context.Background())
	require.NoError(t, err)
	assert.Len(t, ps, 3)
	book, err := nodes[1].Book(context.Background())
	require.NoError(t, err)
	assert.GreaterOrEqual(t, book.New+book.Tried, 3, "it has heard of the others")
}

func TestBanAndRestart(t *testing.T) {
	t.Parallel() // each its own nodes, ports and directories
	root := t.TempDir()
	a := start(t, filepath.Join(root, "a"))
	b := start(t, filepath.Join(root, "b"))
	c := start(t, filepath.Join(root, "c"))
	require.NoError(t, a.Connect(context.Background(), b.Listen()))
	require.NoError(t, a.Connect(context.Background(), c.Listen()))
	eventually(t, "a is connected to b and c", 10*time.Second, func() bool { return status(t, a).Peers() == 2 })

	sub, err := a.hub.Subscribe()
	require.NoError(t, err)
	ban, err := a.Ban(context.Background(), api.BanRequest{Addr: b.Listen(), Reason: "test"})
	require.NoError(t, err)
	assert.Equal(t, b.Listen(), ban.Key, "a loopback address is banned whole")
	assert.Equal(t, "test", ban.Reason)
	eventually(t, "b is gone", 10*time.Second, func() bool { return status(t, a).Peers() == 1 })
	assert.Eventually(t, func() bool {
		for {
			select {
			case ev := <-sub.Events():
				if ev.Type == EventBanned {
					return true
				}
			default:
				return false
			}
		}
	}, 5*time.Second, 10*time.Millisecond, "the ban is on the stream")

	connects := []struct {
		name, addr, wantErr string
	}{
		{name: "a banned address", addr: b.Listen(), wantErr: "is banned"},
		{name: "a peer it has", addr: c.Listen(), wantErr: "connected to " + c.Listen() + " already"},
		{name: "itself", addr: a.Listen(), wantErr: "is this node"},
		{name: "not an address", addr: "c", wantErr: `"c" is not IP:PORT`},
	}
	for _, tt := range connects {
		err := a.Connect(context.Background(), tt.addr)
		assert.ErrorIs(t, err, api.ErrBadRequest, tt.name)
		assert.ErrorContains(t, err, tt.wantErr, tt.name)
	}

	nobody, err := a.Ban(context.Background(), api.BanRequest{Addr: "127.0.0.1:1", Reason: "never seen"})
	require.NoError(t, err, "an address nobody is connected from can be banned too")
	assert.Equal(t, "127.0.0.1:1", nobody.Key)
	_, err = a.Ban(context.Background(), api.BanRequest{Addr: "nonsense"})
	assert.ErrorIs(t, err, api.ErrBadRequest)

	a.halt(t)
	db, err := store.Open(a.dir)
	require.NoError(t, err)
	bans, err := db.LoadBans()
	require.NoError(t, err)
	book, err := db.LoadBook()
	require.NoError(t, err)
	require.NoError(t, db.Close())
	require.Len(t, bans, 2)
	assert.ElementsMatch(t, []string{b.Listen(), "127.0.0.1:1"}, []string{bans[0].Key, bans[1].Key})
	assert.NotEmpty(t, book, "the book is saved")
	_, err = os.Stat(filepath.Join(a.dir, api.CookieFile))
	assert.ErrorIs(t, err, os.ErrNotExist, "the cookie goes with the node")

	again := startAt(t, a.dir, a.Listen())
	bs, err := again.Bans(context.Background())
	require.NoError(t, err)
	require.Len(t, bs, 2, "the bans survive the restart")
	s := status(t, again)
	assert.Positive(t, s.Book.New+s.Book.Tried, "so does the address book")
}

// startAt starts a node on a given listen address: a restart.
func startAt(t *testing.T, dir, listen string) *running {
	t.Helper()
	n, err := New(Config{DataDir: dir, Listen: listen, API: "127.0.0.1:0"})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Node: n, dir: dir, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- n.Run(ctx) }()
	t.Cleanup(func() { r.halt(t) })
	return r
}

func TestNewFails(t *testing.T) {
	t.Parallel() // each its own nodes, ports and directories
	inUse := t.TempDir()
	start(t, inUse)
	corrupt := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(corrupt, store.FileName), []byte("not a database at all, not at all"), 0o600))
	tests := []struct {
		name    string
		cfg     Config
		wantErr string
	}{
		{name: "no data directory", cfg: Config{}, wantErr: "no data directory (--datadir)"},
		{name: "a second node on one directory", cfg: Config{DataDir: inUse, Listen: "127.0.0.1:0", API: "127.0.0.1:0"},
			wantErr: "another node runs on data directory " + inUse},
		{name: "a corrupt database", cfg: Config{DataDir: corrupt, Listen: "127.0.0.1:0", API: "127.0.0.1:0"},
			wantErr: filepath.Join(corrupt, store.FileName)},
		{name: "a bad listen address", cfg: Config{DataDir: t.TempDir(), Listen: "here"}, wantErr: `--listen "here": want IP:PORT`},
		{name: "a public API", cfg: Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", API: "0.0.0.0:0"}, wantErr: "--api-public"},
		{name: "a bad seed", cfg: Config{DataDir: t.TempDir(), Seeds: []string{"seed.example"}}, wantErr: `--seed "seed.example"`},
		{name: "a port in use", cfg: Config{DataDir: t.TempDir(), Listen: "127.0.0.1:0", API: mustEndpoints(t, inUse).API},
			wantErr: "address already in use"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.cfg)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func mustEndpoints(t *testing.T, dir string) Endpoints {
	t.Helper()
	var e Endpoints
	eventually(t, "the endpoints file is written", 5*time.Second, func() bool {
		var err error
		e, err = ReadEndpoints(dir)
		return err == nil
	})
	return e
}
