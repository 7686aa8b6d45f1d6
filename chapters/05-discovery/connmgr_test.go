package discovery

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	peers "peerchain/chapters/03-peers"
	simulation "peerchain/chapters/04-simulation"
)

func TestConnConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     ConnConfig
		wantErr string
	}{
		{name: "negative target", cfg: ConnConfig{OutboundTarget: -1}, wantErr: "OutboundTarget -1"},
		{name: "negative interval", cfg: ConnConfig{FeelerInterval: -time.Second}, wantErr: "FeelerInterval -1s"},
		{name: "no random source", cfg: ConnConfig{}, wantErr: "no random source"},
		{name: "more anchors than outbound", cfg: ConnConfig{OutboundTarget: 2, AnchorCount: 3}, wantErr: "AnchorCount 3 is over OutboundTarget 2"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(1, 1))
			if tt.wantErr == "no random source" {
				r = nil
			}
			_, err := NewNode(NodeConfig{Conn: tt.cfg}, r)
			assert.ErrorIs(t, err, ErrConnConfig)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// TestStartAsksSeeds: a node that knows nobody dials its anchors,
// resolves its DNS seeds, and on its first tick asks a seed.
func TestStartAsksSeeds(t *testing.T) {
	h, acts := newHarness(t, NodeConfig{Conn: ConnConfig{
		Seeds: []simulation.Addr{"198.51.100.1:8333"}, DNSSeeds: []string{"seed.test"}, SeedPort: 8333,
		Anchors: []simulation.Addr{"192.0.2.7:8333"}}})
	assert.Equal(t, []simulation.Addr{"192.0.2.7:8333"}, dials(acts))
	assert.Equal(t, []ResolveSeed{{Name: "seed.test", Port: 8333}}, find[ResolveSeed](acts))

	acts = h.fire(tickTimer, 0)
	assert.Equal(t, []simulation.Addr{"198.51.100.1:8333"}, dials(acts), "the book is empty: ask a seed")
	acts = h.fire(tickTimer, DefaultConnectInterval)
	assert.Empty(t, dials(acts), "not again before SeedInterval")

	// The seed answers; the relay hangs up on it.
	id, acts := h.connect("198.51.100.1:8333", false)
	assert.Equal(t, []string{CmdGetAddr, CmdAddr}, sends(acts)[id], "ask, and say where we listen")
	acts = h.handle(simulation.MessageReceived{From: id, Msg: addrMsg(h.now, "198.51.100.1:8333")})
	assert.Empty(t, find[simulation.Disconnect](acts), "one address is the seed saying where it is")
	acts = h.handle(simulation.MessageReceived{From: id, Msg: addrMsg(h.now, "192.0.2.98:8333", "192.0.2.99:8333")})
	require.Len(t, find[simulation.Disconnect](acts), 1)
	assert.ErrorIs(t, find[simulation.Disconnect](acts)[0].Err, ErrOneShotDone)
	assert.Equal(t, 3, h.n.Book().Len())
}

// TestOneOutboundPerGroup: with ten addresses in one /16 and three
// elsewhere, the node dials one of the ten and the three.
func TestOneOutboundPerGroup(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{})
	for i := range 10 {
		h.n.Book().Add(t0, "198.51.100.1:8333", seen(ipAddr(203, 7, i+1), t0))
	}
	for i := range 3 {
		h.n.Book().Add(t0, "198.51.100.1:8333", seen(ipAddr(byte(30+i), 1, 1), t0))
	}
	var dialed []simulation.Addr
	for range 100 {
		for _, a := range dials(h.fire(tickTimer, time.Second)) {
			dialed = append(dialed, a)
			h.connect(a, false)
		}
	}
	groups := map[string]int{}
	for _, a := range dialed {
		groups[Group(a)]++
	}
	assert.Equal(t, map[string]int{"203.7": 1, "30.1": 1, "31.1": 1, "32.1": 1}, groups)
}

// TestInboundLimits: over MaxInbound, or banned, is refused at accept
// and, should it get through, on connect.
func TestInboundLimits(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{Conn: ConnConfig{MaxInbound: 2,
		Bans: []Ban{{Key: "6.6.6.6", Until: t0.Add(time.Hour)}}}})
	assert.ErrorIs(t, h.n.AcceptInbound(h.now, "6.6.6.6:1234"), ErrBanned)
	_, acts := h.connect("6.6.6.6:8333", true)
	require.Len(t, find[simulation.Disconnect](acts), 1)
	assert.ErrorIs(t, find[simulation.Disconnect](acts)[0].Err, ErrBanned)

	for i := range 2 {
		require.NoError(t, h.n.AcceptInbound(h.now, ipAddr(40, byte(i), 1)))
		_, acts := h.connect(ipAddr(40, byte(i), 1), true)
		assert.Empty(t, find[simulation.Disconnect](acts))
	}
	assert.ErrorIs(t, h.n.AcceptInbound(h.now, "41.0.0.1:1"), ErrInboundFull)
	_, acts = h.connect("41.0.0.1:8333", true)
	assert.ErrorIs(t, find[simulation.Disconnect](acts)[0].Err, ErrInboundFull)
	assert.Len(t, h.n.Peers(), 2)
}

// TestBackoffAfterFailure: an address that fails waits out its backoff
// before it is dialed again, longer after each failure.
func TestBackoffAfterFailure(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{Conn: ConnConfig{Seeds: nil}})
	a := simulation.Addr("192.0.2.5:8333")
	h.n.Book().Add(t0, "198.51.100.1:8333", seen(a, t0))
	var waits []time.Duration
	for try := range 3 {
		acts := h.fire(tickTimer, 0)
		require.Equal(t, []simulation.Addr{a}, dials(acts), "try %d", try)
		h.handle(simulation.DialFailed{Addr: a, Err: errors.New("refused")})
		ka, _ := h.n.Book().Get(a)
		require.Equal(t, try+1, ka.Attempts)
		wait := ka.RetryAt.Sub(h.now)
		waits = append(waits, wait)
		assert.Empty(t, dials(h.fire(tickTimer, wait-time.Millisecond)), "not before RetryAt")
		h.now = ka.RetryAt
	}
	assert.Less(t, waits[0], waits[2])
	assert.GreaterOrEqual(t, waits[2], 2*DefaultBackoffBase)

	t.Run("a duplicate is not a failure", func(t *testing.T) {
		h.fire(tickTimer, time.Hour)
		h.handle(simulation.DialFailed{Addr: a, Err: fmt.Errorf("x: %w", simulation.ErrAlreadyConnected)})
		ka, _ := h.n.Book().Get(a)
		assert.Equal(t, 3, ka.Attempts)
	})
}

// TestFeeler: once outbound is full, a feeler tests a new address: it
// connects, moves the address to tried, and hangs up.
func TestFeeler(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{Conn: ConnConfig{OutboundTarget: 1, AnchorCount: 1}})
	h.n.Book().Add(t0, "198.51.100.1:8333", seen("192.0.2.5:8333", t0))
	h.n.Book().Add(t0, "198.51.100.1:8333", seen("192.0.3.5:8333", t0))
	assert.Empty(t, dials(h.fire(feelerTimer, time.Minute)), "no feeler while short of outbound")
	out := dials(h.fire(tickTimer, time.Second))
	require.Len(t, out, 1)
	h.connect(out[0], false)

	acts := h.fire(feelerTimer, 2*time.Minute)
	feel := dials(acts)
	require.Len(t, feel, 1)
	assert.NotEqual(t, out[0], feel[0])
	assert.Empty(t, dials(h.fire(feelerTimer, 2*time.Minute)), "one feeler at a time")
	id, acts := h.connect(feel[0], false)
	require.Len(t, find[simulation.Disconnect](acts), 1)
	assert.ErrorIs(t, find[simulation.Disconnect](acts)[0].Err, ErrFeelerDone)
	assert.Empty(t, sends(acts)[id], "a feeler asks nothing")
	ka, _ := h.n.Book().Get(feel[0])
	assert.True(t, ka.Tried)
}

// TestUnknownMessagesCost: the rate the docs page explains. A peer may
// send UnknownAllowance messages of unknown commands for free; each one
// after costs UnknownPoints, so the ban comes with message
// UnknownAllowance + BanThreshold/UnknownPoints.
func TestUnknownMessagesCost(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{})
	id, _ := h.connect("192.0.2.5:8333", true)
	want := UnknownAllowance + BanThreshold/UnknownPoints
	for i := 1; i <= want; i++ {
		acts := h.handle(simulation.UnknownMessage{From: id, Command: "junk", Size: 24})
		bans := find[Banned](acts)
		if i < want {
			require.Empty(t, bans, "message %d", i)
			continue
		}
		require.Len(t, bans, 1, "message %d", i)
		assert.Equal(t, `unknown message "junk"`, bans[0].Reason)
	}
	assert.Equal(t, 110, want)
	assert.True(t, h.n.ConnManager().Table().IsBanned(h.now, "192.0.2.5:9999"))
}

// TestMalformedFollowsTheAddress: chapter 03 hangs up on a peer whose
// message does not decode; the points stay with the address, and the
// fifth time it is banned.
func TestMalformedFollowsTheAddress(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{})
	malformed := fmt.Errorf("%w: bad checksum", peers.ErrMalformed)
	for i := 1; i <= BanThreshold/MalformedPoints; i++ {
		id, _ := h.connect("192.0.2.5:8333", true)
		acts := h.handle(simulation.PeerDisconnected{Peer: id, Err: malformed})
		assert.Equal(t, i == BanThreshold/MalformedPoints, len(find[Banned](acts)) == 1, "time %d", i)
	}
	assert.ErrorIs(t, h.n.AcceptInbound(h.now, "192.0.2.5:1"), ErrBanned)
}

// TestLearnsItsAddress: a node listening on 0.0.0.0 believes what two
// peers agree they see it as.
func TestLearnsItsAddress(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{Conn: ConnConfig{Self: "0.0.0.0:8333"}})
	connect := func(addr, seenAs simulation.Addr) []simulation.Action {
		h.last++
		return h.handle(simulation.PeerConnected{Peer: h.last, Addr: addr, Remote: addr,
			Version: simulation.PeerVersion{SeenAs: seenAs}})
	}
	assert.Empty(t, find[SelfLearned](connect("192.0.2.1:8333", "203.0.113.9:50000")))
	assert.Empty(t, find[SelfLearned](connect("192.0.3.1:8333", "198.51.100.3:50001")), "they disagree")
	assert.Empty(t, find[SelfLearned](connect("192.0.4.1:8333", "0.0.0.0:0")), "not an address")
	got := find[SelfLearned](connect("192.0.5.1:8333", "203.0.113.9:50002"))
	assert.Equal(t, []SelfLearned{{Addr: "203.0.113.9:8333"}}, got)
	assert.Equal(t, simulation.Addr("203.0.113.9:8333"), h.n.ConnManager().Self())

	// From now on it says so to each new outbound peer.
	id, acts := h.connect("192.0.6.1:8333", false)
	assert.Equal(t, []string{CmdGetAddr, CmdAddr}, sends(acts)[id])
}

// TestAnchorsEmitted: the two oldest outbound connections are the
// anchors, and the node says when they change.
func TestAnchorsEmitted(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{})
	a1, acts := h.connect("192.0.2.1:8333", false)
	assert.Equal(t, []Anchors{{Addrs: []simulation.Addr{"192.0.2.1:8333"}}}, find[Anchors](acts))
	h.now = h.now.Add(time.Second)
	_, acts = h.connect("192.0.3.1:8333", false)
	assert.Equal(t, []Anchors{{Addrs: []simulation.Addr{"192.0.2.1:8333", "192.0.3.1:8333"}}}, find[Anchors](acts))
	h.now = h.now.Add(time.Second)
	_, acts = h.connect("192.0.4.1:8333", false)
	assert.Empty(t, find[Anchors](acts), "a third changes nothing")
	_, acts = h.connect("192.0.5.1:8333", true)
	assert.Empty(t, find[Anchors](acts), "nor an inbound one")
	acts = h.handle(simulation.PeerDisconnected{Peer: a1})
	assert.Equal(t, []Anchors{{Addrs: []simulation.Addr{"192.0.3.1:8333", "192.0.4.1:8333"}}}, find[Anchors](acts))
}
