package sync

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// chainOf mines n blocks on a fresh tree.
func chainOf(t *testing.T, n int) []*blocks.Block {
	return extend(t, newTree(t), n, 1)
}

// TestFreshNodeSyncs: a node that starts with genesis alone syncs
// 1,000 blocks from four peers that have them: headers first, then
// bodies from all four at once, every block connected in order.
func TestFreshNodeSyncs(t *testing.T) {
	chain := chainOf(t, 1000)
	trees := []*forkchoice.Tree{newTree(t)}
	for range 4 {
		trees = append(trees, treeOf(t, chain))
	}
	w := newWorld(t, 1, trees...)
	want := chain[len(chain)-1].Hash()

	require.True(t, w.runUntilSynced(2*time.Minute, want, 0))

	fresh := trees[0]
	assert.Equal(t, uint64(1000), fresh.Tip().Height)
	assert.Equal(t, want, fresh.Tip().Hash)
	fetched := emitted[Fetched](w, 0)
	require.Len(t, fetched, 1000, "every block fetched once")
	from := map[simulation.PeerID]int{}
	for i, f := range fetched {
		assert.Equal(t, uint64(i+1), f.Height, "connected in order")
		from[f.From]++
	}
	assert.Len(t, from, 4, "blocks came from every peer: %v", from)
	synced := emitted[Synced](w, 0)
	assert.Equal(t, []Synced{{Height: 1000}}, synced, "Synced once")
	assert.Empty(t, emitted[Misbehaved](w, 0))
	assert.Empty(t, emitted[Stalled](w, 0))
	fp := w.syncs[0].Footprint()
	assert.Equal(t, Footprint{Headers: 1001, Peers: 4}, fp)
	st := w.net.Stats()
	t.Logf("1,000 blocks from 4 peers in %v virtual; %d messages, %d bytes; by peer %v",
		w.net.Elapsed().Round(time.Millisecond), st.Sent.Messages, st.Sent.Bytes, from)
	for _, c := range []string{blocks.CmdHeaders, CmdGetBlockData, blocks.CmdBlock} {
		t.Logf("  %-13s %5d messages %8d bytes", c, st.ByType[c].Messages, st.ByType[c].Bytes)
	}
}

// TestStallingPeerIsDropped: one of the four peers answers headers but
// never sends a block. The window fills behind the block it holds, the
// node finds it stalling, drops it and asks the others: the sync still
// finishes, with no block from it.
func TestStallingPeerIsDropped(t *testing.T) {
	chain := chainOf(t, 1000)
	trees := []*forkchoice.Tree{newTree(t)}
	for range 4 {
		trees = append(trees, treeOf(t, chain))
	}
	w := newWorld(t, 2, trees...)
	const staller = 1
	w.net.SetHook(func(m *simulation.InFlight) {
		if m.From == staller && m.To == 0 && m.Msg.Command() == blocks.CmdBlock {
			m.Drop = true
		}
	})

	require.True(t, w.runUntilSynced(2*time.Minute, chain[len(chain)-1].Hash(), 0))

	stallerID := w.nodes[0].peers[staller]
	stalls := emitted[Stalled](w, 0)
	require.Len(t, stalls, 1)
	assert.Equal(t, stallerID, stalls[0].Peer)
	assert.Equal(t, DefaultStallTimeout, stalls[0].Timeout)
	fetched := emitted[Fetched](w, 0)
	assert.Len(t, fetched, 1000)
	for _, f := range fetched {
		assert.NotEqual(t, stallerID, f.From, "block %d from the staller", f.Height)
	}
	assert.Equal(t, 3, w.syncs[0].Footprint().Peers, "the staller is dropped")
	t.Logf("stall found at height %d; synced in %v virtual",
		stalls[0].Height, w.net.Elapsed().Round(time.Millisecond))
}

// TestSilentPeerTimesOut: near the end of the chain the window is not
// what holds the node up, so a peer that never sends its blocks is
// caught by BlockTimeout instead: its requests go to the others.
func TestSilentPeerTimesOut(t *testing.T) {
	chain := chainOf(t, 40)
	w := newWorld(t, 3, newTree(t), treeOf(t, chain), treeOf(t, chain))
	const silent = 1
	w.net.SetHook(func(m *simulation.InFlight) {
		if m.From == silent && m.To == 0 && m.Msg.Command() == blocks.CmdBlock {
			m.Drop = true
		}
	})

	require.True(t, w.runUntilSynced(time.Minute, chain[len(chain)-1].Hash(), 0))

	silentID := w.nodes[0].peers[silent]
	outs := emitted[TimedOut](w, 0)
	require.NotEmpty(t, outs)
	assert.Equal(t, silentID, outs[0].Peer)
	assert.Positive(t, outs[0].Blocks)
	assert.Empty(t, emitted[Stalled](w, 0), "the window never filled")
	assert.GreaterOrEqual(t, w.net.Elapsed(), DefaultBlockTimeout)
	t.Logf("%d requests timed out; synced in %v virtual", outs[0].Blocks,
		w.net.Elapsed().Round(time.Millisecond))
}

// mine makes node id find a block on its tip, as its miner would, and
// returns it.
func (w *world) mine(id simulation.NodeID, tag uint64) *blocks.Block {
	w.t.Helper()
	b := mineOn(w.trees[id].Tip(), tag, 0)
	require.NoError(w.t, w.net.Inject(id, NewBlock{Block: b}))
	return b
}

// allSynced is a world of n nodes on one chain of length blocks, each
// synced with the others.
func allSynced(t *testing.T, seed uint64, n, length int) (*world, []*blocks.Block) {
	chain := chainOf(t, length)
	var trees []*forkchoice.Tree
	var ids []simulation.NodeID
	for i := range n {
		trees = append(trees, treeOf(t, chain))
		ids = append(ids, simulation.NodeID(i))
	}
	w := newWorld(t, seed, trees...)
	require.True(t, w.runUntilSynced(time.Minute, chain[length-1].Hash(), ids...))
	return w, chain
}

// TestNewBlockAnnouncedByHeaders: once synced, a block found by one
// node reaches every other as a headers announcement (BIP 130), whose
// body each fetches with getblockdata.
func TestNewBlockAnnouncedByHeaders(t *testing.T) {
	w, _ := allSynced(t, 4, 5, 100)
	before := w.net.Stats()
	const miner = 3

	b := w.mine(miner, 99)
	require.NoError(t, w.net.RunFor(5*time.Second))

	for id, tree := range w.trees {
		assert.Equal(t, b.Hash(), tree.Tip().Hash, "node %d", id)
	}
	got := emitted[Fetched](w, 0)
	require.Len(t, got, 1)
	assert.Equal(t, uint64(101), got[0].Height)
	after := w.net.Stats()
	count := func(cmd string) uint64 {
		return after.ByType[cmd].Messages - before.ByType[cmd].Messages
	}
	assert.Equal(t, uint64(4), count(CmdGetBlockData), "each other node asks once")
	assert.Equal(t, uint64(4), count(blocks.CmdBlock))
	assert.GreaterOrEqual(t, count(blocks.CmdHeaders), uint64(4))
	assert.Zero(t, count(blocks.CmdGetHeaders), "the headers connected")
	t.Logf("one block to 4 nodes: %d headers, %d getblockdata, %d block messages",
		count(blocks.CmdHeaders), count(CmdGetBlockData), count(blocks.CmdBlock))
}

// TestPartitionHeals: a node cut off with one peer follows the branch
// mined on its side; the other side mines more. After the heal the next
// block's announcement does not connect, so the node asks for the way
// there with getheaders, fetches the heavier branch and reorganises.
func TestPartitionHeals(t *testing.T) {
	w, _ := allSynced(t, 5, 5, 100)
	require.NoError(t, w.net.Partition([]simulation.NodeID{0, 1}, []simulation.NodeID{2, 3, 4}))
	for range 3 {
		w.mine(1, 1) // the node's side
		w.mine(2, 2) // the other side, twice as fast
		require.NoError(t, w.net.RunFor(5*time.Second))
		w.mine(2, 2)
		require.NoError(t, w.net.RunFor(5*time.Second))
	}
	require.Equal(t, uint64(103), w.trees[0].Tip().Height, "the node follows its side")
	require.Equal(t, w.trees[1].Tip().Hash, w.trees[0].Tip().Hash)
	require.Equal(t, uint64(106), w.trees[2].Tip().Height)

	w.net.Heal()
	b := w.mine(2, 2)
	require.NoError(t, w.net.RunFor(30*time.Second))

	for id, tree := range w.trees {
		assert.Equal(t, b.Hash(), tree.Tip().Hash, "node %d", id)
	}
	// The branch's blocks connect in order: at the fourth it has more
	// work than the node's three, the tree reorganises, and the other
	// three extend it.
	assert.Equal(t, []Reorganized{{Off: 3, On: 4}}, emitted[Reorganized](w, 0))
	assert.Len(t, emitted[Fetched](w, 0), 3+7, "its side's 3, then the 7")
	assert.Empty(t, emitted[Misbehaved](w, 0))
}

// tally is a Scorer that disconnects a peer at 100 points, as chapter
// 05's PeerTable does (without the ban).
type tally map[simulation.PeerID]int

func (s tally) Misbehaving(_ time.Time, p simulation.PeerID, points int,
	reason string) []simulation.Action {
	before := s[p]
	s[p] += points
	if before < 100 && s[p] >= 100 {
		return []simulation.Action{simulation.Disconnect{Peer: p}}
	}
	return nil
}

// TestAttackerDisconnected: in the simulator, a peer that sends a header
// whose proof of work fails is scored to the threshold and cut off,
// while the node keeps syncing from its honest peer.
func TestAttackerDisconnected(t *testing.T) {
	chain := chainOf(t, 100)
	w := newWorld(t, 6, newTree(t), treeOf(t, chain), nil)
	scores := tally{}
	w.syncs[0].SetScorer(scores)
	require.True(t, w.runUntilSynced(time.Minute, chain[99].Hash(), 0))

	const bad = 2
	h := headersOn(chain[99].Hash(), 100, 1, 66)[0]
	for h.Nonce++; pow.CheckProofOfWork(h.BlockHash(), h.Bits, testParams.PowLimit) == nil; h.Nonce++ {
	}
	to := w.nodes[bad].peers[0]
	require.NoError(t, w.net.Act(bad, simulation.Send{To: to,
		Msg: &blocks.MsgHeaders{Headers: []blocks.Header{h}}}))
	require.NoError(t, w.net.RunFor(time.Second))

	assert.Equal(t, InvalidHeaderPoints, scores[w.nodes[0].peers[bad]])
	assert.Equal(t, 1, w.syncs[0].Footprint().Peers, "the attacker is gone")
	assert.Equal(t, 101, w.syncs[0].Footprint().Headers, "its header is not kept")
	b := w.mine(1, 5)
	require.NoError(t, w.net.RunFor(5*time.Second))
	assert.Equal(t, b.Hash(), w.trees[0].Tip().Hash, "the honest peer's block still comes")
}

// TestBadCopyOfABlock: a peer sends, for each block asked of it, a body
// that is not the header's (its coinbase changed, so its merkle root is
// not the header's). It is scored and cut off; the header stays good,
// and the block comes from the other peer.
func TestBadCopyOfABlock(t *testing.T) {
	chain := chainOf(t, 200)
	w := newWorld(t, 7, newTree(t), treeOf(t, chain), treeOf(t, chain))
	scores := tally{}
	w.syncs[0].SetScorer(scores)
	const liar = 1
	w.net.SetHook(func(m *simulation.InFlight) {
		if mb, ok := m.Msg.(*blocks.MsgBlock); ok && m.From == liar && m.To == 0 {
			bad := mb.Block
			bad.Coinbase.Amount++
			m.Msg = &blocks.MsgBlock{Block: bad}
		}
	})

	require.True(t, w.runUntilSynced(time.Minute, chain[199].Hash(), 0))

	liarID := w.nodes[0].peers[liar]
	assert.GreaterOrEqual(t, scores[liarID], InvalidBlockPoints)
	assert.Equal(t, 1, w.syncs[0].Footprint().Peers, "the liar is gone")
	assert.False(t, w.syncs[0].Headers().IsInvalid(chain[0].Hash()))
	for _, f := range emitted[Fetched](w, 0) {
		assert.NotEqual(t, liarID, f.From)
	}
}

// TestSameSeedSameRun: the simulation is deterministic, so a failing
// run can be replayed: the same seed gives the same emits at the same
// virtual times.
func TestSameSeedSameRun(t *testing.T) {
	chain := chainOf(t, 300)
	run := func(seed uint64) string {
		trees := []*forkchoice.Tree{newTree(t)}
		for range 3 {
			trees = append(trees, treeOf(t, chain))
		}
		w := newWorld(t, seed, trees...)
		require.True(t, w.runUntilSynced(time.Minute, chain[299].Hash(), 0))
		return fmt.Sprint(w.log)
	}
	assert.Equal(t, run(8), run(8))
	assert.NotEqual(t, run(8), run(9), "another seed, another run")
}
