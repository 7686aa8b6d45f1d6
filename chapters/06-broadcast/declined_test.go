package broadcast

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

// declineGate is an item type whose check refuses the items it holds
// shut, with err, until they are let through: a transaction whose
// predecessor has not come yet (err wraps ErrDeclined), or one that is
// plainly invalid (it does not).
type declineGate struct {
	shut map[ID]bool
	err  error
}

const gatedCode = 9

func (g *declineGate) itemType() ItemType {
	return ItemType{Code: gatedCode, Name: "gated", MaxSize: 16,
		Check: func(id ID, data []byte) error {
			if HashID(data) != id {
				return ErrItemID
			}
			if g.shut[id] {
				return g.err
			}
			return nil
		}}
}

// gatedItem is the i-th item of the gated type.
func gatedItem(i byte) Item {
	data := []byte{i, gatedCode}
	return Item{Type: gatedCode, ID: HashID(data), Data: data}
}

// TestDeclined: an item its type's check declines (an error wrapping
// ErrDeclined) costs its sender nothing, is not delivered, relayed or
// seen, and is no longer wanted, so no other announcer is asked for it;
// its sender is taken to know it. Once the check takes it, a later
// push or announcement of it brings it, as any new item. A check error
// that does not wrap ErrDeclined costs InvalidPoints.
func TestDeclined(t *testing.T) {
	declined := fmt.Errorf("%w: its predecessor has not come", ErrDeclined)
	tests := []struct {
		name string
		err  error // the check's, while shut
		// fetched: peer 1 announces the item (as does peer 2) and
		// answers the getdata; else peer 2 announces it, and peer 1
		// pushes it unasked.
		fetched bool
		// thenPush: once open, peer 1 pushes it again; else peer 3
		// announces it, and answers the getdata.
		thenPush bool
		// alongside: a valid item rides after it in the same items
		// message, and is taken: a decline ends no message.
		alongside  bool
		wantPoints int // peer 1's
	}{
		{name: "pushed, declined, then announced by another", err: declined},
		{name: "pushed, declined, then pushed again", err: declined, thenPush: true},
		{name: "pushed with another, declined, the other taken", err: declined, alongside: true},
		{name: "fetched, declined, then announced by another", err: declined, fetched: true},
		{name: "fetched, declined, then pushed again", err: declined, fetched: true, thenPush: true},
		{name: "fetched with another, declined, the other taken", err: declined, fetched: true,
			alongside: true},
		{name: "declined deep in a chain of wraps",
			err: fmt.Errorf("tx: %w", fmt.Errorf("mempool: %w", declined))},
		{name: "a plain error, pushed: invalid", err: errOdd, wantPoints: InvalidPoints},
		{name: "a plain error, fetched: invalid", err: errOdd, fetched: true,
			wantPoints: InvalidPoints},
		{name: "an error that only reads like a decline: invalid",
			err: errors.New(ErrDeclined.Error()), wantPoints: InvalidPoints},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			it, other := gatedItem(1), gatedItem(2)
			gate := &declineGate{shut: map[ID]bool{it.ID: true}, err: tt.err}
			cfg := Config{Types: []ItemType{gate.itemType()}, Policy: FloodPolicy{},
				NoPrune: true, NoSync: true}
			r := newRig(t, cfg, 1, 2, 3, 4)

			var acts []simulation.Action
			if tt.fetched {
				acts = r.recv(1, &MsgInv{List: invOf(it)})
				to, _ := getdataTo(t, acts)
				require.Equal(t, simulation.PeerID(1), to)
				r.recv(2, &MsgInv{List: invOf(it)})
			} else {
				to, _ := getdataTo(t, r.recv(2, &MsgInv{List: invOf(it)}))
				require.Equal(t, simulation.PeerID(2), to)
			}
			answer := &MsgItems{Items: []Item{it}}
			var wantOther []Delivered
			if tt.alongside {
				answer.Items = append(answer.Items, other)
				wantOther = []Delivered{{Item: other, From: 1}}
			}
			acts = r.recv(1, answer)
			wantPoints := map[simulation.PeerID]int{}
			if tt.wantPoints != 0 {
				wantPoints[1] = tt.wantPoints
			}
			assert.Equal(t, wantPoints, r.s.points)
			assert.False(t, r.p.Has(it.ID), "not seen")
			if tt.wantPoints != 0 {
				assert.Empty(t, emitted[Delivered](acts))
				return
			}
			assert.Equal(t, wantOther, emitted[Delivered](acts))
			f := r.p.Footprint()
			assert.Zero(t, f.Wanted, "no longer wanted")
			assert.Zero(t, f.Asked, "asked of no one")
			later := r.advance(10 * time.Second)
			assert.Empty(t, sendsOf[*MsgGetData](later), "no one else asked for it")
			for _, p := range []simulation.PeerID{1, 2, 3, 4} {
				all := append(acts, later...)
				assert.NotContains(t, pushedTo(all, p), it.ID, "pushed to peer %d", p)
				assert.NotContains(t, toldOf(all, p), it.ID, "announced to peer %d", p)
			}

			delete(gate.shut, it.ID)
			var from simulation.PeerID
			if tt.thenPush {
				from = 1
				acts = r.recv(1, &MsgItems{Items: []Item{it}})
			} else {
				from = 3
				to, _ := getdataTo(t, r.recv(3, &MsgInv{List: invOf(it)}))
				require.Equal(t, simulation.PeerID(3), to, "fetched again, once open")
				acts = r.recv(3, &MsgItems{Items: []Item{it}})
			}
			assert.Equal(t, []Delivered{{Item: it, From: from}}, emitted[Delivered](acts))
			assert.True(t, r.p.Has(it.ID))
			assert.Empty(t, r.s.points, "its second coming is no duplicate")
			acts = append(acts, r.advance(time.Second)...)
			for _, p := range []simulation.PeerID{1, 2, 3, 4} {
				// Peer 1 sent it, or announced it; peer 2 announced
				// it; peer 3, when it sent it, announced it too.
				knows := p == 1 || p == 2 || p == from || (p == 3 && !tt.thenPush)
				var want []ID
				if !knows {
					want = idsOf(it)
				}
				assert.Equal(t, want, pushedTo(acts, p), "pushed to peer %d", p)
				assert.Empty(t, toldOf(acts, p), "announced to peer %d", p)
			}
		})
	}
}
