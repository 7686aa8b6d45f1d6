package blocks

import (
	"bytes"
	"crypto/ed25519"
	"math"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// fixRoot sets a block's merkle root to its leaves', after a test has
// changed them.
func fixRoot(b *Block) *Block {
	b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
	return b
}

// bulkyTxs are n transfers of the longest memo: unsigned, since the
// size is checked before anything else.
func bulkyTxs(n int) []*transactions.Tx {
	txs := make([]*transactions.Tx, n)
	for i := range txs {
		txs[i] = &transactions.Tx{Chain: testNet.Magic, From: make(ed25519.PublicKey, ed25519.PublicKeySize),
			Amount: 1, Memo: make([]byte, transactions.MaxMemo), Sig: make([]byte, ed25519.SignatureSize)}
	}
	return txs
}

// TestBlockRules: every rule a block may break, one row each, through
// Chain.Connect, which applies them all; a block that breaks one
// changes neither the chain nor its state. The rows that keep a rule at
// its edge connect.
func TestBlockRules(t *testing.T) {
	alice, bob, miner := testKey(1), testKey(2), testKey(3).Address()
	rich := testKey(4)
	const balance = 1_000_000
	// setup is a chain of 3 empty blocks, a minute apart, on a genesis
	// that funds alice, bob and rich; its median time past is the
	// second block's time.
	setup := func(t *testing.T) *Chain {
		funds := map[transactions.Address]uint64{
			alice.Address(): balance, bob.Address(): balance,
			rich.Address():       math.MaxUint64,
			testKey(5).Address(): math.MaxUint64 - 1,
		}
		c, err := NewChain(ChainConfig{Network: testNet, State: transactions.NewState(testNet.Magic, funds)})
		require.NoError(t, err)
		for range 3 {
			b, now := blockAt(c, miner)
			require.NoError(t, c.Connect(b, now))
		}
		return c
	}
	tests := []struct {
		name  string
		block func(c *Chain) (*Block, time.Time)
		want  RuleCode
		// wantTx is the transaction's own rule, under ErrBadTx.
		wantTx transactions.RuleCode
	}{
		{name: "a valid block", block: func(c *Chain) (*Block, time.Time) {
			return blockAt(c, miner, testTx(alice, bob.Address(), 10, 1, 0), testTx(alice, bob.Address(), 10, 2, 1))
		}},
		{name: "version 0", want: ErrBadVersion, block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Header.Version = 0
			return b, now
		}},
		{name: "over MaxBlockSize", want: ErrBlockSize, block: func(c *Chain) (*Block, time.Time) {
			return blockAt(c, miner, bulkyTxs(MaxBlockSize/transactions.MaxTxSize+1)...)
		}},
		{name: "a coinbase extra of 101 bytes", want: ErrCoinbaseExtra, block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Coinbase.Extra = make([]byte, MaxCoinbaseExtra+1)
			return fixRoot(b), now
		}},
		{name: "a coinbase extra of 100 bytes", block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Coinbase.Extra = bytes.Repeat([]byte("x"), MaxCoinbaseExtra)
			return fixRoot(b), now
		}},
		{name: "a merkle root that is not the block's", want: ErrBadMerkleRoot, block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner, testTx(alice, bob.Address(), 10, 1, 0))
			b.Txs[0] = testTx(alice, bob.Address(), 11, 1, 0)
			return b, now
		}},
		{name: "CVE-2012-2459: the last transaction twice, same root", want: ErrMutated,
			block: func(c *Chain) (*Block, time.Time) {
				b, now := blockAt(c, miner, testTx(alice, bob.Address(), 10, 1, 0), testTx(alice, bob.Address(), 10, 1, 1))
				b.Txs = append(b.Txs, b.Txs[1])
				return b, now // the header is unchanged
			}},
		{name: "a transaction of another network", want: ErrWrongChain, block: func(c *Chain) (*Block, time.Time) {
			tx := &transactions.Tx{Chain: wire.MainNet, To: bob.Address(), Amount: 1}
			tx.Sign(alice)
			return blockAt(c, miner, tx)
		}},
		{name: "a forged signature", want: ErrBadTx, wantTx: transactions.ErrBadSignature,
			block: func(c *Chain) (*Block, time.Time) {
				tx := testTx(alice, bob.Address(), 10, 1, 0)
				tx.Amount = 1_000 // after signing
				return blockAt(c, miner, tx)
			}},
		{name: "a nonce skipped, after a valid transfer", want: ErrBadTx, wantTx: transactions.ErrNonceSkipped,
			block: func(c *Chain) (*Block, time.Time) {
				return blockAt(c, miner, testTx(alice, bob.Address(), 10, 1, 0), testTx(alice, bob.Address(), 10, 1, 2))
			}},
		{name: "spends more than the sender has", want: ErrBadTx, wantTx: transactions.ErrInsufficient,
			block: func(c *Chain) (*Block, time.Time) {
				return blockAt(c, miner, testTx(bob, alice.Address(), balance, 1, 0))
			}},
		{name: "the wrong coinbase height", want: ErrCoinbaseHeight, block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Coinbase.Height++
			return fixRoot(b), now
		}},
		{name: "a coinbase a unit over reward and fees", want: ErrCoinbaseAmount,
			block: func(c *Chain) (*Block, time.Time) {
				b, now := blockAt(c, miner, testTx(alice, bob.Address(), 10, 7, 0))
				b.Coinbase.Amount++
				return fixRoot(b), now
			}},
		{name: "a coinbase a unit under reward and fees", block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner, testTx(alice, bob.Address(), 10, 7, 0))
			b.Coinbase.Amount--
			return fixRoot(b), now
		}},
		{name: "a coinbase to an account it would take past 2^64", want: ErrCoinbaseAmount,
			block: func(c *Chain) (*Block, time.Time) { return blockAt(c, testKey(5).Address()) }},
		{name: "fees past 2^64", want: ErrFees, block: func(c *Chain) (*Block, time.Time) {
			return blockAt(c, miner, testTx(rich, bob.Address(), 1, 1<<63, 0), testTx(rich, bob.Address(), 1, 1<<63, 1))
		}},
		{name: "not on the tip", want: ErrPrevBlock, block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Header.PrevBlock, _ = c.HashAt(c.Height() - 1)
			return b, now
		}},
		{name: "time at the median time past", want: ErrTimeTooOld, block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Header.Time = MedianTimePast(c)
			return b, now
		}},
		{name: "time a second after the median time past", block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Header.Time = MedianTimePast(c) + 1
			return b, now
		}},
		{name: "time 2 h and 1 s past the clock", want: ErrTimeTooNew, block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Header.Time = uint32(now.Add(MaxFutureBlockTime).Unix()) + 1
			return b, now
		}},
		{name: "time 2 h past the clock", block: func(c *Chain) (*Block, time.Time) {
			b, now := blockAt(c, miner)
			b.Header.Time = uint32(now.Add(MaxFutureBlockTime).Unix())
			return b, now
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := setup(t)
			b, now := tt.block(c)
			before, height, tip := snapshot(c.State()), c.Height(), c.Tip()

			checkErr := c.Check(b, now)
			assert.Equal(t, before, snapshot(c.State()), "Check changes nothing")
			err := c.Connect(b, now)
			if tt.want == 0 {
				require.NoError(t, checkErr)
				require.NoError(t, err)
				assert.Equal(t, height+1, c.Height())
				assert.Equal(t, b.Hash(), c.Tip())
				return
			}
			assertRule(t, err, tt.want)
			assertRule(t, checkErr, tt.want)
			if tt.wantTx != 0 {
				assert.ErrorIs(t, err, tt.wantTx)
				var txErr *transactions.RuleError
				if assert.ErrorAs(t, err, &txErr, "the transaction's own error") {
					assert.Equal(t, tt.wantTx, txErr.Code)
				}
			}
			assert.Equal(t, before, snapshot(c.State()), "the state is unchanged")
			assert.Equal(t, height, c.Height())
			assert.Equal(t, tip, c.Tip())
		})
	}
}

// TestApplyBlockWrongState: a block applied to the state of another
// network is refused, and changes nothing.
func TestApplyBlockWrongState(t *testing.T) {
	s := transactions.NewState(wire.MainNet, map[transactions.Address]uint64{testKey(1).Address(): 5})
	before := snapshot(s)
	u, err := ApplyBlock(s, &Block{Coinbase: Coinbase{Height: 1, Amount: 1}}, DevNet, 1)
	assertRule(t, err, ErrWrongChain)
	assert.Nil(t, u)
	assert.Equal(t, before, snapshot(s))
}

// TestMedianTimePast: the median of the last 11 headers' times, or of
// all of them near genesis, whatever their order.
func TestMedianTimePast(t *testing.T) {
	tests := []struct {
		name  string
		times []uint32 // genesis first
		want  uint32
	}{
		{"genesis alone", []uint32{100}, 100},
		{"two: the later", []uint32{100, 200}, 200},
		{"three", []uint32{100, 300, 200}, 200},
		{"out of order", []uint32{5, 1, 4, 2, 3}, 3},
		{"eleven", []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 6},
		{"twelve: the first is left out", []uint32{1000, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}, 7},
		{"a liar far ahead moves it one place", []uint32{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 1 << 30}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, MedianTimePast(timesView(tt.times)))
		})
	}
}

// timesView is a ChainView of headers that have only times.
type timesView []uint32

func (v timesView) Height() uint64 { return uint64(len(v) - 1) }
func (v timesView) HeaderAt(h uint64) (Header, bool) {
	if h >= uint64(len(v)) {
		return Header{}, false
	}
	return Header{Time: v[h]}, true
}
