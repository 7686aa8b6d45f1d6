package peers

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestPingIsAnswered checks a peer answers every ping with a pong that
// carries the ping's nonce.
func TestPingIsAnswered(t *testing.T) {
	_, r := running(t, testConfig(ourNonce), allMessages)
	for _, nonce := range []uint64{7, 0, 7, 1 << 63} {
		r.send(t, &wire.MsgPing{Nonce: nonce})
		pong := r.nextOf(t, wire.CmdPong).(*wire.MsgPong)
		assert.Equal(t, nonce, pong.Nonce)
	}
}

// TestPong answers the peer's first ping (sent as soon as the handshake
// is done) with pongs of the given nonces. Only a pong with the ping's
// own nonce is a round trip; any other is ignored, as Bitcoin Core
// ignores it.
func TestPong(t *testing.T) {
	const ping = 0 // stands for the nonce of our peer's ping
	tests := []struct {
		name         string
		pongs        []uint64
		wantMeasured int // round trips reported to OnPong
	}{
		{name: "its nonce", pongs: []uint64{ping}, wantMeasured: 1},
		{name: "another nonce", pongs: []uint64{12345}},
		{name: "another, then its nonce", pongs: []uint64{12345, ping}, wantMeasured: 1},
		{name: "its nonce twice", pongs: []uint64{ping, ping}, wantMeasured: 1},
		{name: "no pong", pongs: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ourNonce)
			rtts := make(chan time.Duration, 10)
			cfg.OnPong = func(p *Peer, rtt time.Duration) { rtts <- rtt }
			p, r := running(t, cfg, allMessages)
			ours := r.expect(t, wire.CmdPing).(*wire.MsgPing)
			_, ok := p.RTT()
			require.False(t, ok, "no round trip before the first pong")

			for _, nonce := range tt.pongs {
				if nonce == ping {
					nonce = ours.Nonce
				}
				r.send(t, &wire.MsgPong{Nonce: nonce})
			}
			r.sync(t)

			require.Len(t, rtts, tt.wantMeasured, "round trips reported")
			rtt, ok := p.RTT()
			assert.Equal(t, tt.wantMeasured > 0, ok, "RTT reports a measurement")
			if ok {
				assert.Positive(t, rtt)
				assert.Equal(t, rtt, <-rtts, "OnPong and RTT agree")
			}
		})
	}
}

// TestPingTimeout checks that a ping left unanswered for PingTimeout
// drops the peer, even when pongs with other nonces arrive.
func TestPingTimeout(t *testing.T) {
	tests := []struct {
		name  string
		pongs []uint64
	}{
		{name: "no answer"},
		{name: "wrong answers", pongs: []uint64{1, 2, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ourNonce)
			cfg.PingTimeout = 50 * time.Millisecond
			p, r := running(t, cfg, allMessages)
			r.expect(t, wire.CmdPing)
			for _, nonce := range tt.pongs {
				r.send(t, &wire.MsgPong{Nonce: nonce})
			}
			err := waitDone(t, p)
			assert.ErrorIs(t, err, ErrPingTimeout)
			assert.ErrorContains(t, err, "no pong in 50ms")
		})
	}
}

// TestPingInterval answers every ping and checks they keep coming, one
// every PingInterval, each with a nonce of its own, and that the peer
// measures each round trip.
func TestPingInterval(t *testing.T) {
	const pings = 4
	cfg := testConfig(ourNonce)
	cfg.PingInterval = 10 * time.Millisecond
	rtts := make(chan time.Duration, pings)
	cfg.OnPong = func(p *Peer, rtt time.Duration) { rtts <- rtt }
	start := time.Now()
	_, r := running(t, cfg, allMessages)

	seen := map[uint64]bool{}
	for range pings {
		ping := r.expect(t, wire.CmdPing).(*wire.MsgPing)
		assert.False(t, seen[ping.Nonce], "nonce %#x used twice", ping.Nonce)
		seen[ping.Nonce] = true
		r.send(t, &wire.MsgPong{Nonce: ping.Nonce})
	}
	r.sync(t)
	assert.GreaterOrEqual(t, time.Since(start), (pings-1)*cfg.PingInterval,
		"the first ping comes at once, the others an interval apart")
	assert.Len(t, rtts, pings, "round trips measured")
}
