package simulation

import (
	"fmt"
	"time"
)

// docs:begin conn

// conn is one connection between two simulated nodes. end[0] is the
// node that dialed, end[1] the one it dialed. An end is open from when
// its node hears PeerConnected until it hears PeerDisconnected; the two
// ends open and close at different moments, one link latency apart, as
// the two ends of a TCP connection do.
type conn struct {
	end       [2]connEnd
	addr      Addr          // the address the dialer dialed
	dialed    time.Duration // when, for the dial's timeout
	cancelled bool          // the dialer gave the dial up (or it failed)
	reset     bool          // a reset is on its way to an open end
}

// connEnd is one node's end of a connection.
type connEnd struct {
	node NodeID
	life uint32 // the incarnation of node that holds it
	peer PeerID // the PeerID the node knows it by, once open
	open bool
}

// docs:end conn

// farSide is the index of the end that is not id's.
func (c *conn) farSide(id NodeID) uint8 {
	if c.end[0].node == id {
		return 1
	}
	return 0
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
		case !n.nodes[nb].up() || n.cut(id, nb):
			continue
		}
		dialer, target := min(id, nb), max(id, nb)
		c := &conn{end: [2]connEnd{{node: dialer}, {node: target}},
			addr: n.Addr(target), dialed: n.now}
		reach := n.now
		if !atStart {
			reach = n.arrival(id, nb, n.now, 0)
		}
		n.pushConn(n.now, id, nb, itemLink, c, c.farSide(nb), nil)
		n.pushConn(reach, nb, id, itemLink, c, c.farSide(id), nil)
	}
}

// openLink opens one end of a topology link.
func (n *Network) openLink(it item) Event {
	return n.open(NodeID(it.to), n.cargo.take(it.ref).c, it.side)
}

// open opens a node's end of a connection and returns its PeerConnected.
func (n *Network) open(id NodeID, c *conn, side uint8) Event {
	nd, ps := &n.nodes[id], n.peerState(id)
	far := c.end[1-side].node
	ps.lastPeer++
	c.end[side] = connEnd{node: id, life: nd.life, peer: ps.lastPeer, open: true}
	nd.conns[ps.lastPeer] = c
	nd.links[far] = c
	addr := n.Addr(far)
	if side == 0 {
		addr = c.addr
	}
	v := n.peerState(far).version
	v.SeenAs = n.Addr(id)
	return PeerConnected{Peer: ps.lastPeer, Addr: addr, Remote: n.Addr(far),
		Inbound: side == 1, Version: v}
}

// docs:begin dial

// dial starts a connection to the node at addr. The dial travels one
// link latency to the target, which accepts or refuses it; its answer
// travels back. A dial lost on the way (the target is down, a partition
// cuts it) fails after DialTimeout.
func (n *Network) dial(id NodeID, addr Addr, at time.Duration) {
	to, err := n.lookup(addr)
	nd := &n.nodes[id]
	fail := func(err error) {
		n.event(id, at, DialFailed{Addr: addr, Err: fmt.Errorf("dial %s: %w", addr, err)})
	}
	switch {
	case err != nil:
		fail(err)
		return
	case to == id:
		fail(ErrSelfDial)
		return
	case n.topo == nil:
		fail(fmt.Errorf("%w: an any-to-any network has no connections", ErrRefused))
		return
	case nd.links[to] != nil:
		fail(ErrAlreadyConnected)
		return
	}
	c := &conn{end: [2]connEnd{{node: id, life: nd.life}, {node: to}},
		addr: addr, dialed: at}
	nd.links[to] = c
	if !n.nodes[to].up() || n.cut(id, to) {
		n.dialLost(c)
		return
	}
	n.pushConn(n.arrival(id, to, at, 0), to, id, itemAccept, c, 1, nil)
}

// accept is a dial reaching its target. The target refuses it if its
// machine says no (an Acceptor) or the two are connected already;
// otherwise the target's end opens now and its answer travels back.
func (n *Network) accept(it item) Event {
	cg := n.cargo.take(it.ref)
	c, target, dialer := cg.c, NodeID(it.to), NodeID(cg.from)
	switch {
	case it.cut:
		n.dialLost(c)
		return nil
	case c.cancelled || !n.current(c.end[0]):
		return nil // the dialer gave up, or crashed: nobody to answer
	}
	if err := n.admit(target, dialer); err != nil {
		n.answer(c, itemRefused, DialFailed{Addr: c.addr,
			Err: fmt.Errorf("dial %s: %w", c.addr, err)})
		return nil
	}
	ev := n.open(target, c, 1)
	n.answer(c, itemAnswer, nil)
	return ev
}

// docs:end dial

// docs:begin admit

// admit decides whether a node takes a connection from another. A node
// refuses a second connection to a node it has one with. When two nodes
// dial each other at once, the dial of the node with the lower nonce
// wins, as in the real driver: in the simulator a node's nonce is its
// NodeID. A node whose own dial loses gives it up with
// ErrAlreadyConnected, and takes the other's.
func (n *Network) admit(target, dialer NodeID) error {
	nd := &n.nodes[target]
	if a, ok := nd.m.(Acceptor); ok {
		if err := a.AcceptInbound(n.Now(), n.Addr(dialer)); err != nil {
			return fmt.Errorf("%w: %w", ErrRefused, err)
		}
	}
	mine := nd.links[dialer]
	switch {
	case mine == nil:
		return nil
	case mine.end[0].node != target || mine.end[0].peer != 0:
		return ErrAlreadyConnected // connected already
	case target < dialer:
		return ErrAlreadyConnected // both dialed: mine wins
	}
	mine.cancelled = true // both dialed: theirs wins
	delete(nd.links, dialer)
	n.event(target, n.now, DialFailed{Addr: mine.addr, Err: fmt.Errorf(
		"dial %s: %w: it dialed us at the same time", mine.addr, ErrAlreadyConnected)})
	return nil
}

// docs:end admit

// answer sends the target's answer to a dial back to the dialer, unless
// a partition cuts it, which leaves the dialer to time out.
func (n *Network) answer(c *conn, kind itemKind, ev Event) {
	target, dialer := c.end[1].node, c.end[0].node
	if n.cut(target, dialer) {
		n.dialLost(c)
		return
	}
	n.pushConn(n.arrival(target, dialer, n.now, 0), dialer, target, kind, c, 0, ev)
}

// answered is the target's yes reaching the dialer: its end opens.
func (n *Network) answered(it item) Event {
	c := n.cargo.take(it.ref).c
	if it.cut {
		n.dialLost(c)
		return nil
	}
	if c.cancelled || !n.current(c.end[0]) {
		return nil
	}
	if target := c.end[1]; !target.open || !n.current(target) {
		// The target crashed, or closed its end, after it said yes.
		why := ErrClosedByPeer
		if !n.current(target) {
			why = ErrPeerCrashed
		}
		c.cancelled = true
		delete(n.nodes[it.to].links, target.node)
		return DialFailed{Addr: c.addr, Err: fmt.Errorf("dial %s: %w", c.addr, why)}
	}
	return n.open(NodeID(it.to), c, 0)
}

// dialLost makes a dial whose packets were lost fail at its timeout.
func (n *Network) dialLost(c *conn) {
	dialer := c.end[0].node
	if c.cancelled || !n.current(c.end[0]) {
		return
	}
	at := max(n.now, c.dialed+DialTimeout)
	n.pushItem(item{at: at, to: int32(dialer), life: c.end[0].life, kind: itemDialLost,
		ref: n.cargo.put(cargo{c: c, ev: DialFailed{Addr: c.addr,
			Err: fmt.Errorf("dial %s: %w", c.addr, ErrDialTimeout)}})})
}

// dialFailed is a dial's failure reaching the dialer.
func (n *Network) dialFailed(it item) Event {
	cg := n.cargo.take(it.ref)
	c := cg.c
	if it.cut && it.kind == itemRefused {
		n.dialLost(c)
		return nil
	}
	if c.cancelled {
		return nil
	}
	c.cancelled = true
	if nd := &n.nodes[it.to]; nd.links[c.end[1].node] == c {
		delete(nd.links, c.end[1].node)
	}
	return cg.ev
}

// current reports whether a connection end belongs to its node's
// present incarnation.
func (n *Network) current(e connEnd) bool {
	nd := &n.nodes[e.node]
	return nd.up() && nd.life == e.life
}

// docs:begin disconnect

// disconnect closes a connection from one end. This end hears of it at
// once; the far end after the link's latency, behind what was already on
// its way, unless a partition cuts it.
func (n *Network) disconnect(id NodeID, peer PeerID, reason error, at time.Duration) {
	c, ok := n.nodes[id].conns[peer]
	if !ok {
		return
	}
	side := 1 - c.farSide(id)
	n.shut(c, side)
	n.event(id, at, PeerDisconnected{Peer: peer, Err: reason})
	n.sendClose(c, side, at, fmt.Errorf("%w: %v", ErrClosedByPeer, reason))
}

// docs:end disconnect

// shut closes one end of a connection in its node's tables.
func (n *Network) shut(c *conn, side uint8) {
	e := &c.end[side]
	e.open = false
	nd := &n.nodes[e.node]
	delete(nd.conns, e.peer)
	if far := c.end[1-side].node; nd.links[far] == c {
		delete(nd.links, far)
	}
}

// sendClose tells the far end of a connection that this end closed.
func (n *Network) sendClose(c *conn, side uint8, at time.Duration, reason error) {
	from, to := c.end[side].node, c.end[1-side].node
	if n.cut(from, to) {
		return // the far end finds out by its own timeouts
	}
	n.pushItem(item{at: n.arrival(from, to, at, 0), to: int32(to),
		life: c.end[1-side].life, kind: itemClose, side: 1 - side,
		ref: n.cargo.put(cargo{c: c, from: int32(from), ev: PeerDisconnected{Err: reason}})})
}

// closed is the news that the far end closed reaching this end.
func (n *Network) closed(it item) Event {
	cg := n.cargo.take(it.ref)
	e := &cg.c.end[it.side]
	if it.cut || !e.open {
		return nil // cut on its way, or closed from this side first
	}
	peer := e.peer
	n.shut(cg.c, it.side)
	ev := cg.ev.(PeerDisconnected)
	ev.Peer = peer
	return ev
}

// reset answers a message that reached a closed end: if the sender's end
// is still open (it never heard of the close), it hears of it now, as
// TCP answers data for a connection it does not have with a reset.
func (n *Network) reset(c *conn, closedSide uint8) {
	open := 1 - closedSide
	if c.reset || !c.end[open].open || !n.current(c.end[open]) {
		return
	}
	c.reset = true
	n.sendClose(c, closedSide, n.now, ErrConnectionReset)
}

// pushConn queues a connection item for the current incarnation of to,
// with what it carries in the cargo table.
func (n *Network) pushConn(at time.Duration, to, from NodeID, kind itemKind,
	c *conn, side uint8, ev Event) {
	n.push(item{at: at, to: int32(to), kind: kind, side: side,
		ref: n.cargo.put(cargo{c: c, from: int32(from), ev: ev})})
}
