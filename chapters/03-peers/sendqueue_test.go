package peers

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestSendQueueBytes sends 1 MiB messages through a queue bounded at
// MinSendQueueBytes, with room for 64 messages: the bytes run out first.
// A far end that keeps up receives far more than the bound, since the
// writer frees what it has taken; one that stops reading is dropped once
// the queued bytes would pass the bound.
func TestSendQueueBytes(t *testing.T) {
	big := &msgNote{text: bytes.Repeat([]byte("x"), 1<<20)}
	frameSize := wire.EncodedSize(big)
	fits := MinSendQueueBytes / frameSize // in the queue at once
	require.Less(t, fits+1, 64, "the message bound must not be what stops Send")

	tests := []struct {
		name    string
		reading bool // the far end reads all we send
		sends   int
	}{
		{name: "a far end that keeps up", reading: true, sends: 3 * fits},
		{name: "a far end that stops reading", sends: 64},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := withNotes(t, testConfig(ourNonce))
			cfg.SendQueueBytes = MinSendQueueBytes
			reads := 0
			if tt.reading {
				reads = allMessages
			}
			p, r := running(t, cfg, reads)

			sent := 0
			var err error
			for ; sent < tt.sends; sent++ {
				if err = p.Send(big); err != nil {
					break
				}
				if tt.reading {
					r.nextOf(t, cmdNote) // written: its bytes are free
				}
			}
			if tt.reading {
				assert.NoError(t, err)
				assert.Equal(t, tt.sends, sent)
				assert.NoError(t, p.Err(), "still open")
				return
			}
			require.ErrorIs(t, err, ErrSlowPeer)
			assert.ErrorContains(t, err, "bytes queued, over 4194328 with this note")
			// fits wait in the queue; one more may be in the writer,
			// blocked, if it took one before the queue filled.
			assert.GreaterOrEqual(t, sent, fits)
			assert.LessOrEqual(t, sent, fits+1)
			assert.ErrorIs(t, waitDone(t, p), ErrSlowPeer)
		})
	}
}
