package broadcast

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

// treeC is a third publisher's tree.
const treeC uint64 = 0x0c0c0c0c0c0c0c0d

// onWire is how an item went to a peer: the tree it was put on and the
// hops it was said to have come.
type onWire struct {
	tree uint64
	hops uint8
}

// wireOf is, for each item pushed to peer in acts, its tree and hops.
func wireOf(acts []simulation.Action, peer simulation.PeerID) map[ID]onWire {
	out := map[ID]onWire{}
	for _, m := range sendsOf[*MsgItems](acts)[peer] {
		for i, it := range m.Items {
			out[it.ID] = onWire{tree: at(m.Trees, i), hops: at(m.Hops, i)}
		}
	}
	return out
}

// TestOneTreePerPublisher: every node draws a tree key of its own; the
// items it publishes travel on it, and an item it relays keeps the
// tree it came on, one hop further.
func TestOneTreePerPublisher(t *testing.T) {
	t.Run("each node draws its own tree", func(t *testing.T) {
		seen := map[uint64]bool{}
		for seed := range uint64(50) {
			p, err := New(DefaultConfig(), rand.New(rand.NewPCG(seed, 6)))
			require.NoError(t, err)
			assert.NotZero(t, p.tree)
			assert.Equal(t, uint64(1), p.tree&1, "odd")
			assert.False(t, seen[p.tree], "seed %d drew a tree already drawn", seed)
			seen[p.tree] = true
		}
	})
	t.Run("items travel on their publisher's tree", func(t *testing.T) {
		r := newRig(t, fetching(DefaultLazyWait), 1, 2, 3)
		own := r.p.tree
		require.NotContains(t, []uint64{treeA, treeB}, own)
		acts := r.publish(blob(0))
		acts = append(acts, r.recv(1, onTree(treeA, 1, blob(1)))...)
		acts = append(acts, r.recv(2, onTree(treeB, 4, blob(2)))...)
		acts = append(acts, r.advance(time.Second)...)
		mine, fromA, fromB := onWire{own, 1}, onWire{treeA, 2}, onWire{treeB, 5}
		assert.Equal(t, map[ID]onWire{blob(0).ID: mine, blob(2).ID: fromB}, wireOf(acts, 1))
		assert.Equal(t, map[ID]onWire{blob(0).ID: mine, blob(1).ID: fromA}, wireOf(acts, 2))
		assert.Equal(t, map[ID]onWire{blob(0).ID: mine, blob(1).ID: fromA, blob(2).ID: fromB},
			wireOf(acts, 3))
		assert.Equal(t, 2, r.p.Footprint().Trees, "A and B: each has a parent, our own none")
	})
}

// TestDuplicatePrunesItsTreeOnly: an item of tree A pushed a second
// time, by a peer that is not where A comes from, prunes that peer off
// A alone: it may go on pushing B, and is still pushed A, since a tree
// is one-way.
func TestDuplicatePrunesItsTreeOnly(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2, 3)
	r.recv(1, onTree(treeA, 1, blob(1)))
	r.recv(2, onTree(treeB, 1, blob(2)))
	r.advance(time.Second)

	acts := r.recv(3, onTree(treeA, 2, blob(1)))
	acts = append(acts, r.advance(time.Second)...)
	assert.Equal(t, []uint64{treeA}, prunesTo(acts, 3), "A, and only A")
	assert.Empty(t, prunesTo(acts, 1))
	assert.Empty(t, prunesTo(acts, 2))
	assert.Empty(t, r.s.points, "a push crossing another is not misbehaviour")

	// Long after the prune: B from peer 3 is welcome, A is not.
	r.advance(DefaultPruneGrace + time.Second)
	got := r.recv(3, onTree(treeB, 2, blob(3)))
	assert.Len(t, emitted[Delivered](got), 1, "B from peer 3")
	assert.Empty(t, r.s.points)
	got = r.recv(3, onTree(treeA, 2, blob(4)))
	got = append(got, r.advance(time.Second)...)
	assert.Len(t, emitted[Delivered](got), 1, "A from peer 3: our prune may be lost")
	assert.Equal(t, []uint64{treeA}, prunesTo(got, 3), "so it is sent again")
	assert.Empty(t, r.s.points)
	r.advance(DefaultPruneGrace + time.Second)
	got = r.recv(3, onTree(treeA, 2, blob(6)))
	assert.Empty(t, emitted[Delivered](got), "A from peer 3, after the prune, twice")
	assert.Equal(t, UnsolicitedPoints, r.s.points[3])

	// One-way: we still push A to peer 3.
	acts = r.recv(1, onTree(treeA, 1, blob(5)))
	acts = append(acts, r.advance(time.Second)...)
	assert.Equal(t, idsOf(blob(5)), pushedTo(acts, 3))
}

// TestParentNeverPruned: the peer a tree's first item came from is
// that tree's parent: a duplicate from it prunes nothing, so no node
// prunes itself off a tree. When the parent goes, the tree's next
// answered getdata (the graft) names the new one.
func TestParentNeverPruned(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2, 3)
	var acts []simulation.Action
	acts = append(acts, r.recv(1, onTree(treeA, 1, blob(1)))...) // 1 is A's parent
	acts = append(acts, r.recv(2, onTree(treeA, 1, blob(1)))...) // a duplicate from 2
	acts = append(acts, r.recv(3, onTree(treeA, 1, blob(2)))...) // 3 is first, this time
	acts = append(acts, r.recv(1, onTree(treeA, 1, blob(2)))...) // a duplicate from the parent
	acts = append(acts, r.advance(time.Second)...)
	assert.Empty(t, prunesTo(acts, 1), "the parent is never pruned")
	assert.Equal(t, []uint64{treeA}, prunesTo(acts, 2))
	assert.Empty(t, prunesTo(acts, 3), "first with blob 2, but not A's parent: never a duplicate")
	parent, ok := r.p.parent.get(treeA)
	require.True(t, ok)
	assert.Equal(t, simulation.PeerID(1), parent)

	// The parent goes: A is fetched from peer 2, which was pruned;
	// its answer is the graft.
	r.handle(simulation.PeerDisconnected{Peer: 1})
	assert.False(t, r.p.parent.has(treeA), "forgotten with its peer")
	r.advance(DefaultPruneGrace + time.Second)
	r.recv(2, &MsgInv{List: invOf(blob(3))})
	to, gd := getdataTo(t, r.advance(DefaultLazyWait+slack))
	require.Equal(t, simulation.PeerID(2), to)
	require.Equal(t, invOf(blob(3)), gd.List)
	got := r.recv(2, onTree(treeA, 2, blob(3)))
	require.Len(t, emitted[Delivered](got), 1)
	parent, _ = r.p.parent.get(treeA)
	assert.Equal(t, simulation.PeerID(2), parent, "the graft")

	// Peer 2 may push A again, and is now never pruned off it.
	acts = r.recv(2, onTree(treeA, 2, blob(4)))
	assert.Len(t, emitted[Delivered](acts), 1, "a push from a grafted peer is welcome")
	acts = append(acts, r.recv(3, onTree(treeA, 2, blob(4)))...) // a duplicate: 3 is pruned
	acts = append(acts, r.recv(3, onTree(treeA, 2, blob(5)))...) // in its grace, first
	acts = append(acts, r.recv(2, onTree(treeA, 2, blob(5)))...) // from the parent: kept
	acts = append(acts, r.advance(time.Second)...)
	assert.Empty(t, prunesTo(acts, 2))
	assert.Equal(t, []uint64{treeA}, prunesTo(acts, 3))
	assert.Empty(t, r.s.points)
}

// TestPruneRidesOrGoesAlone: a prune waits for a push to the same peer
// and rides on it; with none within PruneWait it goes alone, naming
// every tree pruned meanwhile.
func TestPruneRidesOrGoesAlone(t *testing.T) {
	tests := []struct {
		name      string
		dups      []*MsgItems                      // from peer 3: each prunes its tree
		then      func(r *rig) []simulation.Action // within PruneWait
		wantAlone []uint64                         // the prune message's trees
		wantRide  []uint64                         // the prunes riding on a push
	}{
		{name: "rides on the next push", dups: []*MsgItems{onTree(treeA, 2, blob(1))},
			then: func(r *rig) []simulation.Action {
				r.advance(DefaultPruneWait / 2)
				return r.recv(1, onTree(treeC, 1, blob(9))) // goes to 3 in 60 ms
			}, wantRide: []uint64{treeA}},
		{name: "goes alone after PruneWait", dups: []*MsgItems{onTree(treeA, 2, blob(1))},
			wantAlone: []uint64{treeA}},
		{name: "two trees' prunes go together", dups: []*MsgItems{onTree(treeA, 2, blob(1)),
			onTree(treeB, 2, blob(2))}, wantAlone: []uint64{treeA, treeB}},
		{name: "two in one message", dups: []*MsgItems{{Items: blobs(1, 3),
			Trees: []uint64{treeA, treeB}, Hops: []uint8{2, 2}}}, wantAlone: []uint64{treeA, treeB}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, fetching(DefaultLazyWait), 1, 2, 3)
			r.recv(1, onTree(treeA, 1, blob(1)))
			r.recv(1, onTree(treeB, 1, blob(2)))
			r.advance(time.Second)
			start := r.now
			var acts []simulation.Action
			for _, m := range tt.dups {
				acts = append(acts, r.recv(3, m)...)
			}
			if tt.then != nil {
				acts = append(acts, tt.then(r)...)
			}
			early := r.advance(start.Add(DefaultPruneWait - time.Millisecond).Sub(r.now))
			acts = append(acts, early...)
			if tt.wantAlone != nil {
				assert.Empty(t, prunesTo(acts, 3), "not before PruneWait")
			}
			acts = append(acts, r.advance(10*time.Second)...)
			var alone []uint64
			for _, m := range sendsOf[*MsgPrune](acts)[3] {
				alone = append(alone, m.Trees...)
			}
			assert.Equal(t, tt.wantAlone, alone, "alone")
			var rode []uint64
			for _, m := range sendsOf[*MsgItems](acts)[3] {
				rode = append(rode, m.Prune...)
				if len(m.Prune) > 0 {
					assert.NotEmpty(t, m.Items, "a prune rides on items")
				}
			}
			assert.Equal(t, tt.wantRide, rode, "riding")
			assert.LessOrEqual(t, len(sendsOf[*MsgPrune](acts)[3]), 1, "one prune message at most")
		})
	}
}

// TestPrunedTreeIsAnnounced: a peer that pruned a tree is announced
// that tree's items instead of pushed them, whatever the policy says:
// after PruneGrace it would score a push as unsolicited. Its other
// trees, and the trees of other peers, are pushed as before.
func TestPrunedTreeIsAnnounced(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
	}{
		{name: "the tree", policy: DefaultPolicy()},
		{name: "flooding, pruning on", policy: FloodPolicy{}},
		{name: "a policy that pushes to every link", policy: &recorder{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{Policy: tt.policy, NoSync: true, LazyWait: DefaultLazyWait}, 1, 2)
			r.recv(1, &MsgPrune{Trees: []uint64{r.p.tree, treeA}})
			assert.Equal(t, []simulation.PeerID{2}, r.p.Eager())
			acts := r.publish(blob(1))
			acts = append(acts, r.recv(2, onTree(treeA, 1, blob(2)))...)
			acts = append(acts, r.recv(2, onTree(treeB, 1, blob(3)))...)
			acts = append(acts, r.advance(time.Minute)...)
			assert.Equal(t, idsOf(blob(3)), pushedTo(acts, 1), "B alone is pushed to peer 1")
			assert.ElementsMatch(t, idsOf(blob(1), blob(2)), toldOf(acts, 1), "the pruned trees are announced")
			assert.Equal(t, idsOf(blob(1)), pushedTo(acts, 2))
			if rec, ok := tt.policy.(*recorder); ok {
				require.NotEmpty(t, rec.links)
				assert.Equal(t, []Link{{Peer: 1, Eager: false}, {Peer: 2, Eager: true}}, rec.links[0],
					"the policy is shown the pruned link")
			}
		})
	}
}

// TestPruneIsOneWay: a peer's prune stops our pushes to it, not its
// pushes to us: they are still welcome, however late.
func TestPruneIsOneWay(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2)
	r.recv(1, &MsgPrune{Trees: []uint64{treeA}})
	r.advance(DefaultPruneGrace + time.Second)
	got := r.recv(1, onTree(treeA, 1, blob(1)))
	assert.Len(t, emitted[Delivered](got), 1)
	assert.Empty(t, r.s.points)
}

// TestGraft: a getdata from a peer that pruned a tree grafts it back
// onto that tree: it is pushed the tree's items again.
func TestGraft(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2, 3)
	require.Equal(t, []simulation.PeerID{1, 2, 3}, r.p.Eager(), "every link starts eager")
	r.recv(2, &MsgPrune{Trees: []uint64{r.p.tree}})
	r.recv(3, &MsgPrune{Trees: []uint64{r.p.tree}})
	require.Equal(t, []simulation.PeerID{1}, r.p.Eager())
	acts := r.publish(blob(1))
	acts = append(acts, r.advance(time.Minute)...)
	assert.Equal(t, idsOf(blob(1)), pushedTo(acts, 1))
	for _, p := range []simulation.PeerID{2, 3} {
		assert.Empty(t, pushedTo(acts, p), "peer %d off the tree", p)
		assert.Equal(t, idsOf(blob(1)), toldOf(acts, p), "peer %d is told", p)
	}

	answer := r.recv(2, &MsgGetData{List: invOf(blob(1))})
	assert.Equal(t, map[ID]onWire{blob(1).ID: {r.p.tree, 1}}, wireOf(answer, 2), "the answer names the tree")
	assert.Equal(t, []simulation.PeerID{1, 2}, r.p.Eager(), "the getdata grafts")
	acts = r.publish(blob(2))
	assert.Equal(t, idsOf(blob(2)), pushedTo(acts, 1))
	assert.Equal(t, idsOf(blob(2)), pushedTo(acts, 2), "grafted")
	assert.Empty(t, pushedTo(acts, 3))
}

// TestUnsolicitedAfterGrace: a peer we pruned off a tree may go on
// pushing it for PruneGrace, its pushes crossing our prune; after
// that a push of that tree costs it points and is dropped.
func TestUnsolicitedAfterGrace(t *testing.T) {
	tests := []struct {
		name       string
		again      bool // a push after the grace first: the prune sent again
		after      time.Duration
		wantPoints int
	}{
		{name: "at once", after: 0},
		{name: "within the grace", after: DefaultPruneGrace},
		{name: "after the grace: told again", after: DefaultPruneGrace + time.Millisecond},
		{name: "within the second prune's grace", again: true, after: DefaultPruneGrace},
		{name: "after the second prune's grace", again: true,
			after: DefaultPruneGrace + time.Millisecond, wantPoints: UnsolicitedPoints},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, fetching(DefaultLazyWait), 1, 2)
			r.recv(1, onTree(treeA, 1, blob(1)))
			r.recv(2, onTree(treeA, 1, blob(1))) // pruned, now
			if tt.again {
				r.advance(DefaultPruneGrace + time.Millisecond)
				r.recv(2, onTree(treeA, 1, blob(3)))
				require.Zero(t, r.s.points[2], "the first push after the grace")
			}
			r.advance(tt.after)
			got := r.recv(2, onTree(treeA, 1, blob(2)))
			assert.Equal(t, tt.wantPoints, r.s.points[2], "reasons: %q", r.s.reasons[2])
			assert.Equal(t, tt.wantPoints == 0, r.p.Has(blob(2).ID))
			assert.Equal(t, tt.wantPoints == 0, len(emitted[Delivered](got)) == 1)
		})
	}
}

// TestNoPrune: with NoPrune a second push prunes nothing, and a prune
// received changes nothing.
func TestNoPrune(t *testing.T) {
	cfg := fetching(DefaultLazyWait)
	cfg.NoPrune = true
	r := newRig(t, cfg, 1, 2)
	acts := r.recv(1, onTree(treeA, 1, blob(1)))
	acts = append(acts, r.recv(2, onTree(treeA, 1, blob(1)))...)
	acts = append(acts, r.advance(time.Second)...)
	assert.Empty(t, prunesTo(acts, 2))
	r.recv(1, &MsgPrune{Trees: []uint64{r.p.tree}})
	assert.Equal(t, []simulation.PeerID{1, 2}, r.p.Eager())
	assert.Len(t, pushedTo(r.publish(blob(2)), 1), 1)
}

// TestLostPruneSentAgain: a prune can be lost (the simulator drops
// messages, and a partition drops those in flight); the peer then goes
// on pushing the tree in good faith. Its first push after PruneGrace
// is answered with the prune again, not with points; pushes after that
// prune's grace are scored.
func TestLostPruneSentAgain(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2)
	r.recv(1, onTree(treeA, 1, blob(1)))
	acts := r.recv(2, onTree(treeA, 1, blob(1)))
	acts = append(acts, r.advance(time.Second)...)
	require.Equal(t, []uint64{treeA}, prunesTo(acts, 2), "sent, and lost on the way")

	r.advance(DefaultPruneGrace + time.Second)
	acts = r.recv(2, onTree(treeA, 1, blob(2)))
	acts = append(acts, r.advance(time.Second)...)
	assert.Zero(t, r.s.points[2], "it never heard the prune: reasons %q", r.s.reasons[2])
	assert.Equal(t, []uint64{treeA}, prunesTo(acts, 2), "told again")

	r.advance(DefaultPruneGrace + time.Second)
	r.recv(2, onTree(treeA, 1, blob(3)))
	assert.Equal(t, UnsolicitedPoints, r.s.points[2], "told twice: now it is scored")
}

// TestGraftCancelsPendingPrune: a prune still waiting for a push to
// ride on is dropped when the same peer is grafted onto that tree in
// the meantime: sent after the graft, it would take the tree's new
// parent off the tree.
func TestGraftCancelsPendingPrune(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2)
	r.recv(1, onTree(treeA, 1, blob(1)))
	r.advance(100 * time.Millisecond)            // blob 1 goes on to peer 2
	acts := r.recv(2, onTree(treeA, 1, blob(1))) // pruned: goes alone in PruneWait
	acts = append(acts, r.recv(2, &MsgInv{List: invOf(blob(2))})...)
	acts = append(acts, r.advance(DefaultLazyWait+slack)...)
	require.Empty(t, prunesTo(acts, 2), "not gone yet")
	to, _ := getdataTo(t, acts)
	require.Equal(t, simulation.PeerID(2), to)
	r.recv(2, onTree(treeA, 2, blob(2))) // the answer: the graft
	parent, _ := r.p.parent.get(treeA)
	require.Equal(t, simulation.PeerID(2), parent)

	acts = r.advance(time.Second)
	assert.Empty(t, prunesTo(acts, 2), "the graft undid the prune")
}
