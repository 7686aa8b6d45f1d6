package pow

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

// easyParams: a limit anyone reaches in a few hashes, no retargets.
var easyParams = Params{PowLimit: limit(0x207fffff), TargetTimespan: time.Minute,
	TargetSpacing: 5 * time.Second, NoRetargeting: true}

// easyNetwork is the devnet with a genesis of the easiest bits,
// mined, so that a test mines its blocks in a few hashes.
func easyNetwork(t *testing.T) *blocks.Network {
	t.Helper()
	n := *blocks.DevNet
	n.Genesis.Header.Bits = 0x207fffff
	_, err := MineHeader(context.Background(), &n.Genesis.Header, Config{Threads: 1, Now: n.Genesis.Header.Timestamp})
	require.NoError(t, err)
	return &n
}

func TestNewTemplateConnects(t *testing.T) {
	alice := transactions.KeyFromSeed([32]byte{1})
	miner := transactions.KeyFromSeed([32]byte{3}).Address()
	tests := []struct {
		name     string
		transfer []uint64 // fees of alice's transfers in the pool
	}{
		{"empty mempool", nil},
		{"three transfers", []uint64{500, 700, 900}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net := easyNetwork(t)
			state := transactions.NewState(net.Magic, map[transactions.Address]uint64{alice.Address(): 1_000_000})
			c, err := blocks.NewChain(blocks.ChainConfig{Network: net, State: state,
				Rules: []blocks.HeaderRule{HeaderRuleWith(easyParams, NextWorkRequired)}})
			require.NoError(t, err)
			pool, err := transactions.NewMempool(transactions.MempoolConfig{Chain: net.Magic}, state)
			require.NoError(t, err)
			now := net.Genesis.Header.Timestamp().Add(time.Minute)
			var fees uint64
			for i, fee := range tt.transfer {
				tx := &transactions.Tx{Chain: net.Magic, To: miner, Amount: 1_000, Fee: fee, Nonce: uint64(i)}
				tx.Sign(alice)
				_, err := pool.Add(tx, now)
				require.NoError(t, err)
				fees += fee
			}

			b, err := NewTemplate(c, pool, easyParams, NextWorkRequired, miner, now)
			require.NoError(t, err)
			assert.Len(t, b.Txs, len(tt.transfer))
			assert.Equal(t, uint64(1), b.Coinbase.Height)
			assert.Equal(t, net.SubsidyAt(1)+fees, b.Coinbase.Amount)
			assert.Equal(t, miner, b.Coinbase.To)
			assert.Equal(t, c.Tip(), b.Header.PrevBlock)
			assert.Equal(t, uint32(now.Unix()), b.Header.Time)
			assert.Equal(t, NextWorkRequired(easyParams, c), b.Header.Bits)
			root, _ := b.ComputeMerkleRoot()
			assert.Equal(t, root, b.Header.MerkleRoot)

			_, err = MineBlock(context.Background(), b, Config{Threads: 2, Now: func() time.Time { return now }})
			require.NoError(t, err)
			require.NoError(t, c.Connect(b, now))
			assert.Equal(t, uint64(1), c.Height())
			assert.Equal(t, net.SubsidyAt(1)+fees+uint64(1_000*len(tt.transfer)),
				c.State().Account(miner).Balance, "the miner is paid")
		})
	}
}

func TestNewTemplateTime(t *testing.T) {
	net := easyNetwork(t)
	state := transactions.NewState(net.Magic, nil)
	c, err := blocks.NewChain(blocks.ChainConfig{Network: net, State: state})
	require.NoError(t, err)
	pool, err := transactions.NewMempool(transactions.MempoolConfig{Chain: net.Magic}, state)
	require.NoError(t, err)
	genesis := net.Genesis.Header.Time
	tests := []struct {
		name string
		now  time.Time
		want uint32
	}{
		{"a clock ahead", time.Unix(int64(genesis)+100, 0), genesis + 100},
		{"a clock behind the chain: just past the median", time.Unix(int64(genesis)-100, 0), genesis + 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewTemplate(c, pool, easyParams, NextWorkRequired, transactions.Address{}, tt.now)
			require.NoError(t, err)
			assert.Equal(t, tt.want, b.Header.Time)
		})
	}
}
