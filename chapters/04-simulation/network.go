package simulation

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	wire "peerchain/chapters/02-wire"
)

// NewMachine builds the machine of one node. r is the node's own random
// source, seeded from the network's seed, the node's ID and how many
// times it has restarted.
type NewMachine func(id NodeID, r *rand.Rand) Machine

// Rebuild builds the machine of a node that restarts, told which
// incarnation it is (1 for the first restart): how a test or an
// experiment hands a node back what it persisted before it crashed.
type Rebuild func(id NodeID, life int, r *rand.Rand) Machine

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
	sending   map[link]time.Duration // when each link is done sending, with Cost
	fifo      bool                   // arrivals can reorder, so keep `last`
	lastLimit int                    // prune `last` when it is this big
	latency   map[link]Latency       // per-link overrides
	loss      map[link]float64       // per-link overrides
	hook      Hook                   // sees every message sent, if set
	stale     int                    // timer items in the queue known to be dead
	emitted   []Emitted              // the last cfg.MaxEmitted, as a ring
	byAddr    map[Addr]NodeID        // with cfg.Address: who listens where
	stats     Stats
	err       error // the first error an action caused

	// Kept out of simNode, so that a node of an any-to-any network,
	// which has no connections, holds only what it needs (see
	// sidetables.go and nodestate.go).
	flights    table[flight]         // what deliveries carry
	cargo      table[cargo]          // what the other items carry
	moreTimers map[NodeID][]timerSet // timers beyond a node's first
	peers      []peerState           // by NodeID; nil until needed
	busy       []time.Duration       // with Processing: when each node is free
	recv       []Event               // any-to-any: each sender's last MessageReceived
	anyMsg     anyFlight             // any-to-any: the message most on its way
	byType     []typeCount           // sent, by command
	lastType   int                   // the byType entry used last
	measured   sized                 // the last message measured
	pcgs       []rand.PCG            // the nodes' first random sources,
	rands      []rand.Rand           // made in two allocations, not 2n
	noConns    nodeConns             // any-to-any: every node's (none)
}

// link is a direction between two nodes.
type link struct{ from, to NodeID }

// simNode is one node's state in the network.
type simNode struct {
	m          Machine   // nil while the node is down
	*nodeConns           // its connections: any-to-any, the network's empty one
	timer      nodeTimer // its first timer, if set (more: Network.moreTimers)
	life       uint32    // incarnation: bumped by a crash, so old items are dropped
}

// up reports whether the node is running: it has a machine.
func (nd *simNode) up() bool { return nd.m != nil }

// nodeConns is a node's connections. It sits behind a pointer so that
// the nodes of an any-to-any network, which have none, share one.
type nodeConns struct {
	conns map[PeerID]*conn // open connections, by this node's PeerIDs
	links map[NodeID]*conn // the connection to each node, open or being dialed
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
		sending:   make(map[link]time.Duration),
		lastLimit: lastPruneAt,
		fifo:      !constant || cfg.Cost != nil,
		latency:   make(map[link]Latency),
		loss:      make(map[link]float64),
		stats:     Stats{ByNode: make([]NodeStats, cfg.Nodes)},
		pcgs:      make([]rand.PCG, cfg.Nodes),
		rands:     make([]rand.Rand, cfg.Nodes),
	}
	if topo == nil {
		n.recv = make([]Event, cfg.Nodes)
	} else {
		n.peers = newPeerStates(cfg.Nodes)
	}
	if cfg.Processing != nil {
		n.busy = make([]time.Duration, cfg.Nodes)
	}
	if cfg.Address != nil {
		n.byAddr = make(map[Addr]NodeID, cfg.Nodes)
		for id := range cfg.Nodes {
			a := cfg.Address(NodeID(id))
			if other, ok := n.byAddr[a]; ok {
				return nil, fmt.Errorf("%w: nodes %d and %d both listen on %q", ErrConfig, other, id, a)
			}
			n.byAddr[a] = NodeID(id)
		}
	}
	for id := range n.nodes {
		n.boot(NodeID(id), build)
	}
	for id := range n.nodes {
		n.linkTopology(NodeID(id), true)
	}
	return n, n.err
}

// boot starts a node's current incarnation with a fresh machine.
func (n *Network) boot(id NodeID, build NewMachine) {
	nd := &n.nodes[id]
	nd.m = build(id, n.random(id, nd.life))
	if nd.m == nil {
		n.fail(fmt.Errorf("%w: node %d was built with no machine", ErrConfig, id))
	}
	nd.nodeConns = &n.noConns
	if n.topo != nil {
		nd.nodeConns = &nodeConns{conns: make(map[PeerID]*conn),
			links: make(map[NodeID]*conn)}
	}
	if n.peers != nil {
		n.peers[id] = newPeerState() // a new process numbers afresh
	}
	if n.busy != nil {
		n.busy[id] = 0
	}
	n.push(item{at: n.now, to: int32(id), kind: itemStart, ref: noRef})
}

// Now is the current virtual time.
func (n *Network) Now() time.Time { return Epoch.Add(n.now) }

// Elapsed is the virtual time since the network started.
func (n *Network) Elapsed() time.Duration { return n.now }

// Machine returns a node's machine, to inspect its state, or nil while
// the node is crashed.
func (n *Network) Machine(id NodeID) Machine {
	if id < 0 || int(id) >= len(n.nodes) || !n.nodes[id].up() {
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
	if !n.nodes[id].up() {
		return fmt.Errorf("act: node %d is down", id)
	}
	for _, a := range actions {
		n.apply(id, a, n.now)
	}
	return n.err
}

// Inject hands a node a Local event now, after what is already due now:
// how a test or an experiment plays the node's wallet, miner or operator.
func (n *Network) Inject(id NodeID, value any) error {
	if err := n.checkIDs([]NodeID{id}); err != nil {
		return fmt.Errorf("inject: %w", err)
	}
	if !n.nodes[id].up() {
		return fmt.Errorf("inject: node %d is down", id)
	}
	n.event(id, n.now, Local{Value: value})
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

// handle turns one item into the event its node's machine sees, unless
// it no longer applies (the node crashed since, the timer moved, the
// connection closed), and carries out the actions the machine returns.
func (n *Network) handle(it item) {
	nd := &n.nodes[it.to]
	if !nd.up() || it.life != nd.life {
		n.stalled(it) // meant for an incarnation that crashed
		return
	}
	if n.busy != nil && n.busy[it.to] > n.now {
		n.wait(nd, it, n.busy[it.to]) // busy with an earlier event
		return
	}
	ev := n.eventOf(nd, it)
	if ev == nil {
		return
	}
	n.stats.Events++
	if n.stats.Events > n.cfg.MaxEvents {
		n.fail(fmt.Errorf("%w: %d events at %v",
			ErrEventLimit, n.cfg.MaxEvents, n.now))
		return
	}
	id := NodeID(it.to)
	done := n.now // when its actions take effect
	if n.cfg.Processing != nil {
		done += max(n.cfg.Processing(id, ev), 0)
		n.busy[id] = done
	}
	for _, a := range nd.m.Handle(n.Now(), ev) {
		n.apply(id, a, done)
	}
}

// docs:end handle

// eventOf is the event an item means to its node now, or nil if none.
func (n *Network) eventOf(nd *simNode, it item) Event {
	switch it.kind {
	case itemStart:
		return Start{}
	case itemTimer:
		t := n.timerOf(NodeID(it.to), nd, &it)
		if t == noTimer {
			n.stale--
			return nil // stopped or moved since
		}
		id := n.timerAt(NodeID(it.to), nd, t).id
		n.forgetTimer(NodeID(it.to), nd, t)
		return TimerFired{Timer: id}
	case itemDeliver, itemDeliverAny:
		return n.deliver(it)
	case itemLink:
		return n.openLink(it)
	case itemAccept:
		return n.accept(it)
	case itemAnswer:
		return n.answered(it)
	case itemRefused, itemDialLost:
		return n.dialFailed(it)
	case itemClose:
		return n.closed(it)
	case itemEvent:
		return n.cargo.take(it.ref).ev
	}
	return nil
}

// stalled handles an item whose node crashed after it was queued.
func (n *Network) stalled(it item) {
	switch it.kind {
	case itemDeliver, itemDeliverAny:
		f := n.land(&it)
		if !it.cut {
			n.stats.Undeliverable++
			n.drop(NodeID(f.from), NodeID(it.to), f.msg, "crashed")
		}
	case itemAccept:
		n.dialLost(n.cargo.take(it.ref).c) // the SYN found nobody: the dialer times out
	case itemTimer:
		n.stale--
	case itemStart:
	default:
		n.cargo.take(it.ref)
	}
}

// apply carries out one action of node id, taking effect at `at`: now,
// or later when the node spends time processing.
func (n *Network) apply(id NodeID, a Action, at time.Duration) {
	nd := &n.nodes[id]
	switch a := a.(type) {
	case Send:
		n.send(id, a, at)
	case SetTimer:
		if n.setTimer(id, nd, a.Timer, n.seq) {
			n.stale++ // its queued item is dead now
		}
		n.push(item{at: at + max(a.After, 0), to: int32(id), kind: itemTimer, ref: noRef})
		n.compact()
	case StopTimer:
		if n.stopTimer(id, nd, a.Timer) {
			n.stale++
			n.compact()
		}
	case Dial:
		n.dial(id, a.Addr, at)
	case Disconnect:
		n.disconnect(id, a.Peer, a.Err, at)
	case Emit:
		n.emit(id, a.Value, at)
	case Advertise:
		v := &n.peerState(id).version
		v.Services, v.StartHeight = a.Services, a.StartHeight
	case nil:
	default:
		if n.cfg.OnAction == nil || !n.cfg.OnAction(id, a) {
			n.fail(fmt.Errorf("%w: node %d returned %T", ErrUnknownAction, id, a))
		}
	}
}

// docs:begin send

// send puts a message on the connection to a peer, unless there is no
// such connection, the message cannot go on the wire, or it is lost. It
// arrives after the link's latency (and, with Cost, its transmission
// time), and never before a message sent earlier on the same link: a
// connection keeps order, as TCP does.
func (n *Network) send(from NodeID, s Send, at time.Duration) {
	to, c, side, ok := n.peerOf(from, s.To)
	if !ok {
		n.stats.NoConnection++
		return
	}
	size, err := n.measure(s.Msg)
	if err != nil {
		n.event(from, at, SendFailed{To: s.To, Msg: s.Msg, Err: err})
		return
	}
	n.sent(from, s.Msg.Command(), size)
	msg, delay, dropped := n.intercept(from, to, s.Msg)
	switch {
	case dropped:
		n.stats.Dropped++
		n.drop(from, to, msg, "dropped by the hook")
	case n.lost(from, to):
		n.stats.Lost++
		n.drop(from, to, msg, "lost")
	case n.cut(from, to):
		n.stats.Cut++
		n.drop(from, to, msg, "cut by partition")
	default:
		n.push(n.flight(item{at: n.arrival(from, to, at+delay, size),
			to: int32(to), side: side}, flight{msg: msg, c: c,
			from: int32(from), size: int32(size)}))
	}
}

// docs:end send

// deliver is a message arriving: MessageReceived, if the receiving end
// of its connection is still open.
func (n *Network) deliver(it item) Event {
	f := n.land(&it)
	if it.cut {
		return nil // counted when the partition cut it
	}
	from, to := NodeID(f.from), NodeID(it.to)
	peer := AnyPeer(from)
	if f.c != nil {
		end := &f.c.end[it.side]
		if !end.open {
			n.stats.Undeliverable++
			n.drop(from, to, f.msg, "closed")
			n.reset(f.c, it.side)
			return nil
		}
		peer = end.peer
	}
	size := int(f.size)
	n.stats.Delivered.add(size)
	n.stats.ByNode[to].Received.add(size)
	if n.cfg.Trace != nil {
		n.tracef("deliver %s %d -> %d %dB", f.msg.Command(), from, to, size)
	}
	if f.c != nil {
		return MessageReceived{From: peer, Msg: f.msg}
	}
	return n.received(&n.recv[from], peer, f.msg)
}

// peerOf finds where a node's PeerID leads: the node, the connection and
// which end of it the node at the far end is.
func (n *Network) peerOf(id NodeID, p PeerID) (NodeID, *conn, uint8, bool) {
	if n.topo == nil { // any-to-any: PeerIDs name nodes
		to := NodeID(p) - 1
		return to, nil, 0, p > 0 && int(to) < len(n.nodes)
	}
	c, ok := n.nodes[id].conns[p]
	if !ok {
		return 0, nil, 0, false
	}
	far := c.farSide(id)
	return c.end[far].node, c, far, true
}

// measure returns a message's size on the wire, or why it cannot go
// there: an encoding error, a payload over its limit, or a command the
// network's registry does not know.
func (n *Network) measure(msg wire.Message) (int, error) {
	if isNil(msg) {
		return 0, fmt.Errorf("%w: nil message", ErrNotRegistered)
	}
	if sameMessage(msg, n.measured.msg) {
		return n.measured.size, nil // a message never changes once sent
	}
	if n.cfg.Registry != nil {
		if _, err := n.cfg.Registry.New(msg.Command()); err != nil {
			return 0, fmt.Errorf("%w: %q", ErrNotRegistered, msg.Command())
		}
	}
	var c byteCounter
	if err := msg.Encode(&c); err != nil {
		return 0, fmt.Errorf("encode %s: %w", msg.Command(), err)
	}
	if limit := min(msg.MaxPayload(), wire.MaxPayload); int(c) > int(limit) {
		return 0, fmt.Errorf("%w: %s of %d bytes, limit %d",
			wire.ErrPayloadTooLarge, msg.Command(), int(c), limit)
	}
	n.measured = sized{msg: msg, size: wire.HeaderSize + int(c)}
	return n.measured.size, nil
}

// byteCounter is an io.Writer that counts and forgets.
type byteCounter int

func (c *byteCounter) Write(p []byte) (int, error) {
	*c += byteCounter(len(p))
	return len(p), nil
}

// arrival is when something of size bytes, leaving a node at departs,
// reaches the other end of a link: after its transmission, if the
// network has a Cost, and the link's latency, and never before what was
// sent on that link before it.
func (n *Network) arrival(from, to NodeID, departs time.Duration, size int) time.Duration {
	l := link{from, to}
	lat, ok := n.cfg.Latency, false
	if len(n.latency) > 0 {
		if own, set := n.latency[l]; set {
			lat, ok = own, true
		}
	}
	if n.cfg.Cost != nil && size > 0 {
		start := max(departs, n.sending[l])
		departs = start + max(n.cfg.Cost(from, to, size), 0)
		n.sending[l] = departs
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
	for l, at := range n.sending {
		if at <= n.now {
			delete(n.sending, l)
		}
	}
	n.lastLimit = max(lastPruneAt, 2*len(n.last))
}

func (n *Network) lost(from, to NodeID) bool {
	p := n.cfg.Loss
	if len(n.loss) > 0 {
		if own, ok := n.loss[link{from, to}]; ok {
			p = own
		}
	}
	return p > 0 && n.rng.Float64() < p
}

// cut reports whether a partition separates two nodes.
func (n *Network) cut(a, b NodeID) bool {
	return n.groups != nil && n.groups[a] != n.groups[b]
}

// event queues an event, made now, for a node at a time.
func (n *Network) event(id NodeID, at time.Duration, ev Event) {
	n.push(item{at: at, to: int32(id), kind: itemEvent, ref: n.cargo.put(cargo{ev: ev})})
}

// push queues an item for the current incarnation of its node.
func (n *Network) push(it item) {
	it.life = n.nodes[it.to].life
	n.pushItem(it)
}

// pushItem queues an item as it is, with the next sequence number.
func (n *Network) pushItem(it item) {
	if n.queue.len() >= n.cfg.MaxPending {
		n.fail(fmt.Errorf("%w: %d events pending at %v", ErrQueueFull, n.queue.len(), n.now))
		return
	}
	it.seq = n.seq
	n.seq++
	n.queue.push(it)
}

// wait queues an item again for when its busy node is free. A timer's
// item gets a new seq, so its setting follows it.
func (n *Network) wait(nd *simNode, it item, free time.Duration) {
	if it.kind == itemTimer {
		if t := n.timerOf(NodeID(it.to), nd, &it); t != noTimer {
			n.retime(NodeID(it.to), nd, t, n.seq)
		}
	}
	it.at = free
	n.pushItem(it)
}

// compactAt is how many dead timer items may wait in the queue before
// the network sweeps them out (when they are also half of it), so that a
// timer moved on every message cannot fill the queue.
const compactAt = 1024

// compact sweeps the queue of timer items that were moved or stopped.
func (n *Network) compact() {
	if n.stale < compactAt || 2*n.stale < n.queue.len() {
		return
	}
	n.queue.filter(func(it *item) bool {
		if it.kind != itemTimer {
			return true
		}
		nd := &n.nodes[it.to]
		return nd.up() && it.life == nd.life && n.timerOf(NodeID(it.to), nd, it) != noTimer
	})
	n.stale = 0
}

func (n *Network) fail(err error) {
	if n.err == nil {
		n.err = err
	}
}

// Addr is where node id listens: SimAddr(id), or Config.Address's.
func (n *Network) Addr(id NodeID) Addr {
	if n.cfg.Address != nil {
		return n.cfg.Address(id)
	}
	return SimAddr(id)
}

// lookup finds the node that listens at an address.
func (n *Network) lookup(a Addr) (NodeID, error) {
	if n.byAddr == nil {
		return ParseSimAddr(a, len(n.nodes))
	}
	id, ok := n.byAddr[a]
	if !ok {
		return 0, fmt.Errorf("%w: %q", ErrNoSuchNode, a)
	}
	return id, nil
}

// SimAddr is the address of a simulated node, unless Config.Address
// says otherwise.
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

// AnyPeer is the PeerID that names node id in an AnyToAny network, where
// there are no connections and every node may send to every other.
func AnyPeer(id NodeID) PeerID { return PeerID(id) + 1 }

// checkIDs checks a list of node IDs against the network.
func (n *Network) checkIDs(ids []NodeID) error {
	for _, id := range ids {
		if id < 0 || int(id) >= len(n.nodes) {
			return fmt.Errorf("%w: %d (the network has %d)", ErrNoSuchNode, id, len(n.nodes))
		}
	}
	return nil
}
