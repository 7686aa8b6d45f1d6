package transactions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
)

// ogSmall is the experiment at a size the tests can afford.
func ogSmall(mode OriginMode, seed uint64) OriginConfig {
	return OriginConfig{Mode: mode, Seed: seed, Nodes: 30, Txs: 40}
}

// TestOrigin runs each mode on a small network: the spy hears of
// every transaction, every node gets each, the spy's precision and the
// latency come out in the order the experiment shows, and a seed gives
// the same result every time. Batching
// does not beat flooding against this spy: every node but the origin
// fetches a transaction (a round trip) before it can announce it, and
// a 500 ms trickle does not make up for that; the stem does.
func TestOrigin(t *testing.T) {
	tests := []struct {
		name string
		mode OriginMode
		// The spy's precision falls in [lo, hi]: seeded, so exact
		// figures would do, but a band says what the mode does.
		lo, hi float64
	}{
		{name: "flood: the first push to the spy is mostly the origin's",
			mode: OriginFlood, lo: 0.5, hi: 0.9},
		{name: "batched: the origin's announcement comes before any fetch",
			mode: OriginBatched, lo: 0.8, hi: 1},
		{name: "dandelion: the stem's end is rarely the origin",
			mode: OriginDandelion, lo: 0, hi: 0.2},
	}
	got := map[OriginMode]OriginResult{}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Origin(ogSmall(tt.mode, 1))
			require.NoError(t, err)
			got[tt.mode] = res
			assert.Equal(t, tt.mode, res.Mode)
			assert.Equal(t, 40, res.Txs)
			assert.Equal(t, 40, res.Seen, "the spy heard of every transaction")
			assert.Zero(t, res.Missing, "every node got every transaction")
			assert.InDelta(t, float64(res.Correct)/40, res.Precision, 1e-9)
			assert.GreaterOrEqual(t, res.Precision, tt.lo)
			assert.LessOrEqual(t, res.Precision, tt.hi)
			assert.Greater(t, res.Median, 200*time.Millisecond, "two hops at least")
			assert.GreaterOrEqual(t, res.Max, res.Median)
		})
	}
	require.Len(t, got, len(tests))
	flood, batched, stem := got[OriginFlood], got[OriginBatched], got[OriginDandelion]
	assert.Greater(t, flood.Precision, stem.Precision+0.4, "the stem hides the origin")
	assert.Greater(t, batched.Precision, stem.Precision+0.4)
	assert.Greater(t, batched.Precision, flood.Precision)
	assert.Greater(t, batched.Median, 2*flood.Median, "a trickle waits at every hop")
	assert.Greater(t, stem.Median, batched.Median, "the stem's hops come first")
	assert.Greater(t, stem.Max, 2*batched.Max, "a stem that loops waits for its embargo")
	// The stem's coin tosses and embargoes are the most random part.
	again := []struct {
		name      string
		seed      uint64
		wantEqual bool
	}{
		{name: "same seed, same result", seed: 1, wantEqual: true},
		{name: "another seed, another result", seed: 2},
	}
	for _, tt := range again {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Origin(ogSmall(OriginDandelion, tt.seed))
			require.NoError(t, err)
			if tt.wantEqual {
				assert.Equal(t, stem, res)
			} else {
				assert.NotEqual(t, stem, res)
			}
		})
	}
	t.Logf("flood %v\nbatched %v\ndandelion %v", flood, batched, stem)
}

func TestOriginConfigErrors(t *testing.T) {
	tests := []struct {
		name string
		cfg  OriginConfig
	}{
		{name: "no mode", cfg: OriginConfig{}},
		{name: "unknown mode", cfg: OriginConfig{Mode: "trickle"}},
		{name: "one node", cfg: OriginConfig{Mode: OriginFlood, Nodes: 1}},
		{name: "negative transactions", cfg: OriginConfig{Mode: OriginFlood, Txs: -1}},
		{name: "negative spacing", cfg: OriginConfig{Mode: OriginFlood, Spacing: -time.Second}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Origin(tt.cfg)
			assert.ErrorIs(t, err, ErrOriginConfig)
		})
	}
}

// TestSpy drives a spy of three nodes by hand: it dials each at its
// start, learns which connection is which node from the address it
// dialed, keeps the first announcer of each transaction, and dials
// again what it loses.
func TestSpy(t *testing.T) {
	id := func(b byte) broadcast.ID { return broadcast.ID{b} }
	inv := func(typ uint32, b byte) broadcast.InvVect { return broadcast.InvVect{Type: typ, ID: id(b)} }
	const blockItem = 2 // not a transaction: the spy ignores it
	spy := NewSpy(3)
	steps := []struct {
		name string
		ev   simulation.Event
		want []simulation.Action
	}{
		{name: "start: dial every node", ev: simulation.Start{},
			want: []simulation.Action{simulation.Dial{Addr: "sim-0"},
				simulation.Dial{Addr: "sim-1"}, simulation.Dial{Addr: "sim-2"}}},
		{name: "node 1 connects", ev: simulation.PeerConnected{Peer: 7, Addr: "sim-1"}},
		{name: "node 2 connects", ev: simulation.PeerConnected{Peer: 8, Addr: "sim-2"}},
		{name: "not a node of ours", ev: simulation.PeerConnected{Peer: 9, Addr: "10.0.0.1:8333"}},
		{name: "node 1 announces a and a block", ev: simulation.MessageReceived{From: 7,
			Msg: &broadcast.MsgInv{List: []broadcast.InvVect{inv(TxItem, 'a'), inv(blockItem, 'z')}}}},
		{name: "node 2 pushes a and b, announces c", ev: simulation.MessageReceived{From: 8,
			Msg: &broadcast.MsgItems{
				Items: []broadcast.Item{{Type: TxItem, ID: id('a')}, {Type: TxItem, ID: id('b')}},
				Inv:   []broadcast.InvVect{inv(TxItem, 'c')}}}},
		{name: "a stranger announces d", ev: simulation.MessageReceived{From: 9,
			Msg: &broadcast.MsgInv{List: []broadcast.InvVect{inv(TxItem, 'd')}}}},
		{name: "node 1 leaves: dial again later", ev: simulation.PeerDisconnected{Peer: 7},
			want: []simulation.Action{simulation.SetTimer{Timer: 1, After: SpyRedial}}},
		{name: "a stranger leaves", ev: simulation.PeerDisconnected{Peer: 9}},
		{name: "the redial", ev: simulation.TimerFired{Timer: 1},
			want: []simulation.Action{simulation.Dial{Addr: "sim-1"}}},
		{name: "a dial to node 0 fails: again later",
			ev:   simulation.DialFailed{Addr: "sim-0", Err: simulation.ErrRefused},
			want: []simulation.Action{simulation.SetTimer{Timer: 0, After: SpyRedial}}},
	}
	for _, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			assert.Equal(t, st.want, nilIfEmpty(spy.Handle(simulation.Epoch, st.ev)))
		})
	}
	guesses := []struct {
		id     byte
		want   simulation.NodeID
		wantOK bool
	}{
		{id: 'a', want: 1, wantOK: true}, // node 1 told first
		{id: 'b', want: 2, wantOK: true},
		{id: 'c', want: 2, wantOK: true}, // an announcement riding on items
		{id: 'z'},                        // a block
		{id: 'd'},                        // from no node of ours
	}
	for _, g := range guesses {
		t.Run("guess "+string(g.id), func(t *testing.T) {
			node, ok := spy.Guess(id(g.id))
			assert.Equal(t, g.wantOK, ok)
			assert.Equal(t, g.want, node)
		})
	}
	assert.Equal(t, 3, spy.Seen())
	assert.Equal(t, 1, spy.Connected(), "node 2; node 1 left")
	assert.ErrorIs(t, spy.AcceptInbound(simulation.Epoch, "sim-0"), ErrSpyRefuses)
}

func nilIfEmpty(a []simulation.Action) []simulation.Action {
	if len(a) == 0 {
		return nil
	}
	return a
}
