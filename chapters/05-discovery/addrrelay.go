package discovery

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// AddrRelayName is the address relay's name in a Mux.
const AddrRelayName = "addrrelay"

// docs:begin relay-limits

// How addresses are taken in and passed on, after Bitcoin Core's.
const (
	// AddrRate and AddrBurst are each peer's token bucket: it may have
	// AddrRate addresses a second processed, AddrBurst at most at once.
	// A connection starts with one token, and each getaddr we send
	// adds MaxAddrPerMsg, for the answer we asked for. Addresses past
	// the bucket are dropped unread.
	AddrRate  = 0.1
	AddrBurst = 1000
	// An addr of at most MaxRelayAddrs entries is news: its addresses
	// that are new to the book and at most RelayFreshFor old go on
	// to RelayFanout peers. A big addr is an answer to a getaddr, not
	// news, and is not relayed.
	MaxRelayAddrs = 10
	RelayFanout   = 2
	RelayFreshFor = 10 * time.Minute
	// RelayRotation is how long the choice of peers for one address
	// stays the same, so that repeating an address gains nothing.
	RelayRotation = 24 * time.Hour
	// A timestamp more than MaxFutureDrift ahead, or before
	// minTimestamp, is replaced by now less pastPenalty (Core's rule:
	// such an address is kept, but as old news).
	pastPenalty  = 5 * 24 * time.Hour
	minTimestamp = 100000000 // 1973: no real node's
	// What a bad addr costs: one over MaxAddrPerMsg entries (only a
	// message made by hand can be), one with an address no node could
	// dial, and one that arrives when the peer's bucket is empty.
	OversizePoints = 20
	GarbagePoints  = 20
	FloodPoints    = 1
)

// docs:end relay-limits

// relayPeer is what the relay keeps per connected peer: its token
// bucket, and whether getaddr has been asked and answered.
type relayPeer struct {
	kind     ConnKind
	tokens   float64
	last     time.Time // of the last refill
	asked    bool      // we sent getaddr
	answered bool      // we answered its getaddr
}

// AddrRelay is the protocol that asks peers for addresses, answers
// their requests, takes what they send into the book and passes fresh
// news on. It works through the connection manager, which it holds:
// the book, the peer table and its scores are the manager's.
type AddrRelay struct {
	cm    *ConnManager
	key   [32]byte // for the choice of relay peers
	peers map[simulation.PeerID]*relayPeer
	order []simulation.PeerID // the keys of peers, in order
	out   []simulation.Action
}

// NewAddrRelay returns the address relay of a connection manager.
func NewAddrRelay(cm *ConnManager, r *rand.Rand) *AddrRelay {
	a := &AddrRelay{cm: cm, peers: make(map[simulation.PeerID]*relayPeer)}
	for i := range a.key {
		a.key[i] = byte(r.Uint32())
	}
	return a
}

// Name implements Protocol.
func (a *AddrRelay) Name() string { return AddrRelayName }

// Commands implements Protocol.
func (a *AddrRelay) Commands() []string { return []string{CmdGetAddr, CmdAddr} }

// Handle implements Protocol.
func (a *AddrRelay) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	a.out = a.out[:0]
	switch e := ev.(type) {
	case simulation.PeerConnected:
		a.connected(now, e.Peer)
	case simulation.PeerDisconnected:
		if _, ok := a.peers[e.Peer]; ok {
			delete(a.peers, e.Peer)
			i, _ := slices.BinarySearch(a.order, e.Peer)
			a.order = slices.Delete(a.order, i, i+1)
		}
	case simulation.MessageReceived:
		switch msg := e.Msg.(type) {
		case *MsgGetAddr:
			a.getAddr(now, e.From)
		case *MsgAddr:
			a.addr(now, e.From, msg)
		}
	}
	return a.out
}

// docs:begin relay-connected

// connected greets a peer the manager kept: say where we listen (Core
// tells every peer, the inbound ones on a timer; we tell them at once),
// and, on a connection we made, ask for addresses.
func (a *AddrRelay) connected(now time.Time, id simulation.PeerID) {
	p, ok := a.cm.Table().Get(id)
	if !ok || p.Kind == Feeler {
		return // refused, or only a test
	}
	rp := &relayPeer{kind: p.Kind, tokens: 1, last: now}
	a.peers[id] = rp
	i, _ := slices.BinarySearch(a.order, id)
	a.order = slices.Insert(a.order, i, id)
	if p.Kind != Inbound {
		rp.asked = true
		rp.tokens += MaxAddrPerMsg
		a.out = append(a.out, simulation.Send{To: id, Msg: &MsgGetAddr{}})
	}
	if self := a.cm.Self(); Routable(self) {
		if ap, ok := ToWire(self); ok {
			a.out = append(a.out, simulation.Send{To: id, Msg: &MsgAddr{
				Addrs: []AddrEntry{{Time: toUnix(now), NetAddress: wireAddr(ap)}}}})
		}
	}
}

// docs:end relay-connected

// docs:begin relay-getaddr

// getAddr answers a peer's getaddr with a sample of the book: once per
// connection, and only to peers that dialed us. Answering the peers we
// dialed would let anyone who can make us dial them learn our book.
func (a *AddrRelay) getAddr(now time.Time, id simulation.PeerID) {
	rp, ok := a.peers[id]
	p, known := a.cm.Table().Get(id)
	if !ok || !known || p.Kind != Inbound || rp.answered {
		return
	}
	rp.answered = true
	msg := &MsgAddr{}
	for _, ka := range a.cm.Book().Sample(now, MaxAddrPerMsg) {
		if ap, ok := ToWire(ka.Addr); ok {
			msg.Addrs = append(msg.Addrs, AddrEntry{Time: toUnix(ka.LastSeen),
				NetAddress: netAddr(ap, ka.Services)})
		}
	}
	a.out = append(a.out, simulation.Send{To: id, Msg: msg})
}

// docs:end relay-getaddr

// docs:begin relay-addr

// addr takes a peer's addresses into the book, as far as its token
// bucket allows, with the peer as their source; scores what is bad;
// and relays what is news.
func (a *AddrRelay) addr(now time.Time, id simulation.PeerID, msg *MsgAddr) {
	rp, ok := a.peers[id]
	p, known := a.cm.Table().Get(id)
	if !ok || !known {
		return
	}
	if len(msg.Addrs) > MaxAddrPerMsg {
		a.misbehaving(now, id, OversizePoints,
			fmt.Sprintf("addr of %d entries", len(msg.Addrs)))
		return
	}
	rp.refill(now)
	source := p.Addr
	if source == "" {
		source = p.Remote
	}
	var processed, limited, bad int
	var news []AddrEntry
	for _, e := range msg.Addrs {
		if rp.tokens < 1 {
			limited++
			continue
		}
		rp.tokens--
		processed++
		addr := FromWire(e.Addr)
		if !Routable(addr) {
			bad++
			continue
		}
		if addr == a.cm.Self() {
			continue
		}
		seen := unixTime(e.Time)
		if e.Time <= minTimestamp || seen.After(now.Add(MaxFutureDrift)) {
			seen = now.Add(-pastPenalty)
			e.Time = toUnix(seen)
		}
		isNew := a.cm.Book().Add(now, source, KnownAddr{Addr: addr,
			Services: e.Services, LastSeen: seen})
		if isNew && len(msg.Addrs) <= MaxRelayAddrs &&
			now.Sub(seen) <= RelayFreshFor {
			news = append(news, e)
		}
	}
	switch {
	case bad > 0:
		a.misbehaving(now, id, GarbagePoints,
			fmt.Sprintf("%d unroutable addresses in addr", bad))
	case processed == 0 && limited > 0:
		a.misbehaving(now, id, FloodPoints, "addr flood")
	}
	// A seed's answer is an addr of more than one address (Core's
	// rule): a single one is the seed saying where it listens.
	if rp.asked && p.Kind == OneShot && len(msg.Addrs) > 1 {
		a.out = append(a.out, a.cm.OneShotDone(id)...)
	}
	a.relay(now, id, news)
}

// docs:end relay-addr

// refill adds the tokens earned since the last refill.
func (rp *relayPeer) refill(now time.Time) {
	if rp.tokens < AddrBurst {
		earned := now.Sub(rp.last).Seconds() * AddrRate
		rp.tokens = min(AddrBurst, rp.tokens+max(earned, 0))
	}
	rp.last = now
}

// docs:begin relay-choice

// relay passes each fresh address on to RelayFanout peers, not the one
// it came from. The peers are chosen by a keyed hash of the address,
// the peer and the day, not at random: the same address heard twice
// goes to the same peers, so repeating it gains an attacker nothing.
func (a *AddrRelay) relay(now time.Time, from simulation.PeerID, news []AddrEntry) {
	if len(news) == 0 {
		return
	}
	var targets []simulation.PeerID
	for _, id := range a.order {
		if k := a.peers[id].kind; id != from && (k == Outbound || k == Inbound) {
			targets = append(targets, id)
		}
	}
	day := u64(uint64(now.Unix() / int64(RelayRotation.Seconds())))
	batches := make(map[simulation.PeerID][]AddrEntry)
	scores := make([]uint64, len(targets))
	taken := make([]bool, len(targets))
	for _, e := range news {
		addr := e.Addr.String()
		for i, id := range targets {
			scores[i], taken[i] = Hash(a.key, addr, day, u64(uint64(id))), false
		}
		for range min(RelayFanout, len(targets)) {
			best := -1 // the highest score not taken yet
			for i := range scores {
				if !taken[i] && (best < 0 || scores[i] > scores[best]) {
					best = i
				}
			}
			taken[best] = true
			batches[targets[best]] = append(batches[targets[best]], e)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(batches)) {
		a.out = append(a.out, simulation.Send{To: id, Msg: &MsgAddr{Addrs: batches[id]}})
	}
}

// docs:end relay-choice

func (a *AddrRelay) misbehaving(now time.Time, id simulation.PeerID, points int, reason string) {
	a.out = append(a.out, a.cm.Misbehaving(now, id, points, reason)...)
}
