package main

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/final/api"
	"peerchain/final/node"
)

// miningHeight is how high TestDevnetMines waits for every node to
// be: past the devnet's first two retargets (every 12 blocks).
const miningHeight = 30

// TestDevnetMines: a 5-node devnet mines on its default miner; every
// node's height grows past two retargets, and at every moment their
// tips agree within a block: a node one block behind has the parent
// of the others' tip.
func TestDevnetMines(t *testing.T) {
	t.Parallel() // each its own processes, ports and directory
	const n = 5
	cmd, out, dir := startDevnet(t, "-n", strconv.Itoa(n), "--tx-rate", "2", "--items-every", "0")
	ends := endpoints(t, dir, n)
	var last []api.Status
	eventually(t, fmt.Sprintf("every node at height %d or more", miningHeight), 90*time.Second, func() bool {
		sts, ok := statuses(ends)
		if !ok {
			return false
		}
		last = sts
		for _, s := range sts {
			if s.Height < miningHeight {
				return false
			}
		}
		return true
	})
	eventually(t, "the tips agree within a block", 30*time.Second, func() bool {
		sts, ok := statuses(ends)
		return ok && agreeWithinABlock(t, ends, sts)
	})
	for i, s := range last {
		assert.Equal(t, i == 0, s.Mining, "node%d mines: only node0, the devnet's one miner", i)
	}

	// The miner's blocks pay devnet wallet 1, which the API shows.
	var blk api.Block
	require.NoError(t, getJSON(context.Background(), ends[3].API, "/blocks/1", &blk))
	assert.Equal(t, node.DevnetKey(1).Address().String(), blk.Miner)
	assert.Equal(t, uint64(1), blk.Height)

	require.NoError(t, cmd.Process.Signal(os.Interrupt))
	require.NoError(t, cmd.Wait())
	assert.Contains(t, out.String(), fmt.Sprintf("%d of %d nodes stopped cleanly", n, n))
}

// statuses asks every node for its status; false if one does not
// answer.
func statuses(ends []node.Endpoints) ([]api.Status, bool) {
	out := make([]api.Status, len(ends))
	for i, e := range ends {
		st, err := nodeStatus(e.API)
		if err != nil {
			return nil, false
		}
		out[i] = st
	}
	return out, true
}

// agreeWithinABlock says whether every node is at the highest height
// or one below, on one chain: each tip is the highest node's block at
// that node's height.
func agreeWithinABlock(t *testing.T, ends []node.Endpoints, sts []api.Status) bool {
	t.Helper()
	top := 0
	for i, s := range sts {
		if s.Height > sts[top].Height {
			top = i
		}
	}
	for _, s := range sts {
		if sts[top].Height-s.Height > 1 {
			return false
		}
		var b api.Block
		path := "/blocks/" + strconv.FormatUint(s.Height, 10)
		if err := getJSON(context.Background(), ends[top].API, path, &b); err != nil || b.Hash != s.Tip {
			return false
		}
	}
	return true
}
