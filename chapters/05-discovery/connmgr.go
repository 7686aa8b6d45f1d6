package discovery

import (
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/netip"
	"slices"
	"time"

	peers "peerchain/chapters/03-peers"
	simulation "peerchain/chapters/04-simulation"
)

// ConnManagerName is the connection manager's name in a Mux.
const ConnManagerName = "connmgr"

// The connection manager's timers.
const (
	tickTimer   simulation.TimerID = 1 // the next dial, and sweeping seed connections
	feelerTimer simulation.TimerID = 2 // the next feeler
)

// Errors the connection manager refuses or closes connections with.
var (
	ErrInboundFull  = errors.New("inbound connections full")
	ErrFeelerDone   = errors.New("feeler: address tested")
	ErrOneShotDone  = errors.New("seed: addresses received")
	ErrOneShotSlow  = errors.New("seed: no addresses in time")
	errDuplicateOut = errors.New("connected there already")
)

// docs:begin address-book

// AddressBook is what the connection manager and the address relay
// need of an address book. *AddrBook is the real one; an experiment
// swaps in a naive list to see what the buckets are worth.
type AddressBook interface {
	Add(now time.Time, source simulation.Addr, ka KnownAddr) bool
	Select(now time.Time, newOnly bool) (KnownAddr, bool)
	Attempt(now time.Time, a simulation.Addr)
	Failed(now time.Time, a simulation.Addr, retryAt time.Time)
	Good(now time.Time, a simulation.Addr) (test simulation.Addr)
	Connected(now time.Time, a simulation.Addr)
	ResolveCollisions(now time.Time)
	TestCandidate() (simulation.Addr, bool)
	Sample(now time.Time, n int) []KnownAddr
	Len() int
}

// docs:end address-book

// ConnManager is the protocol that keeps a node connected: it dials
// addresses from the book until it has OutboundTarget outbound
// connections, no two in one network group, takes inbound ones up to
// MaxInbound, retries failing addresses with backoff, tests new
// addresses with feelers, asks seeds when it knows nobody, and owns the
// peer table, where misbehaving peers are scored and banned.
type ConnManager struct {
	cfg      ConnConfig
	rng      *rand.Rand
	book     AddressBook
	table    *PeerTable
	self     simulation.Addr
	learn    bool                             // Self is unspecified: learn it
	votes    map[simulation.PeerID]netip.Addr // what each peer sees us as
	pending  map[simulation.Addr]ConnKind     // dials under way
	unknown  map[simulation.PeerID]int        // unknown messages per peer
	opened   map[simulation.PeerID]time.Time  // when oneshots opened
	anchors  []simulation.Addr                // as last emitted
	nextSeed int                              // seed to ask next
	lastSeed time.Time                        // when one was last asked
	out      []simulation.Action
}

// NewConnManager returns a connection manager that keeps its addresses
// in book.
func NewConnManager(cfg ConnConfig, book AddressBook, r *rand.Rand) (*ConnManager, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if book == nil {
		return nil, fmt.Errorf("%w: no address book", ErrConnConfig)
	}
	m := &ConnManager{
		cfg:     cfg,
		rng:     r,
		book:    book,
		table:   NewPeerTable(cfg.Bans),
		self:    cfg.Self,
		votes:   make(map[simulation.PeerID]netip.Addr),
		pending: make(map[simulation.Addr]ConnKind),
		unknown: make(map[simulation.PeerID]int),
		opened:  make(map[simulation.PeerID]time.Time),
	}
	if ap, err := netip.ParseAddrPort(string(cfg.Self)); err == nil && ap.Addr().IsUnspecified() {
		m.learn = true
	}
	return m, nil
}

// Name implements Protocol.
func (m *ConnManager) Name() string { return ConnManagerName }

// Commands implements Protocol: the manager owns no message.
func (m *ConnManager) Commands() []string { return nil }

// Self is where the node listens, as far as it knows.
func (m *ConnManager) Self() simulation.Addr { return m.self }

// Table is the peer table.
func (m *ConnManager) Table() *PeerTable { return m.table }

// Book is the address book.
func (m *ConnManager) Book() AddressBook { return m.book }

// Misbehaving scores a peer: see PeerTable.Misbehaving.
func (m *ConnManager) Misbehaving(now time.Time, peer simulation.PeerID,
	points int, reason string) []simulation.Action {
	return m.table.Misbehaving(now, peer, points, reason)
}

// docs:begin accept

// AcceptInbound implements simulation.Acceptor: a banned address, or
// one more peer than MaxInbound, is refused before its handshake.
func (m *ConnManager) AcceptInbound(now time.Time, remote simulation.Addr) error {
	if m.table.IsBanned(now, remote) {
		return fmt.Errorf("%w: %s", ErrBanned, remote)
	}
	if n := m.count(Inbound); n >= m.cfg.MaxInbound {
		return fmt.Errorf("%w: %d of %d", ErrInboundFull, n, m.cfg.MaxInbound)
	}
	return nil
}

// docs:end accept

// docs:begin connmgr-handle

// Handle implements Protocol.
func (m *ConnManager) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	m.out = m.out[:0]
	switch e := ev.(type) {
	case simulation.Start:
		m.start()
	case simulation.TimerFired:
		switch e.Timer {
		case tickTimer:
			m.tick(now)
		case feelerTimer:
			m.feeler(now)
		}
	case simulation.Local:
		if ans, ok := e.Value.(SeedResolved); ok {
			m.seedResolved(now, ans)
		}
	case simulation.DialFailed:
		m.dialFailed(now, e)
	case simulation.PeerConnected:
		m.connected(now, e)
	case simulation.PeerDisconnected:
		m.disconnected(now, e)
	case simulation.UnknownMessage:
		m.unknownMessage(now, e)
	}
	return m.out
}

// docs:end connmgr-handle

// start dials the anchors, asks the DNS seeds if the book is empty, and
// starts the timers.
func (m *ConnManager) start() {
	for _, a := range m.cfg.Anchors {
		if len(m.pending) < m.cfg.OutboundTarget && m.dialable(a) {
			m.dial(a, Outbound)
		}
	}
	if m.book.Len() == 0 {
		for _, name := range m.cfg.DNSSeeds {
			m.out = append(m.out, ResolveSeed{Name: name, Port: m.cfg.SeedPort})
		}
	}
	m.out = append(m.out,
		simulation.SetTimer{Timer: tickTimer},
		simulation.SetTimer{Timer: feelerTimer, After: m.feelerWait()})
}

// docs:begin tick

// tick makes one dial if the node is short of outbound connections:
// an address from the book that it is not connected or dialing to, not
// banned, not waiting out a backoff, and in a network group it has no
// outbound connection in yet. When the book has nothing to offer, it
// asks a seed, at most every SeedInterval.
func (m *ConnManager) tick(now time.Time) {
	m.sweepOneShots(now)
	wait := m.cfg.IdleInterval
	if m.outbound() < m.cfg.OutboundTarget {
		wait = m.cfg.ConnectInterval
		if a, ok := m.pick(now, false); ok {
			m.book.Attempt(now, a)
			m.dial(a, Outbound)
		} else {
			m.askSeed(now)
		}
	}
	m.out = append(m.out, simulation.SetTimer{Timer: tickTimer, After: wait})
}

// pick draws addresses from the book until one may be dialed. A
// feeler's comes from the new table, and may share a group with an
// outbound connection: it will not stay.
func (m *ConnManager) pick(now time.Time, feeler bool) (simulation.Addr, bool) {
	groups := m.outboundGroups()
	for range selectTries {
		ka, ok := m.book.Select(now, feeler)
		if !ok {
			return "", false
		}
		if m.dialable(ka.Addr) && !ka.RetryAt.After(now) &&
			!m.table.IsBanned(now, ka.Addr) &&
			(feeler || groups[Group(ka.Addr)] < m.cfg.MaxPerGroup) {
			return ka.Addr, true
		}
	}
	return "", false
}

// docs:end tick

// dialable reports whether an address is neither us, nor connected, nor
// being dialed.
func (m *ConnManager) dialable(a simulation.Addr) bool {
	if a == "" || a == m.self {
		return false
	}
	if _, ok := m.pending[a]; ok {
		return false
	}
	for _, p := range m.table.peers {
		if p.Addr == a {
			return false
		}
	}
	return true
}

func (m *ConnManager) dial(a simulation.Addr, kind ConnKind) {
	m.pending[a] = kind
	m.out = append(m.out, simulation.Dial{Addr: a})
}

// askSeed dials the next seed, as a one-shot connection.
func (m *ConnManager) askSeed(now time.Time) {
	if len(m.cfg.Seeds) == 0 ||
		(!m.lastSeed.IsZero() && now.Sub(m.lastSeed) < m.cfg.SeedInterval) {
		return
	}
	for range m.cfg.Seeds {
		s := m.cfg.Seeds[m.nextSeed%len(m.cfg.Seeds)]
		m.nextSeed++
		if m.dialable(s) && !m.table.IsBanned(now, s) {
			m.lastSeed = now
			m.dial(s, OneShot)
			return
		}
	}
}

// sweepOneShots hangs up on seeds that have not answered in time.
func (m *ConnManager) sweepOneShots(now time.Time) {
	for _, id := range slices.Sorted(maps.Keys(m.opened)) {
		if now.Sub(m.opened[id]) >= m.cfg.OneShotTimeout {
			delete(m.opened, id)
			m.out = append(m.out, simulation.Disconnect{Peer: id, Err: ErrOneShotSlow})
		}
	}
}

// docs:begin feeler

// feeler settles the book's tried-table collisions it can, then, if
// every outbound slot is full, makes one short connection to test an
// address: the holder of a contested tried slot first, else an address
// from the new table. A feeler that connects moves its address to
// tried, so the tried table keeps filling with addresses known to work.
func (m *ConnManager) feeler(now time.Time) {
	m.book.ResolveCollisions(now)
	if m.outbound() >= m.cfg.OutboundTarget && !m.feelerPending() {
		a, ok := m.book.TestCandidate()
		if !ok || !m.dialable(a) {
			a, ok = m.pick(now, true)
		}
		if ok {
			m.book.Attempt(now, a)
			m.dial(a, Feeler)
		}
	}
	m.out = append(m.out, simulation.SetTimer{Timer: feelerTimer, After: m.feelerWait()})
}

// docs:end feeler

// feelerWait is the time to the next feeler: FeelerInterval on
// average, from half of it to one and a half.
func (m *ConnManager) feelerWait() time.Duration {
	d := m.cfg.FeelerInterval
	return d/2 + time.Duration(m.rng.Int64N(int64(d)+1))
}

func (m *ConnManager) feelerPending() bool {
	for _, k := range m.pending {
		if k == Feeler {
			return true
		}
	}
	for _, p := range m.table.peers {
		if p.Kind == Feeler {
			return true
		}
	}
	return false
}

// seedResolved adds what a DNS seed answered to the book, with the
// seed's name as their source: one seed fills only a few buckets.
func (m *ConnManager) seedResolved(now time.Time, ans SeedResolved) {
	if ans.Err != nil {
		m.out = append(m.out, simulation.Emit{Value: ans})
		return
	}
	for _, a := range ans.Addrs {
		m.book.Add(now, simulation.Addr("dns:"+ans.Name), KnownAddr{Addr: a, LastSeen: now})
	}
}

// docs:begin dial-failed

// dialFailed is a dial that did not connect. Unless it failed only
// because we are connected there already, the address is charged a
// failure and waits out its backoff.
func (m *ConnManager) dialFailed(now time.Time, e simulation.DialFailed) {
	kind, ok := m.pending[e.Addr]
	if !ok {
		return
	}
	delete(m.pending, e.Addr)
	if errors.Is(e.Err, simulation.ErrAlreadyConnected) || kind == OneShot {
		return
	}
	attempts := 1
	if ka, ok := m.bookEntry(e.Addr); ok {
		attempts = ka.Attempts + 1
	}
	wait := m.cfg.Backoff(m.cfg.BackoffBase, m.cfg.BackoffCap, attempts, m.rng)
	m.book.Failed(now, e.Addr, now.Add(wait))
}

// docs:end dial-failed

// bookEntry looks an address up, if the book says how.
func (m *ConnManager) bookEntry(a simulation.Addr) (KnownAddr, bool) {
	if g, ok := m.book.(interface {
		Get(simulation.Addr) (KnownAddr, bool)
	}); ok {
		return g.Get(a)
	}
	return KnownAddr{}, false
}

// docs:begin connected

// connected takes a new connection into the table, unless it must be
// refused: a banned address, an inbound one over the cap. An outbound
// one is good news for the book; a feeler has done its job at once.
func (m *ConnManager) connected(now time.Time, e simulation.PeerConnected) {
	kind := Inbound
	if !e.Inbound {
		var ok bool
		if kind, ok = m.pending[e.Addr]; !ok {
			kind = Outbound // dialed by someone else's action
		}
		delete(m.pending, e.Addr)
	}
	refuse := func(err error) {
		m.out = append(m.out, simulation.Disconnect{Peer: e.Peer, Err: err})
	}
	switch {
	case m.table.IsBanned(now, e.Addr) || m.table.IsBanned(now, e.Remote):
		refuse(fmt.Errorf("%w: %s", ErrBanned, e.Addr))
		return
	case kind == Inbound && m.count(Inbound) >= m.cfg.MaxInbound:
		refuse(fmt.Errorf("%w: %d", ErrInboundFull, m.cfg.MaxInbound))
		return
	case kind == Outbound && !m.dialable(e.Addr):
		refuse(fmt.Errorf("%w: %s", errDuplicateOut, e.Addr))
		return
	}
	m.table.add(now, PeerInfo{ID: e.Peer, Kind: kind, Addr: e.Addr,
		Remote: e.Remote, Version: e.Version})
	m.vote(e)
	switch kind {
	case Outbound, Feeler:
		m.book.Good(now, e.Addr)
	case OneShot:
		m.opened[e.Peer] = now
	}
	m.out = append(m.out, simulation.Emit{Value: PeerUp{Peer: e.Peer, Addr: e.Addr, Kind: kind}})
	if kind == Feeler {
		m.out = append(m.out, simulation.Disconnect{Peer: e.Peer, Err: ErrFeelerDone})
	}
	m.updateAnchors()
}

// docs:end connected

// disconnected forgets a peer; a lost outbound connection makes the
// manager look for another at once. A peer that sent a message that did
// not decode is charged for it, to its address.
func (m *ConnManager) disconnected(now time.Time, e simulation.PeerDisconnected) {
	p, ok := m.table.Get(e.Peer)
	if !ok {
		return
	}
	if errors.Is(e.Err, peers.ErrMalformed) {
		m.out = append(m.out, m.table.Misbehaving(now, e.Peer, MalformedPoints, "malformed message")...)
	}
	m.table.remove(now, e.Peer)
	delete(m.votes, e.Peer)
	delete(m.unknown, e.Peer)
	delete(m.opened, e.Peer)
	if p.Kind != Inbound {
		m.book.Connected(now, p.Addr)
	}
	m.out = append(m.out, simulation.Emit{Value: PeerDown{Peer: e.Peer, Addr: p.Addr, Kind: p.Kind, Err: e.Err}})
	if p.Kind == Outbound {
		m.out = append(m.out, simulation.SetTimer{Timer: tickTimer, After: m.cfg.ConnectInterval})
	}
	m.updateAnchors()
}

// docs:begin unknown

// unknownMessage charges a peer for a message of a command nobody in
// the node knows, after a free allowance per connection.
func (m *ConnManager) unknownMessage(now time.Time, e simulation.UnknownMessage) {
	if _, ok := m.table.Get(e.From); !ok {
		return
	}
	m.unknown[e.From]++
	if m.unknown[e.From] > UnknownAllowance {
		m.out = append(m.out, m.table.Misbehaving(now, e.From, UnknownPoints,
			fmt.Sprintf("unknown message %q", e.Command))...)
	}
}

// docs:end unknown

// OneShotDone tells the manager that a seed connection has given what
// it was for: the relay calls it when the seed's addr arrives.
func (m *ConnManager) OneShotDone(peer simulation.PeerID) []simulation.Action {
	if _, ok := m.opened[peer]; !ok {
		return nil
	}
	delete(m.opened, peer)
	return []simulation.Action{simulation.Disconnect{Peer: peer, Err: ErrOneShotDone}}
}

// docs:begin vote

// vote counts what a peer sees us as, for a node that listens on an
// unspecified address: once selfVotes peers agree on an IP, that IP,
// with our port, is our address.
func (m *ConnManager) vote(e simulation.PeerConnected) {
	if !m.learn {
		return
	}
	seen, err := netip.ParseAddrPort(string(e.Version.SeenAs))
	if err != nil || !Routable(e.Version.SeenAs) {
		return
	}
	m.votes[e.Peer] = seen.Addr().Unmap()
	n := 0
	for _, ip := range m.votes {
		if ip == seen.Addr().Unmap() {
			n++
		}
	}
	if n < selfVotes {
		return
	}
	own, _ := netip.ParseAddrPort(string(m.cfg.Self))
	m.self = simulation.Addr(netip.AddrPortFrom(seen.Addr().Unmap(), own.Port()).String())
	m.learn = false
	m.out = append(m.out, simulation.Emit{Value: SelfLearned{Addr: m.self}})
}

// docs:end vote

// updateAnchors emits the anchors when they change: the oldest
// AnchorCount outbound connections.
func (m *ConnManager) updateAnchors() {
	var out []PeerInfo
	for _, p := range m.table.Peers() {
		if p.Kind == Outbound {
			out = append(out, p)
		}
	}
	slices.SortStableFunc(out, func(a, b PeerInfo) int { return a.Since.Compare(b.Since) })
	var addrs []simulation.Addr
	for _, p := range out[:min(len(out), m.cfg.AnchorCount)] {
		addrs = append(addrs, p.Addr)
	}
	if slices.Equal(addrs, m.anchors) {
		return
	}
	m.anchors = addrs
	m.out = append(m.out, simulation.Emit{Value: Anchors{Addrs: slices.Clone(addrs)}})
}

// Anchors returns the current anchors: what to save for a restart.
func (m *ConnManager) Anchors() []simulation.Addr { return slices.Clone(m.anchors) }

// count is how many connected peers are of a kind.
func (m *ConnManager) count(kind ConnKind) int {
	n := 0
	for _, p := range m.table.peers {
		if p.Kind == kind {
			n++
		}
	}
	return n
}

// outbound is how many outbound connections are open or being dialed.
func (m *ConnManager) outbound() int {
	n := m.count(Outbound)
	for _, k := range m.pending {
		if k == Outbound {
			n++
		}
	}
	return n
}

// outboundGroups counts the outbound connections, open or being dialed,
// in each network group.
func (m *ConnManager) outboundGroups() map[string]int {
	groups := make(map[string]int)
	for _, p := range m.table.peers {
		if p.Kind == Outbound {
			groups[Group(p.Addr)]++
		}
	}
	for a, k := range m.pending {
		if k == Outbound {
			groups[Group(a)]++
		}
	}
	return groups
}
