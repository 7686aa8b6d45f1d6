package broadcast

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
)

// fetching is the default config without the periodic inventory, so
// that the only messages are the ones a test provokes.
func fetching(lazy time.Duration) Config {
	cfg := DefaultConfig()
	cfg.LazyWait, cfg.NoSync = lazy, true
	return cfg
}

// slack is how late past its due time a request may go: the protocol
// looks at its pending requests on a short tick, not on a timer each.
const slack = 50 * time.Millisecond

// getdataTo is the one getdata acts send, and to whom; it fails the
// test if there is not exactly one.
func getdataTo(t *testing.T, acts []simulation.Action) (simulation.PeerID, *MsgGetData) {
	t.Helper()
	all := sendsOf[*MsgGetData](acts)
	require.Len(t, all, 1, "one peer asked")
	for to, ms := range all {
		require.Len(t, ms, 1, "one getdata")
		return to, ms[0]
	}
	return 0, nil
}

// TestAnnouncedItemIsFetched: an item announced to us is asked of the
// announcer once LazyWait has passed with no push bringing it, and
// delivered when the answer comes.
func TestAnnouncedItemIsFetched(t *testing.T) {
	tests := []struct {
		name string
		lazy time.Duration
	}{
		{name: "at once, without a lazy wait", lazy: 0},
		{name: "after the default lazy wait", lazy: DefaultLazyWait},
		{name: "after a long lazy wait", lazy: 3 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, fetching(tt.lazy), 1, 2)
			acts := r.recv(1, &MsgInv{List: invOf(blob(1))})
			if tt.lazy > 0 {
				assert.Empty(t, sendsOf[*MsgGetData](acts), "not before the lazy wait")
				acts = r.advance(tt.lazy - time.Millisecond)
				assert.Empty(t, sendsOf[*MsgGetData](acts), "not before the lazy wait")
				acts = r.advance(slack)
			}
			to, gd := getdataTo(t, acts)
			assert.Equal(t, simulation.PeerID(1), to)
			assert.Equal(t, invOf(blob(1)), gd.List)
			assert.Equal(t, 1, r.p.Footprint().Asked)

			got := r.recv(1, &MsgItems{Items: []Item{blob(1)}})
			assert.Equal(t, []Delivered{{Item: blob(1), From: 1}}, emitted[Delivered](got))
			assert.True(t, r.p.Has(blob(1).ID))
			f := r.p.Footprint()
			assert.Zero(t, f.Wanted)
			assert.Zero(t, f.Asked)
			assert.Empty(t, r.s.points)
		})
	}
}

// TestAnnouncedItemsAskedTogether: items that fall due together and
// were announced by one peer are asked of it in one getdata.
func TestAnnouncedItemsAskedTogether(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1)
	r.recv(1, &MsgInv{List: invOf(blob(1), blob(2))}, &MsgInv{List: invOf(blob(3))})
	_, gd := getdataTo(t, r.advance(time.Second))
	assert.ElementsMatch(t, idsOf(blobs(1, 4)...), invIDs(gd.List))
}

// TestPushCancelsAsk: an announced item that is pushed by another peer
// before the lazy wait ends is never asked for.
func TestPushCancelsAsk(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2)
	r.recv(1, &MsgInv{List: invOf(blob(1))})
	r.advance(DefaultLazyWait / 2)
	got := r.recv(2, &MsgItems{Items: []Item{blob(1)}})
	require.Len(t, emitted[Delivered](got), 1)
	later := r.advance(10 * time.Second)
	assert.Empty(t, sendsOf[*MsgGetData](later))
	assert.Zero(t, r.p.Footprint().Wanted)
}

// TestRequestTimeout: a peer that does not answer within RequestTimeout
// is given up on, and the item asked of the other peer that announced
// it; when that one fails too, the item is dropped.
func TestRequestTimeout(t *testing.T) {
	cfg := fetching(0)
	cfg.RequestTimeout = 2 * time.Second
	r := newRig(t, cfg, 1, 2, 3)
	acts := r.recv(1, &MsgInv{List: invOf(blob(1))})
	acts = append(acts, r.recv(2, &MsgInv{List: invOf(blob(1))})...)
	first, _ := getdataTo(t, acts)
	require.Contains(t, []simulation.PeerID{1, 2}, first)

	early := r.advance(cfg.RequestTimeout - time.Millisecond)
	assert.Empty(t, sendsOf[*MsgGetData](early), "not before the timeout")
	second, gd := getdataTo(t, r.advance(slack))
	assert.Equal(t, 3-first, second, "the other announcer, not peer 3")
	assert.Equal(t, invOf(blob(1)), gd.List)

	last := r.advance(time.Minute)
	assert.Empty(t, sendsOf[*MsgGetData](last), "nobody left to ask")
	f := r.p.Footprint()
	assert.Zero(t, f.Wanted)
	assert.Zero(t, f.Asked)
	assert.Empty(t, r.s.points, "slowness is not misbehaviour")
}

// TestNotFoundMovesOn: a notfound sends the request to the next peer
// that announced the item at once, without waiting for a timeout.
func TestNotFoundMovesOn(t *testing.T) {
	r := newRig(t, fetching(time.Millisecond), 1, 2, 3)
	for _, p := range []simulation.PeerID{1, 2, 3} {
		r.recv(p, &MsgInv{List: invOf(blob(1))})
	}
	to, _ := getdataTo(t, r.advance(slack))
	asked := map[simulation.PeerID]bool{to: true}
	for range 2 {
		next, gd := getdataTo(t, r.recv(to, &MsgNotFound{List: invOf(blob(1))}))
		assert.False(t, asked[next], "peer %d asked twice", next)
		assert.Equal(t, invOf(blob(1)), gd.List)
		asked[next], to = true, next
	}
	assert.Len(t, asked, 3)
	acts := r.recv(to, &MsgNotFound{List: invOf(blob(1))})
	assert.Empty(t, sendsOf[*MsgGetData](acts), "every announcer tried")
	assert.Zero(t, r.p.Footprint().Wanted)
	assert.Empty(t, r.s.points, "a notfound for what was asked is fair")
}

// TestWantAsksEveryPeer: an item nobody announced, wanted by ID, is
// asked of one peer at once, then of the next on each notfound, until
// one sends it; asking again for what the node has does nothing.
func TestWantAsksEveryPeer(t *testing.T) {
	r := newRig(t, fetching(DefaultLazyWait), 1, 2, 3)
	want := simulation.Local{Value: Want{Type: blob(1).Type, ID: blob(1).ID}}
	to, gd := getdataTo(t, r.handle(want))
	assert.Equal(t, invOf(blob(1)), gd.List, "at once: nobody will push it")
	asked := map[simulation.PeerID]bool{to: true}
	next, _ := getdataTo(t, r.recv(to, &MsgNotFound{List: invOf(blob(1))}))
	assert.False(t, asked[next])
	got := r.recv(next, &MsgItems{Items: []Item{blob(1)}})
	assert.Equal(t, []Delivered{{Item: blob(1), From: next}}, emitted[Delivered](got))
	assert.Empty(t, r.s.points, "neither answer is misbehaviour")
	assert.Zero(t, r.p.Footprint().Wanted)

	assert.Empty(t, sendsOf[*MsgGetData](r.handle(want)), "it is here now")
	unknown := simulation.Local{Value: Want{Type: 99, ID: blob(2).ID}}
	assert.Empty(t, sendsOf[*MsgGetData](r.handle(unknown)), "a type the node does not take")
}

// TestInFlightLimit: no peer ever has more than MaxInFlight items asked
// of it and unanswered; the answer makes room again.
func TestInFlightLimit(t *testing.T) {
	tests := []struct {
		name     string
		inFlight int
		peers    []simulation.PeerID
	}{
		{name: "one peer, limit 3", inFlight: 3, peers: []simulation.PeerID{1}},
		{name: "two peers, limit 3", inFlight: 3, peers: []simulation.PeerID{1, 2}},
		{name: "three peers, limit 1", inFlight: 1, peers: []simulation.PeerID{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := fetching(DefaultLazyWait)
			cfg.MaxInFlight = tt.inFlight
			r := newRig(t, cfg, tt.peers...)
			items := blobs(0, 10)
			for _, p := range tt.peers {
				r.recv(p, &MsgInv{List: invOf(items...)})
			}
			asks := sendsOf[*MsgGetData](r.advance(time.Second))
			total := 0
			for _, p := range tt.peers {
				require.LessOrEqual(t, len(asks[p]), 1)
				n := 0
				if len(asks[p]) == 1 {
					n = len(asks[p][0].List)
				}
				assert.LessOrEqual(t, n, tt.inFlight, "peer %d", p)
				total += n
			}
			assert.Equal(t, tt.inFlight*len(tt.peers), total, "every peer filled to its limit")
			assert.LessOrEqual(t, r.p.Footprint().Asked, tt.inFlight)

			// Answer everything: the rest, announced again, is asked.
			for _, p := range tt.peers {
				for _, gd := range asks[p] {
					var answer []Item
					for _, v := range gd.List {
						for _, it := range items {
							if it.ID == v.ID {
								answer = append(answer, it)
							}
						}
					}
					r.recv(p, &MsgItems{Items: answer})
				}
			}
			assert.Equal(t, total, r.p.Len())
			assert.Zero(t, r.p.Footprint().Asked)
			r.recv(tt.peers[0], &MsgInv{List: invOf(items...)})
			_, gd := getdataTo(t, r.advance(time.Second))
			assert.Len(t, gd.List, min(tt.inFlight, len(items)-total))
		})
	}
}

// TestAskFreedWhenItemArrivesElsewhere: an item asked of a peer that
// never answers, and then brought by another peer, no longer counts
// against the first peer's in-flight limit: it can be asked for the
// next item it announces.
func TestAskFreedWhenItemArrivesElsewhere(t *testing.T) {
	cfg := fetching(0)
	cfg.MaxInFlight = 1
	r := newRig(t, cfg, 1, 2)
	to, _ := getdataTo(t, r.recv(1, &MsgInv{List: invOf(blob(1))}))
	require.Equal(t, simulation.PeerID(1), to)
	r.recv(2, &MsgItems{Items: []Item{blob(1)}})
	require.True(t, r.p.Has(blob(1).ID))
	r.advance(10 * time.Second) // peer 1 never answers

	assert.Zero(t, r.p.Footprint().Asked, "nothing is in flight any more")
	acts := r.recv(1, &MsgInv{List: invOf(blob(2))})
	acts = append(acts, r.advance(time.Second)...)
	assert.Len(t, sendsOf[*MsgGetData](acts)[1], 1, "peer 1 is asked for the next item")
}

// TestGetDataAnswered: a getdata is answered with the items we hold, in
// one message, and a notfound for the rest: those never seen, and those
// seen but gone from the store.
func TestGetDataAnswered(t *testing.T) {
	tests := []struct {
		name      string
		store     int
		publish   []Item
		ask       []Item
		wantItems []Item
		wantNot   []Item
	}{
		{name: "all held", publish: blobs(0, 3), ask: blobs(0, 3), wantItems: blobs(0, 3)},
		{name: "none held", ask: blobs(0, 2), wantNot: blobs(0, 2)},
		{name: "some held", publish: blobs(0, 2), ask: []Item{blob(0), blob(5), blob(1), blob(6)},
			wantItems: blobs(0, 2), wantNot: []Item{blob(5), blob(6)}},
		{name: "seen but gone from the store", store: 2, publish: blobs(0, 4), ask: blobs(0, 4),
			wantItems: blobs(2, 4), wantNot: blobs(0, 2)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := fetching(0)
			cfg.StoreSize = tt.store
			r := newRig(t, cfg)
			r.publish(tt.publish...)
			r.handle(simulation.PeerConnected{Peer: 1})
			acts := r.recv(1, &MsgGetData{List: invOf(tt.ask...)})
			items := sendsOf[*MsgItems](acts)[1]
			nf := sendsOf[*MsgNotFound](acts)[1]
			if len(tt.wantItems) > 0 {
				require.Len(t, items, 1, "one items message")
				assert.Equal(t, tt.wantItems, items[0].Items)
			} else {
				assert.Empty(t, items)
			}
			if len(tt.wantNot) > 0 {
				require.Len(t, nf, 1, "one notfound")
				assert.Equal(t, invOf(tt.wantNot...), nf[0].List)
			} else {
				assert.Empty(t, nf)
			}
			for _, it := range tt.publish {
				assert.True(t, r.p.Has(it.ID), "answering forgets nothing seen")
			}
		})
	}
}

// TestGetDataKeepsBatch: answering a getdata sends only what it asked
// for, at once; a batch of pushes waiting for its timer still goes,
// whole, when the timer fires.
func TestGetDataKeepsBatch(t *testing.T) {
	cfg := fetching(0)
	cfg.Policy = PlumtreePolicy{PushDelay: wait(100 * time.Millisecond), AnnounceDelay: time.Second}
	r := newRig(t, cfg, 1)
	r.publish(blob(0))
	r.advance(time.Second)
	r.publish(blob(1), blob(2))
	now := r.recv(1, &MsgGetData{List: invOf(blob(0))})
	items := sendsOf[*MsgItems](now)[1]
	require.Len(t, items, 1)
	assert.Equal(t, []Item{blob(0)}, items[0].Items)

	later := sendsOf[*MsgItems](r.advance(time.Second))[1]
	require.Len(t, later, 1, "the batch, once")
	assert.Equal(t, blobs(1, 3), later[0].Items)
}

// TestAskedPeerGone: an item asked of a peer that disconnects is asked
// of another announcer, within RequestTimeout.
func TestAskedPeerGone(t *testing.T) {
	r := newRig(t, fetching(0), 1, 2)
	to, _ := getdataTo(t, r.recv(1, &MsgInv{List: invOf(blob(1))}))
	require.Equal(t, simulation.PeerID(1), to)
	r.recv(2, &MsgInv{List: invOf(blob(1))})
	r.handle(simulation.PeerDisconnected{Peer: 1})
	next, gd := getdataTo(t, r.advance(DefaultRequestTimeout+slack))
	assert.Equal(t, simulation.PeerID(2), next)
	assert.Equal(t, invOf(blob(1)), gd.List)
}

// badRetry is a policy whose Retry names a peer that is no candidate.
type badRetry struct{ FloodPolicy }

func (badRetry) Retry([]simulation.PeerID, *rand.Rand) simulation.PeerID { return 999 }

// TestRetryOutsideCandidates: a Retry that names a peer outside the
// candidates is overruled: a candidate is asked.
func TestRetryOutsideCandidates(t *testing.T) {
	r := newRig(t, Config{Policy: badRetry{}, NoPrune: true, NoSync: true}, 1, 2)
	acts := r.recv(2, &MsgInv{List: invOf(blob(1))})
	to, _ := getdataTo(t, append(acts, r.advance(time.Second)...))
	assert.Equal(t, simulation.PeerID(2), to)
}

// TestGetDataNamingOneItemOften: a getdata that names one item many
// times is answered with it once: a 36-byte entry must not buy 100 kB
// of answer, fifty thousand times over.
func TestGetDataNamingOneItemOften(t *testing.T) {
	big := NewBlob(make([]byte, BlobMaxSize))
	r := newRig(t, fetching(0))
	r.publish(big)
	r.handle(simulation.PeerConnected{Peer: 1})
	list := make([]InvVect, 1000)
	for i := range list {
		list[i] = big.Inv()
	}
	acts := r.recv(1, &MsgGetData{List: list})
	items := sendsOf[*MsgItems](acts)[1]
	sent := 0
	for _, m := range items {
		sent += len(m.Items)
	}
	assert.Equal(t, 1, sent, "in %d items messages", len(items))
}

// TestLateAnswerIsFair: a peer that answers after its request timed
// out and went to another peer is slow, not bad: neither its late
// notfound nor its late items cost it points.
func TestLateAnswerIsFair(t *testing.T) {
	tests := []struct {
		name   string
		answer func(it Item) *MsgItems // nil: a notfound
	}{
		{name: "a late notfound"},
		{name: "late items", answer: func(it Item) *MsgItems { return &MsgItems{Items: []Item{it}} }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, fetching(0), 1, 2)
			first, _ := getdataTo(t, r.recv(1, &MsgInv{List: invOf(blob(1))}))
			require.Equal(t, simulation.PeerID(1), first)
			r.recv(2, &MsgInv{List: invOf(blob(1))})
			second, _ := getdataTo(t, r.advance(DefaultRequestTimeout+slack))
			require.Equal(t, simulation.PeerID(2), second)
			r.recv(2, &MsgItems{Items: []Item{blob(1)}})
			require.True(t, r.p.Has(blob(1).ID))
			if tt.answer == nil {
				r.recv(1, &MsgNotFound{List: invOf(blob(1))})
			} else {
				r.recv(1, tt.answer(blob(1)))
			}
			assert.Zero(t, r.s.points[1], "reasons: %q", r.s.reasons[1])
			assert.Zero(t, r.s.points[2])
		})
	}
}

// TestOneAnswerToEachAsk: a late answer is fair once; the same answer
// again is not, so neither notfound nor a push can repeat for free.
func TestOneAnswerToEachAsk(t *testing.T) {
	tests := []struct {
		name   string
		answer wire.Message
		points int
	}{
		{name: "notfound twice", answer: &MsgNotFound{List: invOf(blob(1))}, points: NotFoundPoints},
		{name: "the item twice", answer: &MsgItems{Items: []Item{blob(1)}}, points: DuplicatePoints},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, fetching(0), 1)
			to, _ := getdataTo(t, r.recv(1, &MsgInv{List: invOf(blob(1))}))
			require.Equal(t, simulation.PeerID(1), to)
			r.recv(1, tt.answer)
			require.Zero(t, r.s.points[1], "the answer: reasons %q", r.s.reasons[1])
			r.recv(1, tt.answer)
			assert.Equal(t, tt.points, r.s.points[1], "reasons: %q", r.s.reasons[1])
		})
	}
}
