package node

import (
	"testing"

	"github.com/stretchr/testify/assert"

	simulation "peerchain/chapters/04-simulation"
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
