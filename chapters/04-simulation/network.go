package simulation

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	wire "peerchain/chapters/02-wire"
)

// NewMachine builds the machine of one node. r is the node's own random
// source, seeded from the network's seed, the node's ID and how many
// times it has restarted.
type NewMachine func(id NodeID, r *rand.Rand) Machine

// Network is a simulated network: nodes running machines, links between
// them with latency and loss, and a virtual clock that jumps from one
// event to the next. It runs on one goroutine; the same Config and the
// same machines always give the same run.
type Network struct {
	cfg       Config
	build     NewMachine
	rng       *rand.Rand             // latency and loss: the network's own choices
	topo      [][]NodeID             // neighbours at the start; nil for AnyToAny
	nodes     []simNode              // by NodeID
	queue     queue                  //
	now       time.Duration          // virtual time since Epoch
	seq       uint64                 // items queued so far
	groups    []int                  // partition group of each node; nil if whole
	last      map[link]time.Duration // latest arrival on each link, for FIFO
	fifo      bool                   // latency can reorder, so keep `last`
	lastLimit int                    // prune `last` when it is this big
	latency   map[link]Latency       // per-link overrides
	loss      map[link]float64       // per-link overrides
	stats     Stats
	err       error // the first error an action caused
}

// link is a direction between two nodes.
type link struct{ from, to NodeID }

// simNode is one node's state in the network.
type simNode struct {
	m      Machine
	alive  bool
	life   uint32 // incarnation: bumped by a crash, so old items are dropped
	timers map[TimerID]uint64
	gen    uint64              // timer settings so far
	peers  map[NodeID]struct{} // open connections, as this node sees them
}

// New builds a network of cfg.Nodes machines, made by build, and queues
// each node's Start event and the PeerConnected events of its links.
func New(cfg Config, build NewMachine) (*Network, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	topo, err := cfg.Topology.Neighbours(cfg.Nodes, rand.New(rand.NewPCG(cfg.Seed, 1)))
	if err != nil {
		return nil, err
	}
	_, constant := cfg.Latency.(Constant)
	n := &Network{
		cfg:       cfg,
		build:     build,
		rng:       rand.New(rand.NewPCG(cfg.Seed, 2)),
		topo:      topo,
		nodes:     make([]simNode, cfg.Nodes),
		last:      make(map[link]time.Duration),
		lastLimit: lastPruneAt,
		fifo:      !constant,
		latency:   make(map[link]Latency),
		loss:      make(map[link]float64),
		stats:     Stats{ByType: make(map[string]Counter), ByNode: make([]NodeStats, cfg.Nodes)},
	}
	for id := range n.nodes {
		n.boot(NodeID(id))
	}
	for id := range n.nodes {
		n.linkTopology(NodeID(id), true)
	}
	return n, n.err
}

// boot starts a node's current incarnation with a fresh machine.
func (n *Network) boot(id NodeID) {
	nd := &n.nodes[id]
	r := rand.New(rand.NewPCG(n.cfg.Seed, uint64(id)<<32|uint64(nd.life)+3))
	nd.m = n.build(id, r)
	nd.alive = true
	nd.timers = make(map[TimerID]uint64)
	nd.peers = make(map[NodeID]struct{})
	n.push(item{at: n.now, to: id, kind: itemStart})
}

// linkTopology opens the links a node has in the starting topology to
// the neighbours that are up and on its side of any partition. At the
// start both ends hear of each link at once, the lower ID as the dialer.
// After a restart the restarted node hears at once and each neighbour
// after the link's latency, behind whatever was on its way, such as the
// news of the crash.
func (n *Network) linkTopology(id NodeID, atStart bool) {
	if n.topo == nil {
		return
	}
	for _, nb := range n.topo[id] {
		switch {
		case atStart && nb < id:
			continue // opened from the other end
		case !n.nodes[nb].alive || n.cut(id, nb):
			continue
		}
		reach := n.now
		if !atStart {
			reach = n.arrival(id, nb)
		}
		n.push(item{at: n.now, to: id, from: nb, kind: itemConnect, inbound: nb < id})
		n.push(item{at: reach, to: nb, from: id, kind: itemConnect, inbound: id < nb})
	}
}

// Now is the current virtual time.
func (n *Network) Now() time.Time { return Epoch.Add(n.now) }

// Elapsed is the virtual time since the network started.
func (n *Network) Elapsed() time.Duration { return n.now }

// Machine returns a node's machine, to inspect its state, or nil while
// the node is crashed.
func (n *Network) Machine(id NodeID) Machine {
	if id < 0 || int(id) >= len(n.nodes) || !n.nodes[id].alive {
		return nil
	}
	return n.nodes[id].m
}

// Act makes a node carry out actions now, as if its machine had returned
// them: how a test or an experiment makes something happen ("node 3
// sends this", "node 5 drops that peer") without a machine of its own.
func (n *Network) Act(id NodeID, actions ...Action) error {
	if err := n.checkIDs([]NodeID{id}); err != nil {
		return fmt.Errorf("act: %w", err)
	}
	if !n.nodes[id].alive {
		return fmt.Errorf("act: node %d is down", id)
	}
	for _, a := range actions {
		n.apply(id, a)
	}
	return n.err
}

// Inject hands a node a Local event now, after what is already due now:
// how a test or an experiment plays the node's wallet, miner or operator.
func (n *Network) Inject(id NodeID, value any) error {
	if err := n.checkIDs([]NodeID{id}); err != nil {
		return fmt.Errorf("inject: %w", err)
	}
	if !n.nodes[id].alive {
		return fmt.Errorf("inject: node %d is down", id)
	}
	n.push(item{at: n.now, to: id, kind: itemLocal, ev: Local{Value: value}})
	return n.err
}

// Pending is how many events are waiting in the queue.
func (n *Network) Pending() int { return n.queue.len() }

// docs:begin run

// Step handles the next event and reports whether there was one.
func (n *Network) Step() (bool, error) {
	if n.err != nil {
		return false, n.err
	}
	if n.queue.len() == 0 {
		return false, nil
	}
	it := n.queue.pop()
	n.now = it.at
	n.handle(it)
	return true, n.err
}

// RunFor runs every event in the next d of virtual time, then moves the
// clock to the end of it.
func (n *Network) RunFor(d time.Duration) error {
	end := n.now + d
	for n.queue.len() > 0 && n.queue.peek().at <= end {
		if _, err := n.Step(); err != nil {
			return err
		}
	}
	n.now = end
	return n.err
}

// RunUntil runs until done returns true, checking after every event, or
// until limit of virtual time has passed. It reports whether done did.
func (n *Network) RunUntil(done func() bool,
	limit time.Duration) (bool, error) {
	end := n.now + limit
	for !done() {
		if n.queue.len() == 0 || n.queue.peek().at > end {
			return false, n.err
		}
		if _, err := n.Step(); err != nil {
			return false, err
		}
	}
	return true, nil
}

// docs:end run

// docs:begin handle

// handle gives one item to its node's machine, if it is still meant for
// it, and carries out the actions the machine returns.
func (n *Network) handle(it item) {
	nd := &n.nodes[it.to]
	if !nd.alive || it.life != nd.life {
		if it.kind == itemDeliver {
			n.stats.Undeliverable++
			n.drop(it.from, it.to, it.msg, "crashed")
		}
		return // meant for an incarnation that crashed
	}
	var ev Event
	switch it.kind {
	case itemStart:
		ev = Start{}
	case itemTimer:
		if gen, ok := nd.timers[it.timer]; !ok || gen != it.gen {
			return // stopped or moved since
		}
		delete(nd.timers, it.timer)
		ev = TimerFired{Timer: it.timer}
	case itemDeliver:
		if !n.connected(it.to, it.from) {
			n.stats.Undeliverable++
			n.drop(it.from, it.to, it.msg, "closed")
			return
		}
		size := wire.EncodedSize(it.msg)
		n.stats.Delivered.add(size)
		n.stats.ByNode[it.to].Received.add(size)
		n.tracef("deliver %s %d -> %d %dB", it.msg.Command(), it.from, it.to, size)
		ev = MessageReceived{From: PeerID(it.from), Msg: it.msg}
	case itemConnect:
		nd.peers[it.from] = struct{}{}
		ev = PeerConnected{Peer: PeerID(it.from),
			Addr: SimAddr(it.from), Inbound: it.inbound}
	case itemDisconnect:
		if _, ok := nd.peers[it.from]; !ok {
			return // closed from this side first
		}
		delete(nd.peers, it.from)
		ev = it.ev
	case itemClosed, itemDialFailed, itemLocal:
		ev = it.ev
	}
	n.stats.Events++
	if n.stats.Events > n.cfg.MaxEvents {
		n.fail(fmt.Errorf("%w: %d events at %v",
			ErrEventLimit, n.cfg.MaxEvents, n.now))
		return
	}
	for _, a := range nd.m.Handle(n.Now(), ev) {
		n.apply(it.to, a)
	}
}

// docs:end handle

// connected reports whether from may deliver to `to`: always with
// AnyToAny, otherwise only over a connection `to` still has open.
func (n *Network) connected(to, from NodeID) bool {
	if n.topo == nil {
		return true
	}
	_, ok := n.nodes[to].peers[from]
	return ok
}

// apply carries out one action of node id.
func (n *Network) apply(id NodeID, a Action) {
	nd := &n.nodes[id]
	switch a := a.(type) {
	case Send:
		n.send(id, NodeID(a.To), a.Msg)
	case SetTimer:
		nd.gen++
		nd.timers[a.Timer] = nd.gen
		n.push(item{at: n.now + max(a.After, 0), to: id, kind: itemTimer, timer: a.Timer, gen: nd.gen})
	case StopTimer:
		delete(nd.timers, a.Timer)
	case Dial:
		n.dial(id, a.Addr)
	case Disconnect:
		n.disconnect(id, NodeID(a.Peer), a.Err)
	case nil:
	default:
		n.fail(fmt.Errorf("%w: node %d returned %T", ErrUnknownAction, id, a))
	}
}

// docs:begin send

// send puts a message on the link from one node to another, unless the
// link is missing, the message is lost, or a partition cuts it. It
// arrives after the link's latency, and never before a message sent
// earlier on the same link: a connection keeps order, as TCP does.
func (n *Network) send(from, to NodeID, msg wire.Message) {
	if to < 0 || int(to) >= len(n.nodes) || !n.connected(from, to) {
		n.stats.NoConnection++
		return
	}
	size := wire.EncodedSize(msg)
	n.stats.Sent.add(size)
	n.stats.ByNode[from].Sent.add(size)
	c := n.stats.ByType[msg.Command()]
	c.add(size)
	n.stats.ByType[msg.Command()] = c
	switch {
	case n.lost(from, to):
		n.stats.Lost++
		n.drop(from, to, msg, "lost")
	case n.cut(from, to):
		n.stats.Cut++
		n.drop(from, to, msg, "cut by partition")
	default:
		n.push(item{at: n.arrival(from, to), to: to, from: from,
			kind: itemDeliver, msg: msg})
	}
}

// docs:end send

// arrival samples a link's latency for a message leaving now, and keeps
// the link in order.
func (n *Network) arrival(from, to NodeID) time.Duration {
	return n.arrivalAfter(from, to, n.now)
}

func (n *Network) arrivalAfter(from, to NodeID, departs time.Duration) time.Duration {
	l := link{from, to}
	lat, ok := n.latency[l]
	if !ok {
		lat = n.cfg.Latency
	}
	at := departs + lat.Sample(n.rng)
	if n.fifo || ok {
		at = max(at, n.last[l])
		n.last[l] = at
		n.pruneLast()
	}
	return at
}

// lastPruneAt is how many links' latest arrivals the network remembers
// before it forgets those already in the past, which no longer hold any
// message back.
const lastPruneAt = 1 << 16

func (n *Network) pruneLast() {
	if len(n.last) < n.lastLimit {
		return
	}
	for l, at := range n.last {
		if at <= n.now {
			delete(n.last, l)
		}
	}
	n.lastLimit = max(lastPruneAt, 2*len(n.last))
}

func (n *Network) lost(from, to NodeID) bool {
	p, ok := n.loss[link{from, to}]
	if !ok {
		p = n.cfg.Loss
	}
	return p > 0 && n.rng.Float64() < p
}

// cut reports whether a partition separates two nodes.
func (n *Network) cut(a, b NodeID) bool {
	return n.groups != nil && n.groups[a] != n.groups[b]
}

// dial opens a connection to the node at addr: it arrives at that node
// after one trip, and the answer back at the dialer after another.
func (n *Network) dial(id NodeID, addr Addr) {
	to, err := ParseSimAddr(addr, len(n.nodes))
	fail := func(after time.Duration, err error) {
		n.push(item{at: n.now + after, to: id, kind: itemDialFailed,
			ev: DialFailed{Addr: addr, Err: fmt.Errorf("dial %s: %w", addr, err)}})
	}
	switch {
	case err != nil:
		fail(0, err)
	case to == id:
		fail(0, ErrSelfDial)
	case n.connected(id, to):
		fail(0, ErrAlreadyConnected)
	case !n.nodes[to].alive || n.cut(id, to):
		fail(DialTimeout, ErrDialTimeout)
	default:
		there := n.arrival(id, to)
		n.push(item{at: there, to: to, from: id, kind: itemConnect, inbound: true})
		n.push(item{at: n.arrivalAfter(to, id, there), to: id, from: to, kind: itemConnect})
	}
}

// disconnect closes a connection from one end. This end hears of it at
// once; the far end after the link's latency, behind what was already
// on its way.
func (n *Network) disconnect(id, peer NodeID, reason error) {
	if n.topo == nil || !n.connected(id, peer) {
		return
	}
	delete(n.nodes[id].peers, peer)
	n.push(item{at: n.now, to: id, from: peer, kind: itemClosed,
		ev: PeerDisconnected{Peer: PeerID(peer), Err: reason}})
	if !n.cut(id, peer) {
		n.push(item{at: n.arrival(id, peer), to: peer, from: id, kind: itemDisconnect,
			ev: PeerDisconnected{Peer: PeerID(id),
				Err: fmt.Errorf("%w: %v", ErrClosedByPeer, reason)}})
	}
}

// push queues an item for the current incarnation of its node.
func (n *Network) push(it item) {
	if n.queue.len() >= n.cfg.MaxPending {
		n.fail(fmt.Errorf("%w: %d events pending at %v", ErrQueueFull, n.queue.len(), n.now))
		return
	}
	it.life = n.nodes[it.to].life
	it.seq = n.seq
	n.seq++
	n.queue.push(it)
}

func (n *Network) fail(err error) {
	if n.err == nil {
		n.err = err
	}
}

// SimAddr is the address of a simulated node.
func SimAddr(id NodeID) Addr { return Addr("sim-" + strconv.Itoa(int(id))) }

// ParseSimAddr reads an address made by SimAddr, for a network of n nodes.
func ParseSimAddr(a Addr, n int) (NodeID, error) {
	num, ok := strings.CutPrefix(string(a), "sim-")
	id, err := strconv.Atoi(num)
	if !ok || err != nil || id < 0 || id >= n {
		return 0, fmt.Errorf("%w: %q", ErrNoSuchNode, a)
	}
	return NodeID(id), nil
}

// checkIDs checks a list of node IDs against the network.
func (n *Network) checkIDs(ids []NodeID) error {
	for _, id := range ids {
		if id < 0 || int(id) >= len(n.nodes) {
			return fmt.Errorf("%w: %d (the network has %d)", ErrNoSuchNode, id, len(n.nodes))
		}
	}
	return nil
}

// sortedPeers lists a node's open connections in order, so that whatever
// is done to each happens in the same order on every run.
func (n *Network) sortedPeers(id NodeID) []NodeID {
	var ps []NodeID
	for p := range n.nodes[id].peers {
		ps = append(ps, p)
	}
	slices.Sort(ps)
	return ps
}
