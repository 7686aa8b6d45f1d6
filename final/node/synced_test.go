package node

import (
	"math/rand/v2"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	chainsync "peerchain/chapters/11-sync"
)

// TestSyncedLast: the sync's Synced follows the blocks the ledger
// emitted in the same event, and nothing else moves.
func TestSyncedLast(t *testing.T) {
	emit := func(v any) simulation.Action { return simulation.Emit{Value: v} }
	send := simulation.Send{To: 1}
	tests := []struct {
		name string
		in   []simulation.Action
		want []simulation.Action
	}{
		{"nothing", nil, nil},
		{"no Synced", []simulation.Action{send, emit(BlockConnected{Height: 1})},
			[]simulation.Action{send, emit(BlockConnected{Height: 1})}},
		{"Synced before the blocks", []simulation.Action{emit(chainsync.Synced{Height: 2}), send,
			emit(BlockConnected{Height: 1}), emit(BlockConnected{Height: 2})},
			[]simulation.Action{send, emit(BlockConnected{Height: 1}), emit(BlockConnected{Height: 2}),
				emit(chainsync.Synced{Height: 2})}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, syncedLast(tt.in))
		})
	}
}

// TestMachineKeepsEveryEmit: blocks that come out of order make the
// machine call its mux more than once for one event (an orphan's
// parent asked for, an adopted orphan published again); every block
// the ledger connected must still be emitted, in order, for the store
// to save it. (It does not reproduce the reused-buffer overwrite the
// kill test found: here the mux's buffer is too small to be shared.)
func TestMachineKeepsEveryEmit(t *testing.T) {
	fx := loadFixture(t)
	m, err := NewMachine(MachineConfig{Self: "127.0.0.1:1"}, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	now := fixtureTime(100)
	m.Handle(now, simulation.Start{})
	var heights []uint64
	for _, b := range []*blocks.Block{fx.main[2], fx.main[0], fx.main[1]} { // 3 before 2
		raw, err := b.Bytes()
		require.NoError(t, err)
		pub := simulation.Local{Value: discovery.Input{To: transactions.Name,
			Value: broadcast.Publish{Item: broadcast.Item{Type: blocks.BlockItem,
				ID: broadcast.ID(b.Hash()), Data: raw}}}}
		for _, a := range m.Handle(now, pub) {
			if e, ok := a.(simulation.Emit); ok {
				if c, ok := e.Value.(BlockConnected); ok {
					heights = append(heights, c.Height)
				}
			}
		}
	}
	assert.Equal(t, []uint64{1, 2, 3}, heights)
}
