package forkchoice

import (
	"fmt"
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

// TestRandomTrees grows seeded random trees of blocks, adds them in a
// shuffled order (so many come before their parent) and checks what
// must hold whatever the order: the tip has the most work of any
// block, the chain is the tip's ancestors, and the state is what
// applying that chain from genesis gives.
func TestRandomTrees(t *testing.T) {
	bits := []uint32{easyBits, 0x2040ffff, hardBits}
	reorgs, deepest := 0, 0
	for seed := uint64(1); seed <= 30; seed++ {
		t.Run(fmt.Sprintf("seed %d", seed), func(t *testing.T) {
			r := rand.New(rand.NewPCG(seed, 10))
			tree := newTestTree(t, Config{})
			made := []*Node{tree.Tip()}
			var all []*blocks.Block
			for i := range 40 {
				parent := made[r.IntN(len(made))]
				if r.IntN(3) > 0 { // mostly on the newest, as miners do
					parent = made[len(made)-1-r.IntN(min(3, len(made)))]
				}
				to := testKey(byte(1 + r.IntN(4))).Address()
				b := on(parent, to, bits[r.IntN(len(bits))])
				b.Coinbase.Extra = []byte{byte(i)} // no two alike
				b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
				// A node for the next block to name as parent; the
				// tree makes its own when b arrives.
				made = append(made, &Node{Hash: b.Hash(), Height: parent.Height + 1,
					Header: b.Header, Parent: parent})
				all = append(all, b)
			}
			r.Shuffle(len(all), func(i, j int) { all[i], all[j] = all[j], all[i] })
			for _, b := range all {
				if c := add(t, tree, b); c.Reorg() {
					reorgs++
					deepest = max(deepest, len(c.Disconnected))
				}
			}
			require.Zero(t, tree.Orphans())
			require.Equal(t, len(all)+1, tree.Len())

			for _, n := range made {
				tn := node(t, tree, &blocks.Block{Header: n.Header})
				if n.Parent == nil {
					continue
				}
				assert.LessOrEqual(t, tn.Work.Cmp(tree.Tip().Work), 0,
					"block %s has more work than the tip", tn.Hash.Short())
			}
			replay, err := blocks.NewChain(blocks.ChainConfig{Network: blocks.DevNet,
				State: transactions.NewState(blocks.DevNet.Magic,
					map[transactions.Address]uint64{testKey(9).Address(): 1_000_000})})
			require.NoError(t, err)
			for h := uint64(1); h <= tree.Tip().Height; h++ {
				n := tree.Tip().Ancestor(h)
				hash, _ := tree.Chain().HashAt(h)
				require.Equal(t, n.Hash, hash, "height %d", h)
				b, ok := tree.Block(hash)
				require.True(t, ok)
				require.NoError(t, replay.Connect(b, testNow))
			}
			for _, a := range replay.State().Addresses() {
				assert.Equal(t, replay.State().Account(a), tree.Chain().State().Account(a))
			}
			assert.Equal(t, replay.State().Len(), tree.Chain().State().Len())
		})
	}
	// The stories must have been about reorganisations.
	assert.Greater(t, reorgs, 30)
	assert.Greater(t, deepest, 3)
	t.Logf("%d reorganisations, the deepest %d blocks", reorgs, deepest)
}
