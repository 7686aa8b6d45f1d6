package peers

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestHandshake shakes hands over net.Pipe with a far end the test plays,
// in both directions, and checks what each side sent and learned. We speak
// version 5 and accept 3 and up.
func TestHandshake(t *testing.T) {
	tests := []struct {
		name           string
		inbound        bool // they dialed us
		theirs         uint32
		wantNegotiated uint32
	}{
		{name: "they dialed us", inbound: true, theirs: 5, wantNegotiated: 5},
		{name: "we dialed them", inbound: false, theirs: 5, wantNegotiated: 5},
		{name: "they speak a newer version", inbound: true, theirs: 9, wantNegotiated: 5},
		{name: "they speak the oldest we accept", inbound: false, theirs: 3, wantNegotiated: 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ourNonce)
			cfg.ProtocolVersion, cfg.MinProtocolVersion = 5, 3
			ours, theirs := net.Pipe()
			r := newRemote(t, theirs, allMessages)
			ch := newAsync(t, context.Background(), ours, tt.inbound, cfg)

			var sent wire.Message // our version, as it arrived
			if tt.inbound {
				r.send(t, theirVersion(theirNonce, tt.theirs))
				sent = r.expect(t, wire.CmdVersion)
				r.expect(t, wire.CmdVerAck)
				r.send(t, &wire.MsgVerAck{})
			} else {
				sent = r.expect(t, wire.CmdVersion)
				r.send(t, theirVersion(theirNonce, tt.theirs))
				r.send(t, &wire.MsgVerAck{})
				r.expect(t, wire.CmdVerAck)
			}
			p, err := wait(t, ch)
			require.NoError(t, err)

			v := sent.(*wire.MsgVersion)
			assert.Equal(t, uint32(5), v.ProtocolVersion)
			assert.Equal(t, ourNonce, v.Nonce)
			assert.Equal(t, DefaultUserAgent, v.UserAgent)
			assert.Equal(t, cfg.ListenAddr, v.AddrFrom.Addr)
			assert.True(t, v.Relay)
			assert.InDelta(t, time.Now().Unix(), v.Timestamp, 5)

			info := p.Info()
			assert.Equal(t, tt.inbound, info.Inbound)
			assert.Equal(t, theirNonce, info.Version.Nonce)
			assert.Equal(t, "/remote:1.0/", info.Version.UserAgent)
			assert.Equal(t, int32(42), info.Version.StartHeight)
			assert.Equal(t, tt.wantNegotiated, info.Negotiated)
			assert.Equal(t, ours.RemoteAddr(), info.RemoteAddr)
			assert.Equal(t, 1, cfg.Connected.Len(), "their nonce is in the node's set")
			assert.NoError(t, p.Err(), "the peer is open")

			require.NoError(t, p.Close())
			assert.Zero(t, cfg.Connected.Len(), "Close takes their nonce out")
		})
	}
}

// sends plays a far end that sends msgs, and nothing else.
func sends(msgs ...wire.Message) func(*testing.T, *remote) {
	return func(t *testing.T, r *remote) {
		for _, msg := range msgs {
			r.send(t, msg)
		}
	}
}

// answers plays a far end we dialed: it reads our version and answers
// with msg.
func answers(msg wire.Message) func(*testing.T, *remote) {
	return func(t *testing.T, r *remote) {
		r.expect(t, wire.CmdVersion)
		r.send(t, msg)
	}
}

// TestHandshakeFails plays a far end that breaks the handshake in every
// way there is, and checks New refuses it with the right reason, closes
// the connection and leaves the node's set of peers as it was.
func TestHandshakeFails(t *testing.T) {
	short := func(c *Config) { c.HandshakeTimeout = 50 * time.Millisecond }
	tests := []struct {
		name       string
		inbound    bool // they dialed us
		config     func(*Config)
		play       func(t *testing.T, r *remote) // the far end's part
		wantErr    error
		wantDetail string // in the error's text
	}{
		{
			name:       "they send our own nonce",
			inbound:    true,
			play:       sends(theirVersion(ourNonce, wire.ProtocolVersion)),
			wantErr:    ErrSelfConnection,
			wantDetail: "our nonce 0x1111111111111111 came back",
		},
		{
			name:       "they are connected to us already",
			inbound:    true,
			config:     func(c *Config) { c.Connected.Add(theirNonce) },
			play:       sends(theirVersion(theirNonce, wire.ProtocolVersion)),
			wantErr:    ErrDuplicateConnection,
			wantDetail: "nonce 0x2222222222222222",
		},
		{
			name:    "we dialed a node we are connected to",
			config:  func(c *Config) { c.Connected.Add(theirNonce) },
			play:    answers(theirVersion(theirNonce, wire.ProtocolVersion)),
			wantErr: ErrDuplicateConnection,
		},
		{
			name:    "we have as many peers as we take",
			inbound: true,
			config: func(c *Config) {
				c.Connected = NewNonceSet(1)
				c.Connected.Add(0x99)
			},
			play:    sends(theirVersion(theirNonce, wire.ProtocolVersion)),
			wantErr: ErrTooManyPeers,
		},
		{
			name:       "their version is too old",
			inbound:    true,
			config:     func(c *Config) { c.ProtocolVersion, c.MinProtocolVersion = 5, 3 },
			play:       sends(theirVersion(theirNonce, 2)),
			wantErr:    ErrVersionTooOld,
			wantDetail: "it speaks 2, we need 3 or later",
		},
		{
			name:    "the node we dialed is too old",
			config:  func(c *Config) { c.ProtocolVersion, c.MinProtocolVersion = 5, 3 },
			play:    answers(theirVersion(theirNonce, 2)),
			wantErr: ErrVersionTooOld,
		},
		{
			name:    "another network",
			inbound: true,
			play: func(t *testing.T, r *remote) {
				r.sendRaw(t, frame(t, wire.TestNet, theirVersion(theirNonce, 1)))
			},
			wantErr:    ErrWrongNetwork,
			wantDetail: "fda7c9e3 (peerchain test), want fc8ed5b6 (peerchain devnet)",
		},
		{
			name:    "a bad checksum",
			inbound: true,
			play: func(t *testing.T, r *remote) {
				b := frame(t, wire.DevNet, theirVersion(theirNonce, 1))
				b[20] ^= 0xff // the checksum's first byte
				r.sendRaw(t, b)
			},
			wantErr:    ErrMalformed,
			wantDetail: "version message, byte 20: bad checksum",
		},
		{
			name:       "a ping before their version",
			inbound:    true,
			play:       sends(&wire.MsgPing{Nonce: 7}),
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "ping before version",
		},
		{
			name:       "a verack before their version",
			inbound:    true,
			play:       sends(&wire.MsgVerAck{}),
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "verack before version",
		},
		{
			name:    "a ping before their verack",
			inbound: true,
			play: func(t *testing.T, r *remote) {
				r.versionsExchanged(t)
				r.send(t, &wire.MsgPing{Nonce: 7})
			},
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "ping before verack",
		},
		{
			name:    "two versions",
			inbound: true,
			play: func(t *testing.T, r *remote) {
				r.versionsExchanged(t)
				r.send(t, theirVersion(theirNonce, wire.ProtocolVersion))
			},
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "version a second time",
		},
		{
			name:       "a message we do not know, before their version",
			inbound:    true,
			play:       sends(note("hello")),
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "note before version",
		},
		{
			name:       "a feature message before their version",
			inbound:    true,
			play:       sends(&wire.MsgSendAddrV2{}),
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "sendaddrv2 before version",
		},
		{
			name:    "one feature message too many",
			inbound: true,
			play: func(t *testing.T, r *remote) {
				r.versionsExchanged(t)
				r.send(t, &wire.MsgSendAddrV2{})
				for range MaxFeatureMessages - 1 {
					r.send(t, note("a feature we do not know"))
				}
				r.send(t, &wire.MsgWtxidRelay{})
			},
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "wtxidrelay after 8 feature messages",
		},
		{
			name: "the node we dialed sends too many",
			play: func(t *testing.T, r *remote) {
				r.expect(t, wire.CmdVersion)
				r.send(t, theirVersion(theirNonce, wire.ProtocolVersion))
				for range MaxFeatureMessages + 1 {
					r.send(t, note("?"))
				}
			},
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "note after 8 feature messages",
		},
		{
			name: "the node we dialed hangs up",
			play: func(t *testing.T, r *remote) {
				r.expect(t, wire.CmdVersion)
				r.conn.Close()
			},
			wantErr: ErrRemoteClosed,
		},
		{
			name:       "they say nothing",
			inbound:    true,
			config:     short,
			play:       sends(),
			wantErr:    ErrHandshakeTimeout,
			wantDetail: "not done in 50ms",
		},
		{
			name:    "they never send verack",
			config:  short,
			play:    answers(theirVersion(theirNonce, wire.ProtocolVersion)),
			wantErr: ErrHandshakeTimeout,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ourNonce)
			if tt.config != nil {
				tt.config(&cfg)
			}
			connected := cfg.Connected.Len()
			ours, theirs := net.Pipe()
			r := newRemote(t, theirs, allMessages)
			ch := newAsync(t, context.Background(), ours, tt.inbound, cfg)
			tt.play(t, r)

			p, err := wait(t, ch)
			assert.Nil(t, p)
			assert.ErrorIs(t, err, tt.wantErr)
			if tt.wantDetail != "" {
				assert.ErrorContains(t, err, tt.wantDetail)
			}
			r.waitClosed(t)
			assert.Equal(t, connected, cfg.Connected.Len(), "the node's set of peers")
		})
	}
}

// TestHandshakeMalformedKeepsWireError checks that ErrMalformed carries
// the wire package's error, with the byte where the message went wrong.
func TestHandshakeMalformedKeepsWireError(t *testing.T) {
	ours, theirs := net.Pipe()
	r := newRemote(t, theirs, allMessages)
	ch := newAsync(t, context.Background(), ours, true, testConfig(ourNonce))
	b := frame(t, wire.DevNet, &wire.MsgPing{Nonce: 1})
	b[16] = 9 // a length of 9: a ping's payload is 8 bytes
	r.sendRaw(t, b)

	_, err := wait(t, ch)
	require.ErrorIs(t, err, ErrMalformed)
	assert.ErrorIs(t, err, wire.ErrPayloadTooLarge)
	werr := errAsWire(err)
	require.NotNil(t, werr, "a *wire.Error inside %v", err)
	assert.Equal(t, 16, werr.Offset, "the length field")
	assert.Equal(t, wire.CmdPing, werr.Command)
}

// TestHandshakeContext gives up on a handshake when its context ends.
func TestHandshakeContext(t *testing.T) {
	tests := []struct {
		name         string
		cancelBefore bool          // cancel before New starts
		cancelDuring bool          // cancel once the far end has our version
		deadline     time.Duration // a context deadline, if not zero
		wantErr      []error
	}{
		{name: "cancelled before it starts", cancelBefore: true, wantErr: []error{ErrClosed, context.Canceled}},
		{name: "cancelled while waiting", cancelDuring: true, wantErr: []error{ErrClosed, context.Canceled}},
		{name: "a deadline before HandshakeTimeout", deadline: 50 * time.Millisecond,
			wantErr: []error{ErrHandshakeTimeout, context.DeadlineExceeded}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if tt.deadline > 0 {
				ctx, cancel = context.WithTimeout(ctx, tt.deadline)
				defer cancel()
			}
			if tt.cancelBefore {
				cancel()
			}
			ours, theirs := net.Pipe()
			r := newRemote(t, theirs, allMessages)
			ch := newAsync(t, ctx, ours, false, testConfig(ourNonce))
			if tt.cancelDuring {
				r.expect(t, wire.CmdVersion)
				cancel()
			}
			_, err := wait(t, ch)
			for _, want := range tt.wantErr {
				assert.ErrorIs(t, err, want)
			}
			r.waitClosed(t)
		})
	}
}

// TestHandshakeWithoutNonceSet checks that a nil Connected turns the
// duplicate check off: two connections from one node both pass.
func TestHandshakeWithoutNonceSet(t *testing.T) {
	cfg := testConfig(ourNonce)
	cfg.Connected = nil
	for range 2 {
		ours, theirs := net.Pipe()
		r := newRemote(t, theirs, allMessages)
		ch := newAsync(t, t.Context(), ours, true, cfg)
		r.dialedUs(t)
		_, err := wait(t, ch)
		assert.NoError(t, err)
	}
}
