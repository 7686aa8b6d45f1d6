package peers

import (
	"context"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestHandshakeFeatures has the far end send messages between its version
// and its verack, as Bitcoin nodes do, in both directions: the feature
// messages we know are recorded, those we do not are skipped, and the
// handshake passes, up to MaxFeatureMessages.
func TestHandshakeFeatures(t *testing.T) {
	unknown := note("sendtxrcncl, say") // the registry knows no notes
	tests := []struct {
		name   string
		theirs uint32 // their protocol version
		sent   []wire.Message
		want   Features
	}{
		{name: "none", theirs: wire.ProtocolVersion},
		{name: "sendaddrv2, as btcd sends", theirs: wire.ProtocolVersion,
			sent: []wire.Message{&wire.MsgSendAddrV2{}}, want: Features{AddrV2: true}},
		{name: "wtxidrelay and sendaddrv2, as Bitcoin Core sends", theirs: wire.ProtocolVersion,
			sent: []wire.Message{&wire.MsgWtxidRelay{}, &wire.MsgSendAddrV2{}},
			want: Features{AddrV2: true, WtxidRelay: true}},
		{name: "wtxidrelay from a peer too old for it", theirs: wire.WtxidRelayVersion - 1,
			sent: []wire.Message{&wire.MsgWtxidRelay{}, &wire.MsgSendAddrV2{}},
			want: Features{AddrV2: true}},
		{name: "unknown ones skipped", theirs: wire.ProtocolVersion,
			sent: []wire.Message{unknown, &wire.MsgSendAddrV2{}, unknown}, want: Features{AddrV2: true}},
		{name: "the same one twice", theirs: wire.ProtocolVersion,
			sent: []wire.Message{&wire.MsgSendAddrV2{}, &wire.MsgSendAddrV2{}}, want: Features{AddrV2: true}},
		{name: "as many as we take", theirs: wire.ProtocolVersion,
			sent: append(repeat(unknown, MaxFeatureMessages-1), &wire.MsgWtxidRelay{}),
			want: Features{WtxidRelay: true}},
	}
	for _, tt := range tests {
		for _, inbound := range []bool{true, false} {
			name := tt.name + "/they dialed us"
			if !inbound {
				name = tt.name + "/we dialed them"
			}
			t.Run(name, func(t *testing.T) {
				cfg := testConfig(ourNonce)
				ours, theirs := net.Pipe()
				r := newRemote(t, theirs, allMessages)
				ch := newAsync(t, context.Background(), ours, inbound, cfg)
				if inbound {
					r.send(t, theirVersion(theirNonce, tt.theirs))
					r.expect(t, wire.CmdVersion)
					r.expect(t, wire.CmdVerAck)
				} else {
					r.expect(t, wire.CmdVersion)
					r.send(t, theirVersion(theirNonce, tt.theirs))
					r.expect(t, wire.CmdVerAck)
				}
				for _, msg := range tt.sent {
					r.send(t, msg)
				}
				r.send(t, &wire.MsgVerAck{})
				p, err := wait(t, ch)
				require.NoError(t, err)
				assert.Equal(t, tt.want, p.Info().Features)
				r.sync(t)
				assert.NoError(t, p.Err(), "still open")
			})
		}
	}
}

func repeat(msg wire.Message, n int) []wire.Message {
	msgs := make([]wire.Message, n)
	for i := range msgs {
		msgs[i] = msg
	}
	return msgs
}
