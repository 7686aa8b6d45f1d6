package discovery

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

func TestBanKey(t *testing.T) {
	tests := []struct {
		addr simulation.Addr
		want string
	}{
		{addr: "203.0.113.7:8333", want: "203.0.113.7"},
		{addr: "203.0.113.7:9999", want: "203.0.113.7"},
		{addr: "[2001:db8::1]:8333", want: "2001:db8::1"},
		{addr: "127.0.0.1:7001", want: "127.0.0.1:7001"},
		{addr: "sim-4", want: "sim-4"},
	}
	for _, tt := range tests {
		t.Run(string(tt.addr), func(t *testing.T) {
			assert.Equal(t, tt.want, BanKey(tt.addr))
		})
	}
}

func TestMisbehaving(t *testing.T) {
	tests := []struct {
		name     string
		points   []int
		wantBan  bool
		wantLast int // the call that returns the ban's actions
	}{
		{name: "under the threshold", points: []int{50, 49}},
		{name: "at the threshold", points: []int{50, 50}, wantBan: true, wantLast: 1},
		{name: "once over", points: []int{100, 20}, wantBan: true, wantLast: 0},
		{name: "nothing for nothing", points: []int{0, -5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := NewPeerTable(nil)
			tab.add(t0, PeerInfo{ID: 7, Addr: "203.0.113.7:8333"})
			for i, pts := range tt.points {
				acts := tab.Misbehaving(t0, 7, pts, fmt.Sprintf("reason %d", i))
				if tt.wantBan && i == tt.wantLast {
					require.Len(t, acts, 2)
					assert.Equal(t, simulation.PeerID(7), acts[0].(simulation.Disconnect).Peer)
					assert.ErrorIs(t, acts[0].(simulation.Disconnect).Err, ErrBanned)
					assert.Equal(t, Banned{Addr: "203.0.113.7:8333", Until: t0.Add(BanDuration),
						Reason: fmt.Sprintf("reason %d", i)}, acts[1].(simulation.Emit).Value)
				} else {
					assert.Empty(t, acts)
				}
			}
			assert.Equal(t, tt.wantBan, tab.IsBanned(t0, "203.0.113.7:1234"), "the IP is banned, whatever the port")
		})
	}
	t.Run("a peer that is not there", func(t *testing.T) {
		assert.Empty(t, NewPeerTable(nil).Misbehaving(t0, 9, 1000, "x"))
	})
}

// TestOperatorBan: an address is banned whether or not a peer is
// connected from it; connected peers with its ban key are dropped.
func TestOperatorBan(t *testing.T) {
	tests := []struct {
		name      string
		addr      simulation.Addr
		until     time.Time
		wantDrops []simulation.PeerID
		wantBan   bool
	}{
		{name: "nobody connected", addr: "198.51.100.9:8333", until: t0.Add(time.Hour), wantBan: true},
		{name: "two peers from one IP", addr: "203.0.113.7:8333", until: t0.Add(time.Hour),
			wantDrops: []simulation.PeerID{1, 2}, wantBan: true},
		{name: "already over", addr: "203.0.113.7:8333", until: t0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := NewPeerTable(nil)
			tab.add(t0, PeerInfo{ID: 1, Addr: "203.0.113.7:8333"})
			tab.add(t0, PeerInfo{ID: 2, Addr: "203.0.113.7:9000"})
			tab.add(t0, PeerInfo{ID: 3, Addr: "192.0.2.1:8333"})
			acts := tab.Ban(t0, tt.addr, tt.until, "operator")
			var drops []simulation.PeerID
			for _, a := range acts {
				if d, ok := a.(simulation.Disconnect); ok {
					assert.ErrorIs(t, d.Err, ErrBanned)
					drops = append(drops, d.Peer)
				}
			}
			assert.Equal(t, tt.wantDrops, drops)
			assert.Equal(t, tt.wantBan, tab.IsBanned(t0, tt.addr))
			if tt.wantBan {
				assert.Equal(t, simulation.Emit{Value: Banned{Addr: tt.addr, Until: tt.until, Reason: "operator"}},
					acts[len(acts)-1])
			}
		})
	}
}

// TestUnban: lifting a ban frees its key only, and says whether there
// was one.
func TestUnban(t *testing.T) {
	tests := []struct {
		name   string
		banned []simulation.Addr
		unban  simulation.Addr
		want   bool
		still  []simulation.Addr // banned after
	}{
		{"the one banned", []simulation.Addr{"127.0.0.1:7001", "127.0.0.1:7002"}, "127.0.0.1:7001", true,
			[]simulation.Addr{"127.0.0.1:7002"}},
		{"by another port of a banned IP", []simulation.Addr{"203.0.113.7:8333"}, "203.0.113.7:9000", true, nil},
		{"nothing banned there", []simulation.Addr{"127.0.0.1:7002"}, "127.0.0.1:7001", false,
			[]simulation.Addr{"127.0.0.1:7002"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := NewPeerTable(nil)
			for _, a := range tt.banned {
				tab.Ban(t0, a, t0.Add(time.Hour), "partition")
			}
			assert.Equal(t, tt.want, tab.Unban(tt.unban))
			assert.False(t, tab.IsBanned(t0, tt.unban))
			var still []simulation.Addr
			for _, b := range tab.Bans(t0) {
				still = append(still, simulation.Addr(b.Key))
			}
			assert.Equal(t, tt.still, still)
		})
	}
}

func TestBansExpireAndPersist(t *testing.T) {
	tab := NewPeerTable(nil)
	tab.add(t0, PeerInfo{ID: 1, Addr: "127.0.0.1:7001"})
	tab.Misbehaving(t0, 1, BanThreshold, "spam")
	assert.True(t, tab.IsBanned(t0, "127.0.0.1:7001"))
	assert.False(t, tab.IsBanned(t0, "127.0.0.1:7002"), "on loopback the port is part of the key")

	saved := tab.Bans(t0.Add(time.Hour))
	require.Equal(t, []Ban{{Key: "127.0.0.1:7001", Until: t0.Add(BanDuration), Reason: "spam"}}, saved)
	restored := NewPeerTable(saved)
	assert.True(t, restored.IsBanned(t0.Add(BanDuration-time.Second), "127.0.0.1:7001"))
	assert.False(t, restored.IsBanned(t0.Add(BanDuration), "127.0.0.1:7001"), "expired")
	assert.Empty(t, restored.Bans(t0.Add(BanDuration)), "and forgotten")
}

// TestBanSilentPeer: an inbound peer that did not say where it listens
// is banned under its connection's address, never under an empty key.
func TestBanSilentPeer(t *testing.T) {
	tests := []struct {
		name    string
		remote  simulation.Addr
		wantKey string
	}{
		{name: "on the internet: its IP", remote: "203.0.113.9:51234", wantKey: "203.0.113.9"},
		{name: "on loopback: the whole address", remote: "127.0.0.1:51234", wantKey: "127.0.0.1:51234"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tab := NewPeerTable(nil)
			tab.add(t0, PeerInfo{ID: 7, Kind: Inbound, Remote: tt.remote})
			acts := tab.Misbehaving(t0, 7, BanThreshold, "bad block")
			require.Len(t, acts, 2)
			assert.Equal(t, Banned{Addr: tt.remote, Until: t0.Add(BanDuration), Reason: "bad block"},
				acts[1].(simulation.Emit).Value)
			bans := tab.Bans(t0)
			require.Len(t, bans, 1)
			assert.Equal(t, tt.wantKey, bans[0].Key)
			assert.True(t, tab.IsBanned(t0, tt.remote))
		})
	}
}

// TestPeerTableBounds: the ban list, a peer's reasons, and the scores of
// peers that left are all bounded.
func TestPeerTableBounds(t *testing.T) {
	tab := NewPeerTable(nil)
	for i := range MaxBans + 500 {
		tab.add(t0, PeerInfo{ID: simulation.PeerID(i + 1), Addr: ipAddr(10, byte(i>>8), i)})
		tab.Misbehaving(t0.Add(time.Duration(i)*time.Second), simulation.PeerID(i+1), BanThreshold, "x")
	}
	assert.Len(t, tab.bans, MaxBans)
	assert.False(t, tab.IsBanned(t0, ipAddr(10, 0, 0)), "the ban ending soonest made room")
	assert.True(t, tab.IsBanned(t0, ipAddr(10, byte((MaxBans+499)>>8), MaxBans+499)))

	tab.add(t0, PeerInfo{ID: 99999, Addr: "203.0.113.7:8333"})
	for i := range 50 {
		tab.Misbehaving(t0, 99999, 1, fmt.Sprint(i))
	}
	p, _ := tab.Get(99999)
	assert.Equal(t, []string{"46 (+1)", "47 (+1)", "48 (+1)", "49 (+1)"}, p.Reasons)

	for i := range MaxStrikes + 100 {
		id := simulation.PeerID(200000 + i)
		tab.add(t0, PeerInfo{ID: id, Addr: ipAddr(11, byte(i>>8), i)})
		tab.Misbehaving(t0, id, 10, "x")
		tab.remove(t0.Add(time.Duration(i)*time.Second), id)
	}
	assert.Len(t, tab.strikes, MaxStrikes)
}

// TestStrikesFollowTheAddress: a peer that leaves with points and comes
// back has them still, so hanging up and redialing does not wipe its
// record.
func TestStrikesFollowTheAddress(t *testing.T) {
	tab := NewPeerTable(nil)
	tab.add(t0, PeerInfo{ID: 1, Addr: "203.0.113.7:8333"})
	tab.Misbehaving(t0, 1, 60, "x")
	tab.remove(t0, 1)
	p := tab.add(t0.Add(time.Hour), PeerInfo{ID: 2, Addr: "203.0.113.7:8333"})
	assert.Equal(t, 60, p.Score)
	assert.Len(t, tab.Misbehaving(t0.Add(time.Hour), 2, 40, "y"), 2, "banned on the second connection")

	later := NewPeerTable(nil)
	later.add(t0, PeerInfo{ID: 1, Addr: "203.0.113.7:8333"})
	later.Misbehaving(t0, 1, 60, "x")
	later.remove(t0, 1)
	p = later.add(t0.Add(StrikeMemory), PeerInfo{ID: 2, Addr: "203.0.113.7:8333"})
	assert.Zero(t, p.Score, "forgotten after StrikeMemory")
}
