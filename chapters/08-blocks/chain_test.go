package blocks

import (
	"errors"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	transactions "peerchain/chapters/07-transactions"
)

// randomBlock is a block of up to 8 random transfers among keys, each
// valid on the chain's state: amounts and fees within the sender's
// balance, nonces in order.
func randomBlock(c *Chain, r *rand.Rand, keys []transactions.Key) (*Block, time.Time) {
	s := c.State()
	spent := make(map[transactions.Address]uint64)
	nonces := make(map[transactions.Address]uint64)
	var txs []*transactions.Tx
	for range r.IntN(9) {
		from := keys[r.IntN(len(keys))]
		a := from.Address()
		acc := s.Account(a)
		left := acc.Balance - spent[a]
		if left < 2 {
			continue
		}
		amount := 1 + r.Uint64N(left/2)
		fee := r.Uint64N(left - amount)
		txs = append(txs, testTx(from, keys[r.IntN(len(keys))].Address(), amount, fee, acc.Nonce+nonces[a]))
		spent[a] += amount + fee
		nonces[a]++
	}
	return blockAt(c, keys[r.IntN(len(keys))].Address(), txs...)
}

// TestApplyRevertRandomBlocks: random blocks applied one after another
// and reverted newest first leave the genesis state exactly; each
// block mints exactly its subsidy.
func TestApplyRevertRandomBlocks(t *testing.T) {
	const blocks, accounts = 40, 6
	r := rand.New(rand.NewPCG(8, 8))
	keys := make([]transactions.Key, accounts)
	for i := range keys {
		keys[i] = testKey(byte(10 + i))
	}
	c := testChain(t, 10_000, keys[:accounts-2]...) // two start empty
	start := snapshot(c.State())
	var undos []*BlockUndo
	supply := supplyOf(c.State())
	for i := range blocks {
		b, _ := randomBlock(c, r, keys)
		height := c.Height() + 1
		u, err := ApplyBlock(c.State(), b, testNet, height)
		require.NoError(t, err, "block %d", i)
		assert.Equal(t, len(b.Txs), len(u.Txs))
		supply += testNet.SubsidyAt(height)
		assert.Equal(t, supply, supplyOf(c.State()), "block %d mints its subsidy, the fees move", i)
		undos = append(undos, u)
		// the chain's tip moves only for the next block's PrevBlock
		c.headers = append(c.headers, b.Header)
		c.hashes = append(c.hashes, b.Hash())
	}
	for i := len(undos) - 1; i >= 0; i-- {
		RevertBlock(c.State(), undos[i])
	}
	assert.Equal(t, start, snapshot(c.State()))
}

func supplyOf(s *transactions.State) uint64 {
	var sum uint64
	for _, a := range s.Addresses() {
		sum += s.Account(a).Balance
	}
	return sum
}

// TestChainConnectDisconnect: a chain of random blocks connects; its
// lookups agree; disconnected tip by tip back to genesis, it has the
// genesis state and only genesis.
func TestChainConnectDisconnect(t *testing.T) {
	const blocks = 25
	r := rand.New(rand.NewPCG(9, 9))
	keys := []transactions.Key{testKey(1), testKey(2), testKey(3)}
	c := testChain(t, 50_000, keys...)
	genesisState := snapshot(c.State())
	assert.Equal(t, uint64(0), c.Height())
	assert.Equal(t, testNet.Genesis.Hash(), c.Tip())
	assert.Same(t, testNet, c.Network())

	var chain []*Block
	for range blocks {
		b, now := randomBlock(c, r, keys)
		require.NoError(t, c.Connect(b, now))
		chain = append(chain, b)
	}
	require.Equal(t, uint64(blocks), c.Height())
	for i, b := range chain {
		height := uint64(i + 1)
		h, ok := c.HeaderAt(height)
		require.True(t, ok)
		assert.Equal(t, b.Header, h)
		hash, ok := c.HashAt(height)
		require.True(t, ok)
		assert.Equal(t, b.Hash(), hash)
		got, ok := c.HeightOf(b.Hash())
		assert.True(t, ok)
		assert.Equal(t, height, got)
	}
	_, ok := c.HeaderAt(blocks + 1)
	assert.False(t, ok)
	_, ok = c.HashAt(blocks + 1)
	assert.False(t, ok)
	assert.Equal(t, chain[blocks-1].Header, c.TipHeader())

	assert.ErrorIs(t, c.Disconnect(chain[0]), ErrNotTip, "only the tip")
	for i := len(chain) - 1; i >= 0; i-- {
		require.NoError(t, c.Disconnect(chain[i]))
		_, ok := c.HeightOf(chain[i].Hash())
		assert.False(t, ok)
	}
	assert.Equal(t, uint64(0), c.Height())
	assert.Equal(t, genesisState, snapshot(c.State()))
	assert.ErrorIs(t, c.Disconnect(&testNet.Genesis), ErrNotTip, "not genesis")
}

// TestChainRules: a header rule runs on each header with the chain it
// extends, and its error refuses the block.
func TestChainRules(t *testing.T) {
	errOdd := errors.New("odd nonce")
	var seen []uint64
	rule := func(h *Header, parent ChainView) error {
		seen = append(seen, parent.Height())
		if h.Nonce%2 == 1 {
			return errOdd
		}
		return nil
	}
	c, err := NewChain(ChainConfig{Network: testNet, Rules: []HeaderRule{rule},
		State: transactions.NewState(testNet.Magic, nil)})
	require.NoError(t, err)
	b, now := blockAt(c, testKey(1).Address())
	require.NoError(t, c.Connect(b, now))
	b, now = blockAt(c, testKey(1).Address())
	b.Header.Nonce = 1
	assert.ErrorIs(t, c.Connect(b, now), errOdd)
	assert.Equal(t, []uint64{0, 1}, seen)
	assert.Equal(t, uint64(1), c.Height())
}

// TestNewChainRefused: a chain needs a network and a state of it.
func TestNewChainRefused(t *testing.T) {
	badGenesis := *testNet
	badGenesis.Genesis.Header.MerkleRoot = Hash{}
	tests := []struct {
		name string
		cfg  ChainConfig
	}{
		{"no network", ChainConfig{State: transactions.NewState(testNet.Magic, nil)}},
		{"no state", ChainConfig{Network: testNet}},
		{"a state of another network", ChainConfig{Network: testNet, State: transactions.NewState(MainNet.Magic, nil)}},
		{"a genesis that breaks a rule", ChainConfig{Network: &badGenesis, State: transactions.NewState(testNet.Magic, nil)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := NewChain(tt.cfg)
			assert.Nil(t, c)
			assert.ErrorIs(t, err, ErrChainConfig)
		})
	}
}

// TestNewBlock: the block NewBlock builds pays reward and fees, names
// the tip, keeps the time rules, and connects.
func TestNewBlock(t *testing.T) {
	alice, bob, miner := testKey(1), testKey(2), testKey(3).Address()
	c := testChain(t, 1_000, alice)
	txs := []*transactions.Tx{testTx(alice, bob.Address(), 10, 3, 0), testTx(alice, bob.Address(), 10, 4, 1)}
	now := testGenesisTime.Add(time.Hour)
	b := NewBlock(c, miner, txs, now, 0x207fffff)
	assert.Equal(t, Coinbase{Height: 1, To: miner, Amount: 50*Coin + 7}, b.Coinbase)
	assert.Equal(t, c.Tip(), b.Header.PrevBlock)
	assert.Equal(t, uint32(now.Unix()), b.Header.Time)
	assert.Equal(t, uint32(0x207fffff), b.Header.Bits)
	assert.Equal(t, uint32(0), b.Header.Nonce)
	assert.Equal(t, int32(BlockVersion), b.Header.Version)
	require.NoError(t, c.Connect(b, now))
	assert.Equal(t, uint64(50*Coin+7), c.State().Account(miner).Balance)

	past := NewBlock(c, miner, nil, testGenesisTime.Add(-time.Hour), 0x207fffff)
	assert.Equal(t, MedianTimePast(c)+1, past.Header.Time, "a clock behind the chain")
	assert.NoError(t, c.Check(past, testGenesisTime))
}
