package node

import (
	"bufio"
	"context"
	"encoding/hex"
	"errors"
	"flag"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
)

// The ledger's tests run on devnet blocks mined once, kept in
// blockFixture: mining one at the devnet's genesis bits takes about a
// million hashes, too slow for every run under -race. Make them again
// with
//
//	go test ./final/node -run TestMakeBlockFixture -update-blocks
var updateBlocks = flag.Bool("update-blocks", false, "mine the ledger tests' blocks again")

const blockFixture = "testdata/devnet_blocks.hex"

// fixtureTx is the transfer block 3 of the fixture holds.
var fixtureTx = transfer(1, 2, 5_000, 300, 0, "fixture")

// fixture is the mined blocks: main[0] is height 1, and side is
// another branch from genesis, side[0] at height 1.
type fixture struct {
	main []*blocks.Block
	side []*blocks.Block
}

// Lengths of the fixture's branches.
const (
	fixtureMain = 6
	fixtureSide = 4
)

// fixtureTime is when the fixture's blocks are dated: a minute apart
// from genesis, so that any clock after 2026 takes them.
func fixtureTime(height uint64) time.Time {
	return blocks.DevNet.Genesis.Header.Timestamp().Add(time.Duration(height) * time.Minute)
}

func TestMakeBlockFixture(t *testing.T) {
	if !*updateBlocks {
		t.Skip("run with -update-blocks to mine the fixture again")
	}
	// mine mines a block on l's tip and connects it.
	mine := func(l *ledger, txs []*transactions.Tx, extra string) *blocks.Block {
		height := l.chain.Height() + 1
		b := blocks.NewBlock(l.chain, DevnetKey(1).Address(), txs, fixtureTime(height),
			pow.NextWorkRequired(l.params, l.chain))
		b.Coinbase.Extra = []byte(extra)
		b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
		now := func() time.Time { return fixtureTime(height) }
		_, err := pow.MineBlock(context.Background(), b, pow.Config{Threads: 1, Now: now})
		require.NoError(t, err)
		require.NoError(t, l.restore(b, fixtureTime(height)))
		return b
	}
	var lines []string
	add := func(b *blocks.Block) {
		raw, err := b.Bytes()
		require.NoError(t, err)
		lines = append(lines, hex.EncodeToString(raw))
	}
	main, side := newTestLedger(t), newTestLedger(t)
	for height := 1; height <= fixtureMain; height++ {
		var txs []*transactions.Tx
		if height == 3 {
			txs = []*transactions.Tx{fixtureTx}
		}
		add(mine(main, txs, "main"))
	}
	for range fixtureSide {
		add(mine(side, nil, "side"))
	}
	require.NoError(t, os.WriteFile(blockFixture, []byte(strings.Join(lines, "\n")+"\n"), 0o644))
}

// loadFixture reads the fixture's blocks.
func loadFixture(t *testing.T) fixture {
	t.Helper()
	f, err := os.Open(blockFixture)
	require.NoError(t, err)
	defer f.Close()
	var all []*blocks.Block
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 4<<20)
	for sc.Scan() {
		raw, err := hex.DecodeString(sc.Text())
		require.NoError(t, err)
		b, err := blocks.ParseBlock(raw)
		require.NoError(t, err)
		all = append(all, b)
	}
	require.NoError(t, sc.Err())
	require.Len(t, all, fixtureMain+fixtureSide, "the main branch, then the side branch")
	return fixture{main: all[:fixtureMain], side: all[fixtureMain:]}
}

// newTestLedger is a ledger on the devnet's genesis, with a mempool.
func newTestLedger(t *testing.T) *ledger { return newTestLedgerWith(t, nil) }

// newTestLedgerWith is newTestLedger with retarget next.
func newTestLedgerWith(t *testing.T, next pow.RetargetFunc) *ledger {
	t.Helper()
	state := transactions.NewState(wire.DevNet, DevnetGenesis())
	l, err := newLedger(state, next, nil)
	require.NoError(t, err)
	l.pool, err = transactions.NewMempool(transactions.MempoolConfig{Chain: wire.DevNet}, state)
	require.NoError(t, err)
	l.now = fixtureTime(100)
	return l
}

// offer hands the ledger a block as the broadcast does.
func offer(t *testing.T, l *ledger, b *blocks.Block) error {
	t.Helper()
	raw, err := b.Bytes()
	require.NoError(t, err)
	return l.check(broadcast.ID(b.Hash()), raw)
}

// emitted is the values the ledger emitted since it was last asked.
func emitted(t *testing.T, l *ledger) []any {
	t.Helper()
	var out []any
	for _, a := range l.takeOut() {
		e, ok := a.(simulation.Emit)
		require.True(t, ok, "the ledger only emits: %T", a)
		out = append(out, e.Value)
	}
	return out
}

func TestLedgerConnects(t *testing.T) {
	fx := loadFixture(t)
	l := newTestLedger(t)
	_, err := l.pool.Add(fixtureTx, l.now)
	require.NoError(t, err)
	payee := DevnetKey(2).Address()
	before := l.chain.State().Account(payee).Balance

	for i, b := range fx.main {
		require.NoError(t, offer(t, l, b), "block %d", i+1)
		out := emitted(t, l)
		require.Len(t, out, 1)
		assert.Equal(t, BlockConnected{Block: b, Height: uint64(i + 1), Raw: mustBytes(t, b)}, out[0])
	}
	assert.Equal(t, uint64(6), l.chain.Height())
	assert.Equal(t, fx.main[5].Hash(), l.chain.Tip())
	assert.Equal(t, before+fixtureTx.Amount, l.chain.State().Account(payee).Balance,
		"block 3's transfer is applied")
	assert.Equal(t, 0, l.pool.Len(), "the mined transfer left the mempool")
	assert.Len(t, l.recent(), 6)
	assert.Equal(t, l.now.Sub(l.now), l.lastInterval(), "both connected at one moment")

	require.NoError(t, offer(t, l, fx.main[2]), "a block on the chain already is no fault")
	assert.Empty(t, emitted(t, l))
	assert.Equal(t, uint64(6), l.chain.Height())
}

func mustBytes(t *testing.T, b *blocks.Block) []byte {
	t.Helper()
	raw, err := b.Bytes()
	require.NoError(t, err)
	return raw
}

// TestLedgerOutOfOrder: a block whose parent has not come is kept as
// an orphan, declined, and its parent asked for; when the parent
// comes, both connect, and the child is published again, to relay.
func TestLedgerOutOfOrder(t *testing.T) {
	fx := loadFixture(t)
	l := newTestLedger(t)
	for _, b := range []*blocks.Block{fx.main[2], fx.main[1]} {
		err := offer(t, l, b)
		require.ErrorIs(t, err, broadcast.ErrDeclined)
		assert.ErrorContains(t, err, "kept as an orphan")
	}
	assert.Equal(t, []any{
		BlockAside{Hash: fx.main[2].Hash(), Parent: fx.main[1].Hash(), Orphan: true},
		BlockAside{Hash: fx.main[1].Hash(), Parent: fx.main[0].Hash(), Orphan: true},
	}, emitted(t, l))
	assert.Equal(t, 2, l.aside())
	assert.Equal(t, []blocks.Hash{fx.main[1].Hash(), fx.main[0].Hash()}, l.wants,
		"each orphan's parent is asked for")
	assert.Equal(t, uint64(0), l.chain.Height())

	require.NoError(t, offer(t, l, fx.main[0]))
	assert.Equal(t, uint64(3), l.chain.Height())
	assert.Zero(t, l.aside())
	require.Len(t, l.republish, 2)
	assert.Equal(t, broadcast.ID(fx.main[1].Hash()), l.republish[0].ID)
	assert.Equal(t, broadcast.ID(fx.main[2].Hash()), l.republish[1].ID)
	assert.Equal(t, mustBytes(t, fx.main[2]), l.republish[1].Data)
	for _, it := range l.republish {
		require.NoError(t, l.check(it.ID, it.Data), "a republished block is ours")
	}
}

// TestLedgerSide: a valid block of another branch is kept, and
// relayed (no error), once; the first block seen stays the tip.
func TestLedgerSide(t *testing.T) {
	fx := loadFixture(t)
	l := newTestLedger(t)
	require.NoError(t, offer(t, l, fx.main[0]))
	l.takeOut()
	for range 2 {
		require.NoError(t, offer(t, l, fx.side[0]))
	}
	assert.Equal(t, []any{BlockAside{Hash: fx.side[0].Hash(), Parent: blocks.DevNet.Genesis.Hash()}},
		emitted(t, l), "kept once")
	assert.Equal(t, fx.main[0].Hash(), l.chain.Tip(), "a tie: the first seen stays")
	assert.Equal(t, 1, l.aside())
}

// TestLedgerReorg: a branch that overtakes the chain is followed: the
// old blocks come off, their transfer goes back to the mempool, the
// reorganisation is emitted, then each new block.
func TestLedgerReorg(t *testing.T) {
	fx := loadFixture(t)
	l := newTestLedger(t)
	for _, b := range fx.main[:3] {
		require.NoError(t, offer(t, l, b))
	}
	require.Zero(t, l.pool.Len(), "block 3 mined the transfer")
	l.takeOut()
	for _, b := range fx.side[:3] {
		require.NoError(t, offer(t, l, b))
	}
	assert.Equal(t, fx.main[2].Hash(), l.chain.Tip(), "3 against 3: a tie")
	l.takeOut()

	require.NoError(t, offer(t, l, fx.side[3]))
	out := emitted(t, l)
	require.Len(t, out, 1+fixtureSide)
	var branch []BlockConnected
	for i, b := range fx.side {
		branch = append(branch, BlockConnected{Block: b, Height: uint64(i + 1), Raw: mustBytes(t, b), Reorg: true})
	}
	assert.Equal(t, Reorganized{Fork: 0, OldTip: fx.main[2].Hash(), NewTip: fx.side[3].Hash(),
		Disconnected: 3, Connected: 4, Branch: branch}, out[0])
	for i, bc := range branch {
		assert.Equal(t, bc, out[1+i], "then each block, saved with the reorganisation")
	}
	assert.Equal(t, fx.side[3].Hash(), l.chain.Tip())
	assert.True(t, l.pool.Has(broadcast.ID(fixtureTx.ID())), "the transfer is pending again")
	assert.Equal(t, 1, l.reorgs)
	assert.Equal(t, 3, l.deepest)
	assert.Equal(t, 3, l.aside(), "the old branch stays in the tree")
	assert.Equal(t, []*blocks.Block{fx.side[3], fx.side[2], fx.side[1], fx.side[0]}, l.recent())
}

// TestLedgerRefuses: a block that breaks a rule is an error the
// broadcast scores (it does not wrap ErrDeclined), and changes
// nothing; one dated too far ahead of the clock is only declined.
func TestLedgerRefuses(t *testing.T) {
	fx := loadFixture(t)
	b1 := fx.main[0]
	// tampered is b1 changed by f, under the ID of what it is now.
	tampered := func(f func(b *blocks.Block)) (broadcast.ID, []byte) {
		c := *b1
		c.Txs = append([]*transactions.Tx(nil), b1.Txs...)
		f(&c)
		return broadcast.ID(c.Hash()), mustBytes(t, &c)
	}
	richID, rich := tampered(func(b *blocks.Block) { b.Coinbase.Amount++ })
	luckyID, lucky := tampered(func(b *blocks.Block) { b.Header.Nonce++ })
	tests := []struct {
		name     string
		id       broadcast.ID
		data     []byte
		now      time.Time
		want     error
		declined bool
	}{
		{name: "not a block", id: broadcast.ID(b1.Hash()), data: []byte("hello"), want: blocks.ErrBlockDecode},
		{name: "sent under another ID", id: broadcast.ID(fx.side[0].Hash()), data: mustBytes(t, b1),
			want: broadcast.ErrItemID},
		{name: "coinbase pays more", id: richID, data: rich, want: blocks.ErrBadMerkleRoot},
		{name: "nonce changed: no proof of work", id: luckyID, data: lucky, want: pow.ErrHighHash},
		{name: "too far ahead of the clock", id: broadcast.ID(b1.Hash()), data: mustBytes(t, b1),
			now: fixtureTime(1).Add(-blocks.MaxFutureBlockTime - time.Second), want: blocks.ErrTimeTooNew,
			declined: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := newTestLedger(t)
			if !tt.now.IsZero() {
				l.now = tt.now
			}
			err := l.check(tt.id, tt.data)
			require.ErrorIs(t, err, tt.want)
			assert.Equal(t, tt.declined, errors.Is(err, broadcast.ErrDeclined))
			assert.Equal(t, uint64(0), l.chain.Height())
			assert.Zero(t, l.aside())
			assert.Empty(t, emitted(t, l))
		})
	}
}

// TestLedgerBadBits: a block whose bits are not the retarget's is
// refused, with the lab's retarget as with the chapter's.
func TestLedgerBadBits(t *testing.T) {
	fx := loadFixture(t)
	harder := func(p pow.Params, parent blocks.ChainView) uint32 { return 0x1d00ffff }
	l := newTestLedgerWith(t, harder)
	require.ErrorIs(t, offer(t, l, fx.main[0]), pow.ErrBadBits)
	assert.False(t, errors.Is(offer(t, l, fx.main[0]), broadcast.ErrDeclined))
}

// TestLedgerTemplate: the template builds on the tip with the
// mempool's transactions, and connects once mined.
func TestLedgerTemplate(t *testing.T) {
	fx := loadFixture(t)
	l := newTestLedger(t)
	for _, b := range fx.main[:2] {
		require.NoError(t, offer(t, l, b))
	}
	_, err := l.pool.Add(fixtureTx, l.now)
	require.NoError(t, err)
	b, err := l.template(DevnetKey(3).Address(), fixtureTime(3))
	require.NoError(t, err)
	assert.Equal(t, l.chain.Tip(), b.Header.PrevBlock)
	assert.Equal(t, uint64(3), b.Coinbase.Height)
	assert.Equal(t, []*transactions.Tx{fixtureTx}, b.Txs)
	assert.Equal(t, blocks.DevNet.SubsidyAt(3)+fixtureTx.Fee, b.Coinbase.Amount)
}

// FuzzLedgerCheck: whatever bytes a peer sends as a block, the check
// does not panic, and connects only a block that extends the tip (from
// genesis, no valid block reorganises).
func FuzzLedgerCheck(f *testing.F) {
	raw, err := os.ReadFile(blockFixture)
	require.NoError(f, err)
	for line := range strings.Lines(string(raw)) {
		b, err := hex.DecodeString(strings.TrimSpace(line))
		require.NoError(f, err)
		f.Add(b)
	}
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		l := newTestLedger(t)
		id := broadcast.ID(blocks.DoubleSHA256(data[:min(len(data), blocks.HeaderSize)]))
		err := l.check(id, data)
		if err != nil {
			assert.Equal(t, uint64(0), l.chain.Height())
			return
		}
		assert.Equal(t, uint64(1), l.chain.Height())
		assert.Equal(t, blocks.Hash(id), l.chain.Tip())
	})
}
