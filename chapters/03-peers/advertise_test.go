package peers

import (
	"context"
	"net"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestAdvertise shakes hands three times with one config, alternating
// directions, and checks what each of our versions advertised: the
// config's fixed values, or what Advertise says at that moment.
func TestAdvertise(t *testing.T) {
	type sent struct {
		services uint64
		height   int32
	}
	tests := []struct {
		name      string
		advertise func(calls *atomic.Int32) func() Advertised // nil: none
		want      []sent                                      // one per handshake
	}{
		{
			name: "no callback: the config's values",
			want: []sent{{services: 1, height: 7}, {services: 1, height: 7}, {services: 1, height: 7}},
		},
		{
			name: "a growing chain",
			advertise: func(calls *atomic.Int32) func() Advertised {
				return func() Advertised {
					n := calls.Add(1)
					return Advertised{Services: 0x409, StartHeight: 100 * n}
				}
			},
			want: []sent{{0x409, 100}, {0x409, 200}, {0x409, 300}},
		},
		{
			name: "the callback says nothing: zeros, not the config's",
			advertise: func(calls *atomic.Int32) func() Advertised {
				return func() Advertised { calls.Add(1); return Advertised{} }
			},
			want: []sent{{}, {}, {}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var calls atomic.Int32
			cfg := testConfig(ourNonce)
			cfg.Services, cfg.StartHeight = 1, 7
			if tt.advertise != nil {
				cfg.Advertise = tt.advertise(&calls)
			}
			for i, want := range tt.want {
				inbound := i%2 == 0
				ours, theirs := net.Pipe()
				r := newRemote(t, theirs, allMessages)
				ch := newAsync(t, context.Background(), ours, inbound, cfg)
				var v *wire.MsgVersion
				if inbound {
					r.send(t, theirVersion(theirNonce+uint64(i), wire.ProtocolVersion))
					v = r.expect(t, wire.CmdVersion).(*wire.MsgVersion)
					r.expect(t, wire.CmdVerAck)
					r.send(t, &wire.MsgVerAck{})
				} else {
					v = r.expect(t, wire.CmdVersion).(*wire.MsgVersion)
					r.send(t, theirVersion(theirNonce+uint64(i), wire.ProtocolVersion))
					r.send(t, &wire.MsgVerAck{})
					r.expect(t, wire.CmdVerAck)
				}
				_, err := wait(t, ch)
				require.NoError(t, err, "handshake %d", i)
				assert.Equal(t, want.services, v.Services, "handshake %d: services", i)
				assert.Equal(t, want.services, v.AddrFrom.Services, "handshake %d: addr from's services", i)
				assert.Equal(t, want.height, v.StartHeight, "handshake %d: start height", i)
				if tt.advertise != nil {
					assert.Equal(t, int32(i+1), calls.Load(), "one call per version, before New returns")
				}
			}
		})
	}
}
