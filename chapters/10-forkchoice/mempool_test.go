package forkchoice

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

// TestUpdateMempool: after a reorganisation the transactions of the
// blocks taken off are pending again, unless the new branch has them,
// and a pending one the new branch conflicts with is dropped.
func TestUpdateMempool(t *testing.T) {
	tree := newTestTree(t, Config{})
	pool, err := transactions.NewMempool(transactions.MempoolConfig{
		Chain: blocks.DevNet.Magic, NoMinFee: true}, tree.Chain().State())
	require.NoError(t, err)
	genesis := tree.Tip()
	shared := transfer(minerB, 100, 1, 0)  // on both branches
	onlyOld := transfer(minerB, 200, 1, 1) // on the old branch only
	pending := transfer(minerA, 300, 1, 2) // in the pool throughout
	rival := transfer(minerA, 999, 1, 1)   // the new branch's nonce 1

	a1 := on(genesis, minerA, easyBits, shared, onlyOld)
	c := add(t, tree, a1)
	assert.Empty(t, UpdateMempool(pool, c, testNow))
	_, err = pool.Add(pending, testNow)
	require.NoError(t, err, "nonce 2 follows a1's nonce 1")

	b1 := on(genesis, minerB, hardBits, shared)
	c = add(t, tree, b1)
	require.True(t, c.Reorg())
	dropped := UpdateMempool(pool, c, testNow)
	assert.Empty(t, dropped)
	has := func(tx *transactions.Tx) bool { return pool.Has(broadcast.ID(tx.ID())) }
	assert.False(t, has(shared), "b1 has it")
	assert.True(t, has(onlyOld), "back from a1")
	assert.True(t, has(pending))
	assert.Equal(t, 2, pool.Len())

	b2 := on(node(t, tree, b1), minerB, hardBits, rival)
	c = add(t, tree, b2)
	require.False(t, c.Reorg())
	dropped = UpdateMempool(pool, c, testNow)
	assert.Equal(t, []blocks.Hash{blocks.Hash(onlyOld.ID())}, txIDs(dropped),
		"b2 spends nonce 1 otherwise")
	assert.False(t, has(onlyOld))
	assert.True(t, has(pending), "its nonce 2 follows rival's 1 as well")
}

func txIDs(txs []*transactions.Tx) []blocks.Hash {
	out := make([]blocks.Hash, len(txs))
	for i, tx := range txs {
		out[i] = blocks.Hash(tx.ID())
	}
	return out
}
