package node

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	peers "peerchain/chapters/03-peers"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	"peerchain/final/api"
	"peerchain/final/store"
)

// startWith starts a node of cfg on free ports, stopped when the test
// ends.
func startWith(t *testing.T, cfg Config) *running {
	t.Helper()
	cfg.Listen, cfg.API, cfg.SeedTimeout = "127.0.0.1:0", "127.0.0.1:0", testSeedTimeout
	n, err := New(cfg)
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	r := &running{Node: n, dir: cfg.DataDir, stop: cancel, done: make(chan error, 1)}
	go func() { r.done <- n.Run(ctx) }()
	t.Cleanup(func() { r.halt(t) })
	return r
}

// publishBlock hands the node a block as its miner does.
func publishBlock(t *testing.T, n *running, b *blocks.Block) {
	t.Helper()
	require.NoError(t, n.inject(context.Background(), transactions.Name, broadcast.Publish{
		Item: broadcast.Item{Type: blocks.BlockItem, ID: broadcast.ID(b.Hash()), Data: mustBytes(t, b)}}))
}

// TestBlocksRelayAndRestart: blocks published at one node reach
// another, out of order too; the API shows them; a restarted node has
// its chain back from the store.
func TestBlocksRelayAndRestart(t *testing.T) {
	t.Parallel() // its own nodes, ports and directories
	fx := loadFixture(t)
	dirA := t.TempDir()
	a := startWith(t, Config{DataDir: dirA})
	b := startWith(t, Config{DataDir: t.TempDir(), Seeds: []string{a.Listen()}})
	eventually(t, "the nodes connect", 10*time.Second, func() bool { return status(t, b).Peers() == 1 })
	sub, err := b.hub.Subscribe()
	require.NoError(t, err)
	defer sub.Close()

	for _, i := range []int{0, 2, 1, 3, 4, 5} { // block 3 before block 2: kept aside
		publishBlock(t, a, fx.main[i])
	}
	tip := fx.main[5].Hash().String()
	for _, n := range []*running{a, b} {
		eventually(t, "both at the tip", 10*time.Second, func() bool {
			s := status(t, n)
			return s.Height == 6 && s.Tip == tip
		})
	}

	// Its event stream showed each block as it came, in height order.
	var heights []uint64
	for len(heights) < 6 {
		select {
		case e := <-sub.Events():
			if e.Type != EventBlock {
				continue
			}
			var got api.BlockSummary
			require.NoError(t, json.Unmarshal(e.Data, &got))
			heights = append(heights, got.Height)
		case <-time.After(10 * time.Second):
			t.Fatalf("block events: %v, want 6", heights)
		}
	}
	assert.Equal(t, []uint64{1, 2, 3, 4, 5, 6}, heights)

	ctx := context.Background()
	list, err := b.Blocks(ctx)
	require.NoError(t, err)
	require.Len(t, list.Blocks, 6)
	assert.Equal(t, tip, list.Blocks[0].Hash, "the tip first")
	assert.Equal(t, uint64(1), list.Blocks[5].Height)

	third, err := b.Block(ctx, "3")
	require.NoError(t, err)
	assert.Equal(t, fx.main[2].Hash().String(), third.Hash)
	assert.Equal(t, uint64(4), third.Confirmations)
	require.Len(t, third.Transactions, 1)
	assert.Equal(t, fixtureTx.ID().Hex(), third.Transactions[0].ID)
	byHash, err := b.Block(ctx, third.Hash)
	require.NoError(t, err)
	assert.Equal(t, third, byHash)
	genesis, err := b.Block(ctx, "0")
	require.NoError(t, err)
	assert.Equal(t, blocks.DevNet.Genesis.Hash().String(), genesis.Hash)

	for _, id := range []string{"7", fx.side[0].Hash().String()} {
		_, err := b.Block(ctx, id)
		assert.ErrorIs(t, err, api.ErrNotFound, id)
	}
	for _, id := range []string{"-1", "tip", "00ff"} {
		_, err := b.Block(ctx, id)
		assert.ErrorIs(t, err, api.ErrBadRequest, id)
	}
	hs, err := b.Headers(ctx, 5, 10)
	require.NoError(t, err)
	require.Len(t, hs.Headers, 2)
	assert.Equal(t, tip, hs.Headers[1].Hash)
	raw := fx.main[5].Header.Bytes()
	assert.Equal(t, hex.EncodeToString(raw[:]), hs.Headers[1].Hex, "the header's 80 bytes")

	a.halt(t)
	again := startWith(t, Config{DataDir: dirA})
	s := status(t, again)
	assert.Equal(t, uint64(6), s.Height, "the chain is back from the store")
	assert.Equal(t, tip, s.Tip)
	acc, err := again.Account(ctx, DevnetKey(2).Address().String())
	require.NoError(t, err)
	assert.Equal(t, uint64(DevnetBalance)+fixtureTx.Amount, acc.Balance, "and its state")

	// A node that starts now gets the chain from chapter 11's sync
	// alone: the restarted node's broadcast holds no block to offer.
	late := startWith(t, Config{DataDir: t.TempDir(), Seeds: []string{again.Listen()}})
	// Dial it too: a seed connection may close once it has given its
	// addresses, and the sync then waits for the next connection.
	_ = late.Connect(ctx, again.Listen()) // refused if the seed is kept: fine
	eventually(t, "the late node synced", 30*time.Second, func() bool {
		s := status(t, late)
		return s.Height == 6 && s.Tip == tip && s.Synced && s.Headers == 6
	})
	acc, err = late.Account(ctx, DevnetKey(2).Address().String())
	require.NoError(t, err)
	assert.Equal(t, uint64(DevnetBalance)+fixtureTx.Amount, acc.Balance, "block 3's transfer applied")
}

// TestMinerMines: a mining node's height grows, and its blocks pay
// the address it was given.
func TestMinerMines(t *testing.T) {
	t.Parallel()
	to := DevnetKey(3).Address()
	n := startWith(t, Config{DataDir: t.TempDir(), Mine: true, MineTo: to})
	eventually(t, "two blocks mined", 60*time.Second, func() bool { return status(t, n).Height >= 2 })
	blk, err := n.Block(context.Background(), "1")
	require.NoError(t, err)
	assert.Equal(t, to.String(), blk.Miner)
	assert.Equal(t, blocks.DevNet.SubsidyAt(1), blk.Reward)
}

// TestStoredBlockCorrupt: a stored block that is not one stops the
// node at its start, with where and what.
func TestStoredBlockCorrupt(t *testing.T) {
	dir := t.TempDir()
	db, err := store.Open(dir)
	require.NoError(t, err)
	require.NoError(t, db.SaveBlock(1, [32]byte{1}, []byte("not a block")))
	require.NoError(t, db.Close())
	_, err = New(Config{DataDir: dir, Listen: "127.0.0.1:0", API: "127.0.0.1:0"})
	require.ErrorIs(t, err, store.ErrCorrupt)
	assert.ErrorContains(t, err, "block at height 1")
	assert.ErrorContains(t, err, "move the file away")
}

// TestMineConfig: --mine needs an address to pay.
func TestMineConfig(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
		want string
	}{
		{"mine without an address", Config{Mine: true}, "--mine needs --mine-to"},
		{"negative threads", Config{MineThreads: -1}, "--mine-threads -1"},
		{"too many threads", Config{MineThreads: MaxMineThreads + 1}, "want 1 to 256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.cfg.DataDir = t.TempDir()
			_, err := New(tt.cfg)
			require.ErrorIs(t, err, ErrConfig)
			assert.ErrorContains(t, err, tt.want)
		})
	}
}

// TestBadBlockFromAPeer: over real TCP, a peer that pushes a valid
// block of another branch costs nothing and stays; one that then pushes
// a block breaking a rule is banned, and the node, its chain and its
// API go on.
func TestBadBlockFromAPeer(t *testing.T) {
	t.Parallel()
	fx := loadFixture(t)
	n := startWith(t, Config{DataDir: t.TempDir()})
	publishBlock(t, n, fx.main[0])
	eventually(t, "the node at height 1", 10*time.Second, func() bool { return status(t, n).Height == 1 })

	reg, err := transactions.Registry()
	require.NoError(t, err)
	cfg := peers.DefaultConfig()
	cfg.Registry, cfg.Nonce = reg, peers.RandomNonce()
	p, err := peers.Dial(context.Background(), n.Listen(), cfg)
	require.NoError(t, err)
	defer p.Close()
	eventually(t, "the node has its peer", 10*time.Second, func() bool { return status(t, n).Inbound == 1 })
	push := func(b *blocks.Block, data []byte) {
		require.NoError(t, p.Send(&broadcast.MsgItems{Items: []broadcast.Item{
			{Type: blocks.BlockItem, ID: broadcast.ID(b.Hash()), Data: data}}}))
	}

	push(fx.side[0], mustBytes(t, fx.side[0]))
	eventually(t, "the side block kept aside", 10*time.Second, func() bool { return status(t, n).Aside == 1 })
	ps, err := n.Peers(context.Background())
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, 0, ps[0].Score, "a valid block of another branch costs nothing")

	bad := *fx.main[1]
	bad.Coinbase.Amount++ // the merkle root no longer matches
	push(&bad, mustBytes(t, &bad))
	select {
	case <-p.Done():
	case <-time.After(10 * time.Second):
		t.Fatal("the node did not drop the peer that sent a bad block")
	}
	eventually(t, "the peer banned", 10*time.Second, func() bool { return status(t, n).Bans == 1 })
	bans, err := n.Bans(context.Background())
	require.NoError(t, err)
	require.Len(t, bans, 1)
	assert.NotEmpty(t, bans[0].Key, "a peer that said no address is banned by its connection's")
	s := status(t, n)
	assert.Equal(t, uint64(1), s.Height, "the bad block changed nothing")
	assert.Equal(t, fx.main[0].Hash().String(), s.Tip)
}
