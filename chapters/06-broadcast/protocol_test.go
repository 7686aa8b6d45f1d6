package broadcast

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
)

// flood is the config of plain flooding: every item pushed at once to
// every peer that does not know it.
func flood() Config { return Config{Policy: FloodPolicy{}, NoPrune: true, NoSync: true} }

var errOdd = errors.New("odd first byte")

// oddless is an item type whose check refuses data with an odd first
// byte: a type with a rule of its own, as transactions will have.
var oddless = ItemType{Code: 7, Name: "oddless", MaxSize: 16,
	Check: func(id ID, data []byte) error {
		if len(data) > 0 && data[0]%2 == 1 {
			return errOdd
		}
		return nil
	}}

// TestPublish: a valid item is delivered here, kept and pushed to every
// peer; an invalid one is rejected with the reason, and goes nowhere.
func TestPublish(t *testing.T) {
	wrongID := blob(1)
	wrongID.ID = blob(2).ID
	tooBig := NewBlob(make([]byte, BlobMaxSize+1))
	unknown := blob(3)
	unknown.Type = 99
	tests := []struct {
		name    string
		cfg     Config
		item    Item
		wantErr error // nil: accepted
	}{
		{name: "a valid blob", cfg: flood(), item: blob(1)},
		{name: "a blob of exactly BlobMaxSize", cfg: flood(), item: NewBlob(make([]byte, BlobMaxSize))},
		{name: "an ID that is not its data's hash", cfg: flood(), item: wrongID, wantErr: ErrItemID},
		{name: "a blob over BlobMaxSize", cfg: flood(), item: tooBig, wantErr: ErrItemSize},
		{name: "a type the protocol does not know", cfg: flood(), item: unknown, wantErr: ErrUnknownType},
		{name: "a custom type's own check passes", item: Item{Type: 7, ID: HashID([]byte{2}), Data: []byte{2}},
			cfg: Config{Types: []ItemType{oddless}, Policy: FloodPolicy{}, NoPrune: true, NoSync: true}},
		{name: "a custom type's own check refuses", item: Item{Type: 7, ID: HashID([]byte{3}), Data: []byte{3}},
			cfg: Config{Types: []ItemType{oddless}, Policy: FloodPolicy{}, NoPrune: true, NoSync: true}, wantErr: errOdd},
		{name: "a blob, where only the custom type is known", item: blob(1),
			cfg: Config{Types: []ItemType{oddless}, Policy: FloodPolicy{}, NoPrune: true, NoSync: true}, wantErr: ErrUnknownType},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, tt.cfg, 1, 2)
			acts := r.publish(tt.item)
			rejected := emitted[Rejected](acts)
			delivered := emitted[Delivered](acts)
			pushed := sendsOf[*MsgItems](acts)
			if tt.wantErr != nil {
				require.Len(t, rejected, 1)
				assert.ErrorIs(t, rejected[0].Err, tt.wantErr)
				assert.Equal(t, tt.item.ID, rejected[0].ID)
				assert.Empty(t, delivered)
				assert.Zero(t, sendCount(acts), "a rejected item goes nowhere")
				assert.False(t, r.p.Has(tt.item.ID))
				assert.Zero(t, r.p.Len())
				return
			}
			assert.Empty(t, rejected)
			require.Len(t, delivered, 1)
			assert.Equal(t, Delivered{Item: tt.item, From: 0}, delivered[0])
			assert.True(t, r.p.Has(tt.item.ID))
			assert.Equal(t, 1, r.p.Len())
			for _, peer := range []simulation.PeerID{1, 2} {
				require.Len(t, pushed[peer], 1, "peer %d", peer)
				assert.Equal(t, []Item{tt.item}, pushed[peer][0].Items)
			}
		})
	}
}

// TestPublishTwice: an item published again is not delivered or sent
// again.
func TestPublishTwice(t *testing.T) {
	r := newRig(t, flood(), 1)
	require.Len(t, emitted[Delivered](r.publish(blob(1))), 1)
	again := r.publish(blob(1))
	assert.Empty(t, again)
	assert.Equal(t, 1, r.p.Len())
}

// TestRead: a read is answered from the node's own state, with no
// message sent.
func TestRead(t *testing.T) {
	tests := []struct {
		name  string
		items int
	}{
		{name: "nothing yet", items: 0},
		{name: "three published", items: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, flood(), 1)
			r.publish(blobs(0, tt.items)...)
			acts := r.handle(simulation.Local{Value: Read{}})
			assert.Equal(t, []Holding{{Items: tt.items}}, emitted[Holding](acts))
			assert.Zero(t, sendCount(acts))
		})
	}
}

// TestDeliveredFrom: an item that came from a peer is delivered with
// that peer, and sent on to the others only.
func TestDeliveredFrom(t *testing.T) {
	r := newRig(t, flood(), 1, 2, 3)
	acts := r.recv(2, &MsgItems{Items: []Item{blob(5)}})
	assert.Equal(t, []Delivered{{Item: blob(5), From: 2}}, emitted[Delivered](acts))
	pushed := sendsOf[*MsgItems](acts)
	assert.Len(t, pushed[1], 1)
	assert.Len(t, pushed[3], 1)
	assert.Empty(t, pushed[2], "not back to where it came from")
}

// TestUnknownPeerIgnored: a message from a peer the protocol was never
// told of changes nothing and costs nobody anything.
func TestUnknownPeerIgnored(t *testing.T) {
	r := newRig(t, flood(), 1)
	acts := r.recv(9, &MsgItems{Items: []Item{blob(1)}}, &MsgInv{List: invOf(blob(2))},
		&MsgGetData{List: invOf(blob(3))}, &MsgNotFound{List: invOf(blob(4))})
	assert.Empty(t, acts)
	assert.Zero(t, r.p.Len())
	assert.Empty(t, r.s.points)
}

// TestDisconnectStopsFlushTimers: a peer that goes away with a batch
// pending has its timer stopped; the other peers' batches still go.
func TestDisconnectStopsFlushTimers(t *testing.T) {
	r := newRig(t, Config{Policy: AnnouncePolicy{Delay: 100 * time.Millisecond}, NoPrune: true, NoSync: true}, 1, 2)
	r.publish(blob(1))
	require.Len(t, r.timers, 2, "one flush timer per peer")
	acts := r.handle(simulation.PeerDisconnected{Peer: 1})
	stopped := 0
	for _, a := range acts {
		if _, ok := a.(simulation.StopTimer); ok {
			stopped++
		}
	}
	assert.Equal(t, 1, stopped)
	later := r.advance(time.Second)
	invs := sendsOf[*MsgInv](later)
	assert.Empty(t, invs[1])
	require.Len(t, invs[2], 1)
	assert.Equal(t, idsOf(blob(1)), invIDs(invs[2][0].List))
	assert.Equal(t, 1, r.p.Footprint().Peers)
}

// kindScorer is a Scorer that also says what each connection is for,
// as chapter 05's PeerTable does.
type kindScorer struct {
	*scores
	kinds map[simulation.PeerID]discovery.ConnKind
}

func (k kindScorer) Get(id simulation.PeerID) (discovery.PeerInfo, bool) {
	kind, ok := k.kinds[id]
	return discovery.PeerInfo{ID: id, Kind: kind}, ok
}

// TestShortConnectionsGetNothing: a feeler or a seed's connection ends
// as soon as its handshake does: it is no peer of the broadcast. It is
// sent no catch-up, no push, no announcement, and what it sends is
// ignored. Connections kept open, or not in the table, are peers.
func TestShortConnectionsGetNothing(t *testing.T) {
	tests := []struct {
		name   string
		kind   discovery.ConnKind
		inTab  bool
		isPeer bool
	}{
		{name: "a feeler", kind: discovery.Feeler, inTab: true},
		{name: "a seed's connection", kind: discovery.OneShot, inTab: true},
		{name: "outbound", kind: discovery.Outbound, inTab: true, isPeer: true},
		{name: "inbound", kind: discovery.Inbound, inTab: true, isPeer: true},
		{name: "not in the table", isPeer: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := DefaultConfig() // sync on: a peer gets a catch-up
			r := newRig(t, cfg)
			ks := kindScorer{scores: r.s, kinds: map[simulation.PeerID]discovery.ConnKind{}}
			if tt.inTab {
				ks.kinds[1] = tt.kind
			}
			r.p.SetScorer(ks)
			r.publish(blob(0))
			r.advance(2 * time.Second)

			acts := r.handle(simulation.PeerConnected{Peer: 1})
			acts = append(acts, r.publish(blob(1))...)
			acts = append(acts, r.advance(time.Minute)...)
			got := r.recv(1, onTree(treeA, 1, blob(2)))
			if !tt.isPeer {
				assert.Zero(t, sendCount(acts), "nothing sent to it")
				assert.Empty(t, got, "what it sends is ignored")
				assert.False(t, r.p.Has(blob(2).ID))
				assert.Zero(t, r.p.Footprint().Peers)
				assert.Empty(t, r.p.Eager())
				return
			}
			assert.Contains(t, short(toldOf(acts, 1)), blob(0).ID.String(), "the catch-up")
			assert.Equal(t, idsOf(blob(1)), pushedTo(acts, 1))
			assert.Len(t, emitted[Delivered](got), 1)
			assert.Equal(t, 1, r.p.Footprint().Peers)
			assert.Equal(t, []simulation.PeerID{1}, r.p.Eager())
		})
	}
}
