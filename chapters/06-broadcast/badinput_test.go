package broadcast

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
)

// Small limits, so that ten times each is quick to send.
const (
	tSeen, tStore, tKnown, tWanted, tInFlight, tTrees = 400, 100, 200, 100, 50, 50
)

// small is a config with small limits, pruning on, no periodic sync.
func small(policy Policy, noPrune bool) Config {
	return Config{Policy: policy, NoPrune: noPrune, NoSync: true, LazyWait: DefaultLazyWait,
		SeenSize: tSeen, StoreSize: tStore, KnownPerPeer: tKnown, MaxWanted: tWanted, MaxInFlight: tInFlight,
		MaxTrees: tTrees}
}

// assertBounded checks that the protocol holds no more than its limits.
func assertBounded(t *testing.T, f Footprint) {
	t.Helper()
	assert.LessOrEqual(t, f.Seen, tSeen, "seen")
	assert.LessOrEqual(t, f.Stored, tStore, "stored")
	assert.LessOrEqual(t, f.Trees, tTrees, "trees")
	assert.LessOrEqual(t, f.Queued, tStore, "queued")
	assert.LessOrEqual(t, f.Wanted, tWanted, "wanted")
	assert.LessOrEqual(t, f.Known, tKnown, "known")
	assert.LessOrEqual(t, f.Sent, tKnown, "sent")
	assert.LessOrEqual(t, f.Asked, tInFlight, "asked")
}

// assertTreesBounded checks what the protocol keeps per tree, for each
// peer: the trees it pruned, those we pruned, and the prunes queued.
func assertTreesBounded(t *testing.T, p *Protocol) {
	t.Helper()
	for id, pe := range p.peers {
		assert.LessOrEqual(t, pe.lazy.len(), tTrees, "peer %d: trees it pruned", id)
		assert.LessOrEqual(t, pe.pruned.len(), tTrees, "peer %d: trees we pruned", id)
		assert.LessOrEqual(t, len(pe.prunes), MaxPruneTrees, "peer %d: prunes queued", id)
	}
}

// maxFootprint is the most of each count of two footprints.
func maxFootprint(a, b Footprint) Footprint {
	return Footprint{Seen: max(a.Seen, b.Seen), Stored: max(a.Stored, b.Stored),
		Trees: max(a.Trees, b.Trees), Wanted: max(a.Wanted, b.Wanted), Peers: max(a.Peers, b.Peers),
		Known: max(a.Known, b.Known), Sent: max(a.Sent, b.Sent), Asked: max(a.Asked, b.Asked),
		Queued: max(a.Queued, b.Queued)}
}

// invalid is the i-th item whose data is not what its ID names.
func invalid(i int) Item {
	it := blob(100_000 + i)
	it.Data = append(it.Data, 0xff)
	return it
}

// TestBadInput: each kind of bad input from the issue, sent ten times
// over the limit it tests: it is dropped, each message that carries it
// is scored with the documented points, memory stays within its
// limits, and the items accepted before are all still held.
func TestBadInput(t *testing.T) {
	const attacker, honest = 1, 2
	good := blobs(0, 5) // accepted from the honest peer first
	tests := []struct {
		name   string
		cfg    Config
		setup  func(r *rig) // after the good items arrive
		rounds int
		msgs   func(r *rig, i int) []wire.Message // what the attacker sends in round i
		points int                                // per round
		// kept reports whether the attacker's round i item is held
		// afterwards; nil: none is.
		kept func(i int) bool
	}{
		{
			name: "unsolicited: pushes after a prune", cfg: small(DefaultPolicy(), false),
			setup: func(r *rig) {
				r.recv(attacker, onTree(treeA, 1, good[0])) // a second push: pruned
				r.advance(DefaultPruneGrace + time.Second)
				r.recv(attacker, onTree(treeA, 1, blob(999))) // told again
				r.advance(DefaultPruneGrace + time.Second)
			},
			rounds: 10 * tStore,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{onTree(treeA, 1, blob(1000+i))}
			},
			points: UnsolicitedPoints,
		},
		{
			name: "an inv over the limit", cfg: small(DefaultPolicy(), false), rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				list := make([]InvVect, MaxInvEntries+1)
				for j := range list {
					list[j] = InvVect{Type: Blob.Code, ID: idOfByte(byte(j))}
				}
				return []wire.Message{&MsgInv{List: list}}
			},
			points: OversizePoints,
		},
		{
			name: "a getdata over the limit", cfg: small(DefaultPolicy(), false), rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgGetData{List: append(invOf(good...), make([]InvVect, MaxInvEntries)...)}}
			},
			points: OversizePoints,
		},
		{
			name: "a notfound over the limit", cfg: small(DefaultPolicy(), false), rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgNotFound{List: make([]InvVect, MaxInvEntries+1)}}
			},
			points: OversizePoints,
		},
		{
			name: "an items message over the limit", cfg: small(DefaultPolicy(), false), rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgItems{Items: blobs(2000, 2000+MaxItemsPerMsg+1)}}
			},
			points: OversizePoints,
		},
		{
			name: "endless notfound, never asked", cfg: small(DefaultPolicy(), false), rounds: 10 * tInFlight,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgNotFound{List: invOf(blob(3000 + i))}}
			},
			points: NotFoundPoints,
		},
		{
			name: "the same item re-sent", cfg: small(DefaultPolicy(), false), rounds: 10 * tKnown,
			setup: func(r *rig) {
				r.recv(attacker, &MsgItems{Items: []Item{blob(4000)}})
			},
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgItems{Items: []Item{blob(4000)}}}
			},
			points: DuplicatePoints,
		},
		{
			name: "an item that fails its type's check", cfg: small(DefaultPolicy(), false), rounds: 10 * tStore,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgItems{Items: []Item{invalid(i)}}}
			},
			points: InvalidPoints,
		},
		{
			name: "an item over its type's size", cfg: small(DefaultPolicy(), false), rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgItems{Items: []Item{NewBlob(make([]byte, BlobMaxSize+1+i))}}}
			},
			points: InvalidPoints,
		},
		{
			name: "an item of a type nobody knows", cfg: small(DefaultPolicy(), false), rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				it := blob(5000 + i)
				it.Type = 42
				return []wire.Message{&MsgItems{Items: []Item{it}}}
			},
			points: InvalidPoints,
		},
		{
			name: "a valid item after an invalid one, in one message", cfg: small(DefaultPolicy(), false),
			rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgItems{Items: []Item{invalid(i), blob(6000 + i)}}}
			},
			points: InvalidPoints,
		},
		// Not misbehaviour, but each bounded all the same.
		{
			name: "announcements of ever new items, never sent", cfg: small(DefaultPolicy(), false),
			rounds: 10 * tWanted,
			msgs: func(r *rig, i int) []wire.Message {
				if i%50 == 49 {
					r.advance(slack) // the asks, unanswered
				}
				return []wire.Message{&MsgInv{List: invOf(blob(7000 + i))}}
			},
		},
		{
			name: "announce, then notfound, endlessly", cfg: small(DefaultPolicy(), false),
			rounds: 10 * tInFlight,
			msgs: func(r *rig, i int) []wire.Message {
				it := blob(8000 + i)
				r.recv(attacker, &MsgInv{List: invOf(it)})
				r.advance(time.Second)
				return []wire.Message{&MsgNotFound{List: invOf(it)}}
			},
		},
		{
			name: "items on ever new trees", cfg: small(DefaultPolicy(), false), rounds: 10 * tTrees,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{onTree(uint64(i)<<8|1, 1, blob(9500+i))}
			},
			kept: func(i int) bool { return i >= 10*tTrees-tSeen },
		},
		{
			name: "prunes of ever new trees", cfg: small(DefaultPolicy(), false), rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				trees := make([]uint64, MaxPruneTrees)
				for j := range trees {
					trees[j] = uint64(i*MaxPruneTrees+j)<<8 | 1
				}
				return []wire.Message{&MsgPrune{Trees: trees}, &MsgItems{Prune: trees}}
			},
		},
		{
			name: "announcements riding, of ever new items", cfg: small(DefaultPolicy(), false), rounds: 10,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgItems{Inv: invOf(blobs(10_000+i*MaxRiders, 10_000+(i+1)*MaxRiders)...)}}
			},
		},
		{
			name: "pushes nobody asked for, where every push is welcome",
			cfg:  small(AnnouncePolicy{Delay: time.Second}, true), rounds: 10 * tStore,
			msgs: func(_ *rig, i int) []wire.Message {
				return []wire.Message{&MsgItems{Items: []Item{blob(9000 + i)}}}
			},
			kept: func(i int) bool { return i >= 10*tStore-tSeen },
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.cfg, attacker, honest)
			r.recv(honest, onTree(treeA, 1, good...))
			require.Equal(t, len(good), r.p.Len())
			if tt.setup != nil {
				tt.setup(r)
			}
			before := r.s.points[attacker]
			var most Footprint // the most of each, at any moment
			var sentItems []Item
			for i := range tt.rounds {
				for _, m := range tt.msgs(r, i) {
					if items, ok := m.(*MsgItems); ok && len(items.Items) <= MaxItemsPerMsg {
						sentItems = append(sentItems, items.Items...)
					}
					acts := r.recv(attacker, m)
					most = maxFootprint(most, r.p.Footprint())
					assertTreesBounded(t, r.p)
					if tt.points > 0 {
						assert.Empty(t, sendsOf[*MsgItems](acts)[honest], "round %d: nothing relayed", i)
						assert.Empty(t, sendsOf[*MsgInv](acts)[honest], "round %d: nothing relayed", i)
					}
				}
			}
			r.advance(10 * time.Second)
			most = maxFootprint(most, r.p.Footprint())

			assert.Equal(t, tt.points*tt.rounds, r.s.points[attacker]-before, "reasons: %q", r.s.reasons[attacker])
			assert.Zero(t, r.s.points[honest], "the honest peer is not blamed")
			assertBounded(t, most)
			if tt.kept == nil {
				for _, it := range good {
					assert.True(t, r.p.Has(it.ID), "an item accepted before is still held")
				}
			}
			for i, it := range sentItems {
				if it.ID == blob(4000).ID || it.ID == good[0].ID {
					continue // accepted before the attack
				}
				want := tt.kept != nil && tt.kept(i)
				if !assert.Equal(t, want, r.p.Has(it.ID), "attacker's item %d", i) {
					break
				}
			}
		})
	}
}

// TestQueuesBounded: a peer pushing valid items as fast as it can,
// where pushes are welcome, fills the other peers' batches no further
// than the store can serve, and what the batch names can be served:
// an ID queued beyond that names an item gone from the store by the
// time the batch goes, announced and then not found, or dropped from
// a push unannounced.
func TestQueuesBounded(t *testing.T) {
	tests := []struct {
		name   string
		policy Policy
	}{
		{name: "announcements", policy: AnnouncePolicy{Delay: time.Second}},
		{name: "pushes", policy: PlumtreePolicy{PushDelay: wait(time.Second), AnnounceDelay: time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, small(tt.policy, true), 1, 2)
			most, told := 0, 0
			// tell counts what peer 2 is told of, and asks at once for
			// what it is announced: each must be found.
			tell := func(acts []simulation.Action) {
				for _, m := range sendsOf[*MsgInv](acts)[2] {
					told += len(m.List)
					nf := sendsOf[*MsgNotFound](r.recv(2, &MsgGetData{List: m.List}))[2]
					assert.Empty(t, nf, "announced, then not found")
				}
				for _, m := range sendsOf[*MsgItems](acts)[2] {
					told += len(m.Items)
				}
			}
			for i := range 10 * tStore {
				tell(r.recv(1, &MsgItems{Items: []Item{blob(i)}}))
				most = max(most, r.p.Footprint().Queued)
			}
			assert.LessOrEqual(t, most, tStore, "queued for one peer")
			tell(r.advance(5 * time.Second))
			assert.GreaterOrEqual(t, told, tStore, "peer 2 is told of what the store holds")
		})
	}
}

// TestBadGetDataNotAnswered: a getdata over the limit is not answered
// at all, not even in part.
func TestBadGetDataNotAnswered(t *testing.T) {
	r := newRig(t, small(DefaultPolicy(), false), 1)
	r.publish(blob(1))
	r.advance(time.Second)
	acts := r.recv(1, &MsgGetData{List: append(invOf(blob(1)), make([]InvVect, MaxInvEntries)...)})
	assert.Zero(t, sendCount(acts))
	assert.Equal(t, OversizePoints, r.s.points[1])
}

// TestInvOfUnknownTypeIgnored: announcements of a type this node does
// not relay are not fetched, and cost nothing: a newer peer may relay
// more types than we do.
func TestInvOfUnknownTypeIgnored(t *testing.T) {
	r := newRig(t, fetching(0), 1)
	acts := r.recv(1, &MsgInv{List: []InvVect{{Type: 42, ID: blob(1).ID}}})
	acts = append(acts, r.advance(time.Second)...)
	assert.Empty(t, sendsOf[*MsgGetData](acts))
	assert.Zero(t, r.p.Footprint().Wanted)
	assert.Empty(t, r.s.points)
}

// TestScoredThroughPeerTable: with a real node, bad input reaches the
// connection manager's table, which bans the peer at the threshold.
func TestScoredThroughPeerTable(t *testing.T) {
	w := newWorld(t, worldConfig{nodes: 2, seed: 1, cfg: DefaultConfig(),
		liar: map[simulation.NodeID]bool{1: true}})
	require.NoError(t, w.RunFor(5*time.Second))
	bans := w.banned(0)
	require.Len(t, bans, 1, "node 0 banned the liar")
	assert.Equal(t, w.Addr(1), bans[0].Addr)
	assert.Contains(t, bans[0].Reason, "invalid item")
	assert.False(t, w.protocol(0).Has(invalid(0).ID))
}
