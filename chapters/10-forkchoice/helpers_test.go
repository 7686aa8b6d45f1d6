package forkchoice

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

// Bits of the tests' blocks: no rule checks proof of work here, so the
// bits only say how much work a block counts for.
const (
	easyBits uint32 = 0x207fffff // work 2
	hardBits uint32 = 0x2000ffff // work 256: one outweighs many easy
)

// The tests' clock: a day after genesis, blocks ten seconds apart.
var (
	genesisTime = blocks.DevNet.Genesis.Header.Timestamp()
	testNow     = genesisTime.Add(24 * time.Hour)
)

// testKey is the key of a seed of 32 bytes all equal to n.
func testKey(n byte) transactions.Key {
	var seed [32]byte
	for i := range seed {
		seed[i] = n
	}
	return transactions.KeyFromSeed(seed)
}

// Miners the tests' blocks pay: one for each branch, so balances say
// which branch the state is on.
var (
	minerA = testKey(1).Address()
	minerB = testKey(2).Address()
)

// newTestTree is a tree of the devnet's genesis, with no proof of work
// and a state that funds testKey(9).
func newTestTree(t *testing.T, cfg Config) *Tree {
	t.Helper()
	cfg.Network = blocks.DevNet
	cfg.State = transactions.NewState(blocks.DevNet.Magic,
		map[transactions.Address]uint64{testKey(9).Address(): 1_000_000})
	tree, err := New(cfg)
	require.NoError(t, err)
	return tree
}

// on is a block on parent paying to, with bits and transactions.
func on(parent *Node, to transactions.Address, bits uint32, txs ...*transactions.Tx) *blocks.Block {
	at := genesisTime.Add(time.Duration(parent.Height+1) * 10 * time.Second)
	return BlockOn(parent, blocks.DevNet, to, txs, at, bits)
}

// add adds b and requires that the tree took it.
func add(t *testing.T, tree *Tree, b *blocks.Block) *Change {
	t.Helper()
	c, err := tree.Add(b, testNow)
	require.NoError(t, err, "adding %s", b.Hash().Short())
	return c
}

// node is the tree's node of b.
func node(t *testing.T, tree *Tree, b *blocks.Block) *Node {
	t.Helper()
	n, ok := tree.Node(b.Hash())
	require.True(t, ok, "no node for %s", b.Hash().Short())
	return n
}

// branchOf adds n blocks of bits on parent, paying to, and returns
// them.
func branchOf(t *testing.T, tree *Tree, parent *Node, to transactions.Address, bits uint32, n int) []*blocks.Block {
	t.Helper()
	var out []*blocks.Block
	for range n {
		b := on(parent, to, bits)
		add(t, tree, b)
		parent = node(t, tree, b)
		out = append(out, b)
	}
	return out
}

// hashes are blocks' hashes, to compare lists of blocks.
func hashes(bs []*blocks.Block) []blocks.Hash {
	out := make([]blocks.Hash, len(bs))
	for i, b := range bs {
		out[i] = b.Hash()
	}
	return out
}

// transfer is a devnet transfer from testKey(9).
func transfer(to transactions.Address, amount, fee, nonce uint64) *transactions.Tx {
	tx := &transactions.Tx{Chain: blocks.DevNet.Magic, To: to, Amount: amount, Fee: fee, Nonce: nonce}
	tx.Sign(testKey(9))
	return tx
}
