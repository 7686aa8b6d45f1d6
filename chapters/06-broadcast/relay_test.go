package broadcast

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

// TestBatching: items queued for a peer within its flush delay go to
// it as one message, items or inv as the policy says, after the delay;
// with no delay each goes at once, in a message of its own. Pushed
// items name our tree and one hop.
func TestBatching(t *testing.T) {
	const n = 5
	tests := []struct {
		name      string
		policy    Policy
		wantInv   bool          // announced, not pushed
		wantMsgs  int           // messages to each peer
		notBefore time.Duration // nothing is sent sooner
	}{
		{name: "announce, batched", policy: AnnouncePolicy{Delay: 100 * time.Millisecond},
			wantInv: true, wantMsgs: 1, notBefore: 50 * time.Millisecond},
		{name: "push along the tree, batched", policy: PlumtreePolicy{PushDelay: wait(100 * time.Millisecond),
			AnnounceDelay: time.Second}, wantMsgs: 1, notBefore: 50 * time.Millisecond},
		{name: "announce, no delay", policy: AnnouncePolicy{}, wantInv: true, wantMsgs: n},
		{name: "flood", policy: FloodPolicy{}, wantMsgs: n},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{Policy: tt.policy, NoPrune: true, NoSync: true}, 1, 2)
			var acts []simulation.Action
			for i := range n {
				acts = append(acts, r.publish(blob(i))...)
				acts = append(acts, r.advance(5*time.Millisecond)...)
			}
			if tt.notBefore > 0 {
				require.Less(t, time.Duration(n)*5*time.Millisecond, tt.notBefore)
				assert.Zero(t, sendCount(acts), "nothing before the flush")
			}
			acts = append(acts, r.advance(time.Second)...)
			for _, peer := range []simulation.PeerID{1, 2} {
				var got []ID
				msgs := 0
				if tt.wantInv {
					for _, m := range sendsOf[*MsgInv](acts)[peer] {
						got, msgs = append(got, invIDs(m.List)...), msgs+1
					}
					assert.Empty(t, sendsOf[*MsgItems](acts)[peer])
				} else {
					for _, m := range sendsOf[*MsgItems](acts)[peer] {
						got, msgs = append(got, itemIDs(m.Items)...), msgs+1
						assert.Equal(t, slices.Repeat([]uint64{r.p.tree}, len(m.Items)), m.Trees)
						assert.Equal(t, slices.Repeat([]uint8{1}, len(m.Items)), m.Hops)
					}
					assert.Empty(t, sendsOf[*MsgInv](acts)[peer])
				}
				assert.Equal(t, tt.wantMsgs, msgs, "peer %d", peer)
				assert.Equal(t, idsOf(blobs(0, n)...), got, "peer %d: every item, in order", peer)
			}
		})
	}
}

// TestBatchLimits: a batch over a message's limits goes as several
// messages, each within them, and none of it is lost.
func TestBatchLimits(t *testing.T) {
	big := func(i int) Item {
		data := make([]byte, BlobMaxSize)
		data[0], data[1] = byte(i), byte(i>>8)
		return NewBlob(data)
	}
	var bigs []Item
	for i := range 25 {
		bigs = append(bigs, big(i))
	}
	tests := []struct {
		name     string
		policy   Policy
		items    []Item
		wantMsgs int
	}{
		{name: "1,001 pushes", policy: PlumtreePolicy{PushDelay: wait(time.Second)},
			items: blobs(0, MaxItemsPerMsg+1), wantMsgs: 2},
		{name: "25 pushes of 100 kB", policy: PlumtreePolicy{PushDelay: wait(time.Second)},
			items: bigs, wantMsgs: 2},
		// A queue of announcements is full at MaxRiders, and goes.
		{name: "2,001 announcements", policy: AnnouncePolicy{Delay: time.Second},
			items: blobs(0, 2*MaxRiders+1), wantMsgs: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := Config{Policy: tt.policy, NoPrune: true, NoSync: true,
				StoreSize: len(tt.items), SeenSize: len(tt.items)}
			r := newRig(t, cfg, 1)
			acts := r.publish(tt.items...)
			acts = append(acts, r.advance(2*time.Second)...)
			var got []ID
			msgs := 0
			for _, m := range sendsOf[*MsgItems](acts)[1] {
				assert.LessOrEqual(t, len(m.Items), MaxItemsPerMsg)
				assert.LessOrEqual(t, ItemsSize(m.Items), MaxItemsPayload)
				got, msgs = append(got, itemIDs(m.Items)...), msgs+1
			}
			for _, m := range sendsOf[*MsgInv](acts)[1] {
				assert.LessOrEqual(t, len(m.List), MaxRiders)
				got, msgs = append(got, invIDs(m.List)...), msgs+1
			}
			assert.Equal(t, tt.wantMsgs, msgs)
			assert.Equal(t, idsOf(tt.items...), got)
		})
	}
}

// recorder is a policy that pushes to every link, knowing or not, and
// records the links it was shown.
type recorder struct{ links [][]Link }

func (p *recorder) Route(_ simulation.PeerID, links []Link) []How {
	p.links = append(p.links, append([]Link(nil), links...))
	out := make([]How, len(links))
	for i := range out {
		out[i] = Push
	}
	return out
}
func (*recorder) Flush(How, int, *rand.Rand) time.Duration { return 0 }
func (*recorder) Retry(c []simulation.PeerID, _ *rand.Rand) simulation.PeerID {
	return c[0]
}

// TestKnowingPeerNotSent: a peer known to have an item (it sent it
// or announced it) is never sent it, even by a policy that says to;
// the policy is shown which peers know it.
func TestKnowingPeerNotSent(t *testing.T) {
	pol := &recorder{}
	r := newRig(t, Config{Policy: pol, NoPrune: true, NoSync: true, LazyWait: time.Hour}, 1, 2, 3)
	r.recv(2, &MsgInv{List: invOf(blob(1))})
	acts := r.recv(1, &MsgItems{Items: []Item{blob(1)}})
	require.Len(t, emitted[Delivered](acts), 1)

	pushed := sendsOf[*MsgItems](acts)
	assert.Len(t, pushed[3], 1, "only peer 3 did not know it")
	assert.Empty(t, pushed[1], "it sent it")
	assert.Empty(t, pushed[2], "it announced it")
	require.Len(t, pol.links, 1)
	assert.Equal(t, []Link{{Peer: 1, Eager: true, Knows: true}, {Peer: 2, Eager: true, Knows: true},
		{Peer: 3, Eager: true, Knows: false}}, pol.links[0])

	again := sendsOf[*MsgItems](r.recv(3, &MsgItems{Items: []Item{blob(2)}}))
	assert.Len(t, again[1], 1, "peer 1 knows blob 1, not blob 2")
	assert.Len(t, again[2], 1, "peer 2 knows blob 1, not blob 2")
	assert.Empty(t, again[3])
	assert.Empty(t, sendsOf[*MsgItems](r.publish(blob(1))), "published again: sent to nobody")
}

// shortPolicy answers Route with fewer Hows than there are links.
type shortPolicy struct{ FloodPolicy }

func (shortPolicy) Route(simulation.PeerID, []Link) []How { return []How{Skip, Push} }

// TestShortRoute: a policy that returns fewer Hows than links leaves
// the rest out; it does not crash the protocol.
func TestShortRoute(t *testing.T) {
	r := newRig(t, Config{Policy: shortPolicy{}, NoPrune: true, NoSync: true}, 1, 2, 3)
	pushed := sendsOf[*MsgItems](r.publish(blob(1)))
	assert.Len(t, pushed, 1)
	assert.Len(t, pushed[2], 1)
}

// TestAnnouncementsCarryTheirType: an announcement names the item's
// own type, and only items the node can still serve: even when an item
// has left the store before its batch goes, a getdata sent as soon as
// the announcement arrives is answered with no notfound.
func TestAnnouncementsCarryTheirType(t *testing.T) {
	tx := ItemType{Code: 7, Name: "tx", MaxSize: 100}
	cfg := Config{Types: []ItemType{tx}, Policy: AnnouncePolicy{Delay: time.Second}, NoPrune: true,
		NoSync: true, StoreSize: 2}
	r := newRig(t, cfg, 1)
	announced := 0
	check := func(acts []simulation.Action) {
		for _, m := range sendsOf[*MsgInv](acts)[1] {
			for _, v := range m.List {
				assert.Equal(t, uint32(7), v.Type, "%s announced as type %d", v.ID, v.Type)
			}
			announced += len(m.List)
			nf := sendsOf[*MsgNotFound](r.recv(1, &MsgGetData{List: m.List}))[1]
			assert.Empty(t, nf, "announced, then not found")
		}
	}
	for i := range 3 {
		data := []byte{byte(i), 7}
		check(r.publish(Item{Type: 7, ID: HashID(data), Data: data}))
	}
	check(r.advance(2 * time.Second))
	assert.GreaterOrEqual(t, announced, cfg.StoreSize, "what the store holds is announced")
}

// TestFlushByHops: how long an item waits in a peer's queue depends on
// how far it has come: none where it was published, PushDelay[h] h
// hops out, the last entry past the list. It goes on one hop further.
func TestFlushByHops(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name    string
		delays  []time.Duration // nil: the defaults
		publish bool            // published here, not received
		hops    uint8
		wait    time.Duration
	}{
		{name: "published here: at once", publish: true, wait: DefaultPushDelays[0]},
		{name: "one hop out", hops: 1, wait: DefaultPushDelays[1]},
		{name: "two hops out", hops: 2, wait: DefaultPushDelays[2]},
		{name: "past the list", hops: 9, wait: DefaultPushDelays[2]},
		{name: "no hops said: as if published next door", hops: 0, wait: DefaultPushDelays[0]},
		{name: "delays of its own", delays: []time.Duration{10 * ms, 20 * ms, 40 * ms}, hops: 2, wait: 40 * ms},
		{name: "delays of its own, published", delays: []time.Duration{10 * ms, 20 * ms}, publish: true,
			wait: 10 * ms},
	}
	require.Equal(t, time.Duration(0), DefaultPushDelays[0], "the table assumes it")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := fetching(DefaultLazyWait)
			if tt.delays != nil {
				cfg.Policy = PlumtreePolicy{PushDelay: tt.delays, AnnounceDelay: DefaultAnnounceDelay}
			}
			r := newRig(t, cfg, 1, 2)
			it, tree, hops := blob(1), treeA, tt.hops
			var acts []simulation.Action
			if tt.publish {
				tree, hops = r.p.tree, 0
				acts = r.publish(it)
			} else {
				acts = r.recv(1, onTree(treeA, tt.hops, it))
			}
			if tt.wait > 0 {
				assert.Empty(t, pushedTo(acts, 2), "not at once")
				acts = r.advance(tt.wait - time.Millisecond)
				assert.Empty(t, pushedTo(acts, 2), "not before %v", tt.wait)
				acts = r.advance(time.Millisecond)
			}
			assert.Equal(t, map[ID]onWire{it.ID: {tree, hops + 1}}, wireOf(acts, 2), "after %v", tt.wait)
		})
	}
}

// TestQueueGoesWhenMostUrgentIsDue: a queue goes as one message when
// its most urgent item is due, taking the others early.
func TestQueueGoesWhenMostUrgentIsDue(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2)
	acts := r.recv(1, onTree(treeA, 1, blob(1))) // due in 60 ms
	acts = append(acts, r.advance(10*time.Millisecond)...)
	acts = append(acts, r.recv(1, onTree(treeA, 2, blob(2)))...) // due in 30 ms
	acts = append(acts, r.advance(30*time.Millisecond-time.Millisecond)...)
	assert.Empty(t, pushedTo(acts, 2), "not before the most urgent is due")
	acts = r.advance(time.Millisecond)
	require.Len(t, sendsOf[*MsgItems](acts)[2], 1, "one message")
	assert.Equal(t, idsOf(blob(1), blob(2)), pushedTo(acts, 2))
	assert.Empty(t, pushedTo(r.advance(time.Second), 2), "and nothing after")
}

// TestQueueAtLimit: a queue that reaches its limit (what the store
// keeps, or what one message carries) goes at once, however long its
// items could wait.
func TestQueueAtLimit(t *testing.T) {
	const store = 5
	tests := []struct {
		name   string
		policy Policy
		sent   func(acts []simulation.Action) []ID
	}{
		{name: "pushes", policy: PlumtreePolicy{PushDelay: wait(time.Hour)},
			sent: func(acts []simulation.Action) []ID { return pushedTo(acts, 2) }},
		{name: "announcements", policy: AnnouncePolicy{Delay: time.Hour},
			sent: func(acts []simulation.Action) []ID { return toldOf(acts, 2) }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, Config{Policy: tt.policy, NoPrune: true, NoSync: true, StoreSize: store}, 1, 2)
			for i := range store - 1 {
				assert.Empty(t, tt.sent(r.recv(1, onTree(treeA, 1, blob(i)))), "item %d", i)
			}
			acts := r.recv(1, onTree(treeA, 1, blob(store-1)))
			assert.Equal(t, idsOf(blobs(0, store)...), tt.sent(acts), "full: it goes")
			assert.Equal(t, 1, sendCount(acts), "as one message")
			assert.Zero(t, r.p.Footprint().Queued)
		})
	}
}

// TestAnnouncementsRideOnPush: a peer's queued announcements go with
// the next push to it, in the same message, not in one of their own.
func TestAnnouncementsRideOnPush(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2, 3)
	r.recv(2, &MsgPrune{Trees: []uint64{treeA}})
	acts := r.recv(1, onTree(treeA, 1, blob(1))) // announced to 2, pushed to 3
	acts = append(acts, r.advance(time.Second)...)
	assert.Empty(t, sendsOf[*MsgItems](acts)[2], "nothing pushed to 2 yet")
	assert.Empty(t, sendsOf[*MsgInv](acts)[2], "the announcement waits")
	assert.Equal(t, idsOf(blob(1)), pushedTo(acts, 3))

	acts = r.recv(1, onTree(treeB, 1, blob(2))) // pushed to 2
	acts = append(acts, r.advance(time.Minute)...)
	items := sendsOf[*MsgItems](acts)[2]
	require.Len(t, items, 1)
	assert.Equal(t, []Item{blob(2)}, items[0].Items)
	assert.Equal(t, invOf(blob(1)), items[0].Inv, "the announcement rides")
	assert.Equal(t, 1, len(sendsOf[*MsgItems](acts)[2])+len(sendsOf[*MsgInv](acts)[2]),
		"one message to peer 2 in all")
}

// TestHopsSaturate: an item said to have come the most hops a byte
// holds is sent on at that count, not as just published.
func TestHopsSaturate(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2)
	r.recv(1, onTree(treeA, 255, blob(1)))
	acts := r.advance(time.Second)
	assert.Equal(t, map[ID]onWire{blob(1).ID: {treeA, 255}}, wireOf(acts, 2))
}
