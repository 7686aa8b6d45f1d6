package discovery

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

// addrMsg builds an addr of addresses, each stamped at.
func addrMsg(at time.Time, addrs ...simulation.Addr) *MsgAddr {
	m := &MsgAddr{}
	for _, a := range addrs {
		ap, ok := ToWire(a)
		if !ok {
			panic(a)
		}
		m.Addrs = append(m.Addrs, AddrEntry{Time: toUnix(at), NetAddress: wireAddr(ap)})
	}
	return m
}

// TestGetAddrAnswered: once per connection, and only to a peer that
// dialed us.
func TestGetAddrAnswered(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{})
	for i := range 40 {
		h.n.Book().Add(t0, ipAddr(198, 51, 1), seen(ipAddr(byte(i)+1, 2, 3), t0))
	}
	in, _ := h.connect("192.0.2.1:8333", true)
	out, _ := h.connect("192.0.3.1:8333", false)

	acts := h.handle(simulation.MessageReceived{From: in, Msg: &MsgGetAddr{}})
	require.Len(t, find[simulation.Send](acts), 1)
	answer := find[simulation.Send](acts)[0].Msg.(*MsgAddr)
	assert.Len(t, answer.Addrs, max(MinGetAddrAnswer, h.n.Book().Len()*GetAddrPercent/100))

	assert.Empty(t, h.handle(simulation.MessageReceived{From: in, Msg: &MsgGetAddr{}}), "once per connection")
	assert.Empty(t, h.handle(simulation.MessageReceived{From: out, Msg: &MsgGetAddr{}}), "not to peers we dialed")
}

// TestAddrBadInput: what a peer's addr may hold that is not taken as
// it is.
func TestAddrBadInput(t *testing.T) {
	self := simulation.Addr("203.0.113.1:8333")
	good := simulation.Addr("192.0.2.50:8333")
	tests := []struct {
		name      string
		msg       func(now time.Time) *MsgAddr
		wantBook  int
		wantScore int
		check     func(t *testing.T, h *harness)
	}{
		{name: "good", msg: func(now time.Time) *MsgAddr { return addrMsg(now, good) }, wantBook: 1},
		{name: "our own address is ignored", msg: func(now time.Time) *MsgAddr { return addrMsg(now, self) }},
		{name: "unroutable addresses cost points", msg: func(now time.Time) *MsgAddr {
			return addrMsg(now, good, "0.0.0.0:8333", "224.0.0.1:8333")
		}, wantBook: 1, wantScore: GarbagePoints},
		{name: "a timestamp from the future is made old", msg: func(now time.Time) *MsgAddr {
			return addrMsg(now.Add(time.Hour), good)
		}, wantBook: 1, check: func(t *testing.T, h *harness) {
			ka, _ := h.n.Book().Get(good)
			assert.Equal(t, h.now.Add(-pastPenalty), ka.LastSeen)
		}},
		{name: "a timestamp from 1970 is made old", msg: func(now time.Time) *MsgAddr {
			return addrMsg(time.Unix(5, 0), good)
		}, wantBook: 1, check: func(t *testing.T, h *harness) {
			ka, _ := h.n.Book().Get(good)
			assert.Equal(t, h.now.Add(-pastPenalty), ka.LastSeen)
		}},
		{name: "over the limit, made by hand, costs points", msg: func(now time.Time) *MsgAddr {
			m := &MsgAddr{}
			for i := range MaxAddrPerMsg + 1 {
				m.Addrs = append(m.Addrs, addrMsg(now, ipAddr(byte(i>>8)+1, byte(i), 1)).Addrs...)
			}
			return m
		}, wantScore: OversizePoints},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h, _ := newHarness(t, NodeConfig{Conn: ConnConfig{Self: self}})
			h.now = h.now.Add(time.Hour)
			id, _ := h.connect("198.51.100.7:8333", false) // we asked: tokens for an answer
			h.handle(simulation.MessageReceived{From: id, Msg: tt.msg(h.now)})
			assert.Equal(t, tt.wantBook, h.n.Book().Len()-1, "besides the peer itself")
			p, _ := h.n.ConnManager().Table().Get(id)
			assert.Equal(t, tt.wantScore, p.Score, "%v", p.Reasons)
			if tt.wantBook > 0 {
				ka, _ := h.n.Book().Get(good)
				assert.Equal(t, simulation.Addr("198.51.100.7:8333"), ka.Source)
			}
			if tt.check != nil {
				tt.check(t, h)
			}
		})
	}
}

// TestAddrTokenBucket: an inbound peer's addresses are processed at
// AddrRate, one at first; a getaddr we send makes room for its answer.
func TestAddrTokenBucket(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{})
	big := func(from int) *MsgAddr {
		var addrs []simulation.Addr
		for i := range 500 {
			addrs = append(addrs, ipAddr(byte((from+i)>>8)+1, byte(from+i), 7))
		}
		return addrMsg(h.now, addrs...)
	}
	in, _ := h.connect("192.0.2.1:8333", true)
	h.handle(simulation.MessageReceived{From: in, Msg: big(0)})
	assert.Equal(t, 1, h.n.Book().Len(), "one token to start")
	h.now = h.now.Add(100 * time.Second)
	h.handle(simulation.MessageReceived{From: in, Msg: big(1000)})
	assert.Equal(t, 11, h.n.Book().Len(), "then 0.1 a second")
	acts := h.handle(simulation.MessageReceived{From: in, Msg: big(2000)})
	assert.Equal(t, []Banned(nil), find[Banned](acts))
	p, _ := h.n.ConnManager().Table().Get(in)
	assert.Equal(t, FloodPoints, p.Score, "an addr that finds the bucket empty costs a point")

	out, _ := h.connect("192.0.3.1:8333", false)
	h.handle(simulation.MessageReceived{From: out, Msg: big(3000)})
	// Taken whole, less the addresses that collide in the 16 buckets
	// one source group can fill: 500 into 1,024 slots.
	assert.Greater(t, h.n.Book().Len(), 11+350, "the answer to our getaddr")
}

// TestAddrRelay: a small addr of fresh addresses goes on to two peers,
// not back to its sender, and the same two whenever it comes again; an
// answer to getaddr, or old news, goes nowhere.
func TestAddrRelay(t *testing.T) {
	h, _ := newHarness(t, NodeConfig{})
	var ps []simulation.PeerID
	for i := range 6 {
		id, _ := h.connect(simulation.Addr(fmt.Sprintf("192.0.%d.1:8333", i+2)), i%2 == 0)
		ps = append(ps, id)
	}
	fresh := addrMsg(h.now, "198.51.100.9:8333")
	acts := h.handle(simulation.MessageReceived{From: ps[0], Msg: fresh})
	got := sends(acts)
	assert.Len(t, got, RelayFanout)
	assert.NotContains(t, got, ps[0], "not back to the sender")
	for _, cmds := range got {
		assert.Equal(t, []string{CmdAddr}, cmds)
	}

	// The same address again is not news: the book knows it.
	assert.Empty(t, sends(h.handle(simulation.MessageReceived{From: ps[1], Msg: fresh})))

	old := addrMsg(h.now.Add(-time.Hour), "198.51.100.10:8333")
	assert.Empty(t, sends(h.handle(simulation.MessageReceived{From: ps[0], Msg: old})), "old news")

	var many []simulation.Addr
	for i := range MaxRelayAddrs + 1 {
		many = append(many, ipAddr(60, byte(i), 1))
	}
	assert.Empty(t, sends(h.handle(simulation.MessageReceived{From: ps[1], Msg: addrMsg(h.now, many...)})), "too big to be news")

	t.Run("the choice is the same every time", func(t *testing.T) {
		pick := func() map[simulation.PeerID][]string {
			h, _ := newHarness(t, NodeConfig{})
			for i := range 6 {
				h.connect(simulation.Addr(fmt.Sprintf("192.0.%d.1:8333", i+2)), i%2 == 0)
			}
			return sends(h.handle(simulation.MessageReceived{From: 1, Msg: fresh}))
		}
		assert.Equal(t, pick(), pick())
	})
}
