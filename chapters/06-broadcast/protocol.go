package broadcast

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
)

// Name is the protocol's name in a mux: where Publish and Read go.
const Name = "broadcast"

// Timers of the protocol; each peer has two more, from firstFlush on.
const (
	timerTick simulation.TimerID = iota
	timerSync
	firstFlush
)

// MaxPeers is how many peers the protocol follows: each takes two
// timer IDs of the mux's discovery.TimerSpace.
const MaxPeers = (discovery.TimerSpace - int(firstFlush)) / 2

// docs:begin local

// Publish is local input: an item made here, to broadcast. Deliver it
// as discovery.Input{To: broadcast.Name, Value: broadcast.Publish{...}}.
type Publish struct{ Item Item }

// Want is local input: an item nobody announced that the node needs,
// by its ID, such as the parent of a block that came without it. Every
// connected peer is asked in turn until one has it, as if each had
// announced it.
type Want struct {
	Type uint32
	ID   ID
}

// Read is local input asking what the node holds: answered with an
// emitted Holding, from the node's own state, with no message sent.
type Read struct{}

// Delivered is emitted when an item is new to this node.
type Delivered struct {
	Item Item
	From simulation.PeerID // 0 when published here
}

// Holding answers a Read: how many items the node has seen.
type Holding struct{ Items int }

// Rejected is emitted when a Publish is refused.
type Rejected struct {
	ID  ID
	Err error
}

// docs:end local

// Scorer is where bad peers are reported: chapter 05's PeerTable.
type Scorer interface {
	Misbehaving(now time.Time, peer simulation.PeerID, points int, reason string) []simulation.Action
}

// peer is what the protocol keeps of one connected peer.
type peer struct {
	id   simulation.PeerID
	slot int
	// A tree is a one-way path: lazy holds the trees it asked us not
	// to push to it, pruned the trees we asked it not to push to us.
	lazy     *fifoMap[uint64, struct{}]
	pruned   *fifoMap[uint64, pruning]
	prunes   []uint64         // trees to prune, sent with the next push
	syncDue  bool             // an inventory rides on the next push
	offered  time.Time        // the newest item in its last inventory
	heard    time.Time        // when it last sent us a message
	known    *fifoSet         // items it has, as far as we know
	sent     *fifoSet         // items it sent or announced to us
	got      *fifoSet         // items it sent us: twice is bad
	asked    map[ID]time.Time // items asked of it, not answered yet
	askedAny *fifoSet         // items ever asked of it: late answers are fair
	queue    [2][]ID          // to push, to announce
	armed    [2]bool          // its flush timer is set,
	dueAt    [2]time.Time     // for then
}

// want is an item announced to us that we do not have yet.
type want struct {
	typ   uint32
	from  []simulation.PeerID // who announced it, not asked yet
	asked simulation.PeerID   // 0: nobody asked yet
	due   time.Time           // when to ask, or to give up on asked
}

// stored is an item kept to serve, with the tree it travels on, how
// many hops it came, and when it came.
type stored struct {
	Item
	tree uint64
	hops uint8
	at   time.Time
}

// Protocol is the broadcast protocol, one discovery.Protocol.
type Protocol struct {
	cfg    Config
	types  types
	r      *rand.Rand
	scorer Scorer

	tree     uint64 // the tree of the items published here
	seen     *fifoSet
	store    map[ID]stored
	order    []ID                                // the store's items, oldest first
	parent   *fifoMap[uint64, simulation.PeerID] // whence each tree comes
	peers    map[simulation.PeerID]*peer
	slots    []simulation.PeerID // slot → peer, 0 when free
	wanted   map[ID]*want
	ticked   bool
	syncPeer simulation.PeerID // the last peer given an inventory

	out []simulation.Action
}

// New returns a protocol. r is its only randomness.
func New(cfg Config, r *rand.Rand) (*Protocol, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: no random source", ErrConfig)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	ts, err := newTypes(cfg.Types)
	if err != nil {
		return nil, err
	}
	return &Protocol{
		cfg: cfg, types: ts, r: r,
		tree:   r.Uint64() | 1,
		seen:   newFIFOSet(cfg.SeenSize),
		store:  make(map[ID]stored),
		parent: newFIFOMap[uint64, simulation.PeerID](cfg.MaxTrees),
		peers:  make(map[simulation.PeerID]*peer),
		wanted: make(map[ID]*want),
	}, nil
}

// kinds is what a Scorer may also do, as chapter 05's PeerTable
// does: say what a connection is for.
type kinds interface {
	Get(simulation.PeerID) (discovery.PeerInfo, bool)
}

// short reports whether a peer is on a connection that ends as soon as
// its handshake does (a feeler, a seed's): no part of any tree.
func (p *Protocol) short(id simulation.PeerID) bool {
	k, ok := p.scorer.(kinds)
	if !ok {
		return false
	}
	info, ok := k.Get(id)
	return ok && (info.Kind == discovery.Feeler || info.Kind == discovery.OneShot)
}

// SetScorer says where to report bad peers: the connection manager's
// table, n.ConnManager().Table(). Without one, bad input is only
// dropped.
func (p *Protocol) SetScorer(s Scorer) { p.scorer = s }

func (p *Protocol) Name() string { return Name }
func (p *Protocol) Commands() []string {
	return []string{CmdInv, CmdGetData, CmdNotFound, CmdItems, CmdPrune}
}

// Has reports whether the node has seen an item.
func (p *Protocol) Has(id ID) bool { return p.seen.has(id) }

// Len is how many items the node has seen (as far as the seen-cache
// remembers).
func (p *Protocol) Len() int { return p.seen.len() }

// Eager lists the peers this node pushes its own items to: its links
// on its own tree.
func (p *Protocol) Eager() []simulation.PeerID {
	var out []simulation.PeerID
	for _, id := range slices.Sorted(maps.Keys(p.peers)) {
		if !p.peers[id].lazy.has(p.tree) {
			out = append(out, id)
		}
	}
	return out
}

// Footprint is what the protocol holds, for tests that memory stays
// bounded.
type Footprint struct {
	Seen, Stored, Wanted, Peers, Trees int
	Known, Sent, Asked, Queued         int // the most of any one peer
}

// Footprint counts what the protocol holds.
func (p *Protocol) Footprint() Footprint {
	f := Footprint{Seen: p.seen.len(), Stored: len(p.store), Trees: p.parent.len(),
		Wanted: len(p.wanted), Peers: len(p.peers)}
	for _, pe := range p.peers {
		f.Known = max(f.Known, pe.known.len())
		f.Sent = max(f.Sent, pe.sent.len())
		f.Asked = max(f.Asked, len(pe.asked))
		f.Queued = max(f.Queued, len(pe.queue[0])+len(pe.queue[1]))
	}
	return f
}

// docs:begin handle

// Handle implements discovery.Protocol.
func (p *Protocol) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	p.out = nil
	switch e := ev.(type) {
	case simulation.Start:
		if !p.cfg.NoSync {
			p.set(timerSync, jitter(p.cfg.SyncInterval, p.r))
		}
	case simulation.PeerConnected:
		if !p.short(e.Peer) {
			p.connected(now, e.Peer)
		}
	case simulation.PeerDisconnected:
		p.disconnected(e.Peer)
	case simulation.MessageReceived:
		p.received(now, e.From, e.Msg)
	case simulation.TimerFired:
		p.timer(now, e.Timer)
	case simulation.Local:
		p.local(now, e.Value)
	}
	if len(p.wanted) > 0 && !p.ticked {
		p.ticked = true
		p.set(timerTick, tickInterval)
	}
	return p.out
}

// docs:end handle

func (p *Protocol) received(now time.Time, from simulation.PeerID, msg wire.Message) {
	pe, ok := p.peers[from]
	if !ok {
		return
	}
	if !p.cfg.NoSync && now.Sub(pe.heard) > p.cfg.SyncSilence {
		// Cut off, or quiet: what did it miss since?
		p.catchUp(now, pe, pe.heard.Add(-p.cfg.SyncSettle))
	}
	pe.heard = now
	switch m := msg.(type) {
	case *MsgInv:
		p.inv(now, pe, m.List)
	case *MsgGetData:
		p.getData(now, pe, m.List)
	case *MsgNotFound:
		p.notFound(now, pe, m.List)
	case *MsgItems:
		p.items(now, pe, m)
	case *MsgPrune:
		p.pruned(pe, m.Trees)
	}
}

func (p *Protocol) local(now time.Time, v any) {
	switch v := v.(type) {
	case Publish:
		if err := p.types.check(v.Item); err != nil {
			p.emit(Rejected{ID: v.Item.ID, Err: err})
			return
		}
		if !p.seen.has(v.Item.ID) {
			p.accept(now, stored{Item: v.Item, tree: p.tree}, nil)
		}
	case Want:
		p.want(now, v)
	case Read:
		p.emit(Holding{Items: p.seen.len()})
	}
}

func (p *Protocol) connected(now time.Time, id simulation.PeerID) {
	if _, ok := p.peers[id]; ok || len(p.peers) >= MaxPeers {
		return
	}
	slot := slices.Index(p.slots, 0)
	if slot < 0 {
		slot = len(p.slots)
		p.slots = append(p.slots, 0)
	}
	p.slots[slot] = id
	pe := &peer{id: id, slot: slot,
		lazy:     newFIFOMap[uint64, struct{}](p.cfg.MaxTrees),
		pruned:   newFIFOMap[uint64, pruning](p.cfg.MaxTrees),
		known:    newFIFOSet(p.cfg.KnownPerPeer),
		sent:     newFIFOSet(p.cfg.KnownPerPeer),
		got:      newFIFOSet(p.cfg.KnownPerPeer),
		asked:    make(map[ID]time.Time),
		askedAny: newFIFOSet(p.cfg.KnownPerPeer)}
	p.peers[id] = pe
	pe.heard = now
	if !p.cfg.NoSync {
		p.catchUp(now, pe, now.Add(-p.cfg.SyncWindow))
	}
}

func (p *Protocol) disconnected(id simulation.PeerID) {
	pe, ok := p.peers[id]
	if !ok {
		return
	}
	for k := range 2 {
		if pe.armed[k] {
			p.out = append(p.out, simulation.StopTimer{Timer: p.flushTimer(pe, k)})
		}
	}
	p.slots[pe.slot] = 0
	delete(p.peers, id)
	for tree, parent := range p.parent.m {
		if parent.v == id {
			p.parent.del(tree) // the next item of it, or a graft, says
		}
	}
}

// score reports a bad peer.
func (p *Protocol) score(now time.Time, pe *peer, points int, reason string) {
	if p.scorer != nil {
		p.out = append(p.out, p.scorer.Misbehaving(now, pe.id, points, reason)...)
	}
}

func (p *Protocol) emit(v any) { p.out = append(p.out, simulation.Emit{Value: v}) }
func (p *Protocol) send(to *peer, m wire.Message) {
	p.out = append(p.out, simulation.Send{To: to.id, Msg: m})
}
func (p *Protocol) set(t simulation.TimerID, d time.Duration) {
	p.out = append(p.out, simulation.SetTimer{Timer: t, After: d})
}
func (p *Protocol) timer(now time.Time, t simulation.TimerID) {
	switch {
	case t == timerTick:
		p.ticked = false
		p.requests(now)
	case t == timerSync:
		p.syncTick(now)
	case t >= firstFlush:
		n := int(t - firstFlush)
		slot, k := n/2, n%2
		if slot < len(p.slots) && p.slots[slot] != 0 {
			p.flush(now, p.peers[p.slots[slot]], k)
		}
	}
}

func (p *Protocol) flushTimer(pe *peer, kind int) simulation.TimerID {
	return firstFlush + simulation.TimerID(2*pe.slot+kind)
}
