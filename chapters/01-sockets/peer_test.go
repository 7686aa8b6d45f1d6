package sockets

import (
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSlowPeerOverPipe uses net.Pipe, which has no buffer at all: a write
// blocks until the other end reads. That makes both ways a node detects a
// peer that does not read happen at a known moment.
func TestSlowPeerOverPipe(t *testing.T) {
	tests := []struct {
		name         string
		writeTimeout time.Duration
		outboxSize   int
		wantReason   string
	}{
		// The first write blocks and misses its deadline.
		{name: "write deadline", writeTimeout: 20 * time.Millisecond, outboxSize: 64, wantReason: "a write took over 20ms"},
		// The first write blocks for long; lines pile up in the outbox.
		{name: "outbox full", writeTimeout: time.Hour, outboxSize: 2, wantReason: "2 lines queued"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			cfg.WriteTimeout = tt.writeTimeout
			cfg.OutboxSize = tt.outboxSize
			rec := newRecorder()
			n, err := NewNode(cfg, rec.handle)
			require.NoError(t, err)
			ours, theirs := net.Pipe()
			defer theirs.Close()
			require.NoError(t, n.add(ours, true))
			rec.next(t, PeerConnected)

			// Broadcast until the node gives up on the peer. With the
			// outbox of 2 that takes at most 4 lines: one blocked in
			// the write, two queued, the fourth finds it full.
			for i := 0; i < 10; i++ {
				if k, _ := n.Broadcast("hello"); k == 0 {
					break
				}
			}
			e := rec.next(t, PeerDisconnected)
			assert.ErrorIs(t, e.Err, ErrSlowPeer)
			assert.Contains(t, e.Err.Error(), tt.wantReason)
			n.wg.Wait() // both goroutines returned
		})
	}
}
