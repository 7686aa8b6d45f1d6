package simulation

import (
	"context"
	"fmt"
	"sync"

	peers "peerchain/chapters/03-peers"
)

// Bounds on the real driver's inbox.
const (
	// DefaultInboxSize bounds the node's own lane: timers, local input
	// (Inject), Do, and the driver's events (dial results, accept
	// checks). A goroutine that finds it full waits.
	DefaultInboxSize = 1024
	// DefaultPeerInboxSize bounds one peer's messages waiting for the
	// machine. A peer whose lane is full is not read until the machine
	// catches up: TCP's flow control then slows the sender down. It is
	// small because the machine takes one message per peer in turn; a
	// deep lane only holds memory. Bitcoin Core stops reading a peer
	// the same way, when its receive buffer (5 MB) is full.
	DefaultPeerInboxSize = 64
)

// The lanes the loop takes turns between, in this order. The peer lane
// is itself a round of turns, one message per peer.
const (
	laneOwn = iota
	lanePeers
	laneCount
)

// inbox is where the driver's goroutines leave events for the loop. It
// is not one queue but lanes, and the loop takes one event from each in
// turn (see next). The node's own lane holds what does not come from a
// peer, in the order it came: a timer, an Inject, a Do (so a Do sees
// every Inject made before it), a dial's failure. Each peer has a lane
// too. A peer that floods the node fills only its own lane, and waits
// for its turn like any other, so it can delay neither the node's own
// events nor another peer's by more than one of its messages each.
type inbox struct {
	own     chan Event    // InboxSize
	wake    chan struct{} // one token: an event was left in some lane
	quit    <-chan struct{}
	peerCap int // PeerInboxSize

	// Only the loop touches these.
	turn int     // the lane whose turn is next
	owed []Event // events the loop owes the machine: SendFailed, a refused Dial
	// owedMax bounds owed: a machine that answers each of them with two
	// more would otherwise grow it for ever.
	owedMax int

	mu    sync.Mutex
	peers map[PeerID]*peerLane // every peer that finished its handshake
	ready []*peerLane          // peers with events waiting, in turn order; each at most once
}

// peerLane holds one peer's events, in the order they happened: its
// PeerConnected first, then its messages, then its PeerDisconnected.
// One lane for all three keeps that order without any other check.
type peerLane struct {
	id     PeerID
	p      *peers.Peer // set by add
	events chan Event  // bounded by PeerInboxSize
	queued bool        // in ready, or being served by the loop; under inbox.mu
}

func newInbox(size, peerSize int, quit <-chan struct{}) *inbox {
	return &inbox{
		own:     make(chan Event, size),
		wake:    make(chan struct{}, 1),
		quit:    quit,
		peerCap: peerSize,
		owedMax: size,
		peers:   make(map[PeerID]*peerLane),
	}
}

// poke tells the loop that a lane has something, if it was not told yet.
func (in *inbox) poke() {
	select {
	case in.wake <- struct{}{}:
	default:
	}
}

// post leaves ev in the node's own lane, waiting while it is full,
// unless the node stops first.
func (in *inbox) post(ev Event) bool {
	return in.postCtx(context.Background(), ev) == nil
}

// postCtx is post that also gives up when ctx ends.
func (in *inbox) postCtx(ctx context.Context, ev Event) error {
	select {
	case <-in.quit: // first, or a stopped node's empty lane would take it
		return ErrStopped
	default:
	}
	select {
	case in.own <- ev:
		in.poke()
		return nil
	case <-in.quit:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

// owe queues an event the loop itself produced, for the machine to hear
// after the event it is handling, ahead of the own lane: the loop cannot
// wait on a lane it empties.
func (in *inbox) owe(ev Event) error {
	if len(in.owed) >= in.owedMax {
		return fmt.Errorf("%w: %d events owed to the machine", ErrQueueFull, len(in.owed))
	}
	in.owed = append(in.owed, ev)
	return nil
}

// newLane returns a lane for a peer whose handshake is under way. The
// inbox knows of it once add is called.
func (in *inbox) newLane(id PeerID) *peerLane {
	return &peerLane{id: id, events: make(chan Event, in.peerCap)}
}

// add records a peer that finished its handshake, so that shutdown can
// close it even if the loop never hears of it.
func (in *inbox) add(l *peerLane, p *peers.Peer) {
	in.mu.Lock()
	defer in.mu.Unlock()
	l.p = p
	in.peers[l.id] = l
}

// remove forgets a peer the loop has seen go.
func (in *inbox) remove(id PeerID) {
	in.mu.Lock()
	defer in.mu.Unlock()
	delete(in.peers, id)
}

// all returns every peer the inbox knows.
func (in *inbox) all() []*peers.Peer {
	in.mu.Lock()
	defer in.mu.Unlock()
	ps := make([]*peers.Peer, 0, len(in.peers))
	for _, l := range in.peers {
		ps = append(ps, l.p)
	}
	return ps
}

// put leaves ev in a peer's lane, waiting while the lane is full (so a
// reader stops reading), unless the node stops first.
func (in *inbox) put(l *peerLane, ev Event) bool {
	select {
	case l.events <- ev:
	case <-in.quit:
		return false
	}
	in.mu.Lock()
	if !l.queued {
		l.queued = true
		in.ready = append(in.ready, l)
	}
	in.mu.Unlock()
	in.poke()
	return true
}

// queued returns how many events wait in a known peer's lane.
func (in *inbox) queued(id PeerID) int {
	in.mu.Lock()
	defer in.mu.Unlock()
	if l, ok := in.peers[id]; ok {
		return len(l.events)
	}
	return 0
}

// docs:begin real-lanes

// next returns the next event for the loop, without waiting: one from
// the lane whose turn it is, or from the next lane that has one. When
// every lane is empty it returns false; the loop then waits on wake.
func (in *inbox) next() (Event, bool) {
	for range laneCount {
		lane := in.turn
		in.turn = (in.turn + 1) % laneCount
		if ev, ok := in.take(lane); ok {
			return ev, true
		}
	}
	return nil, false
}

// take returns an event from one lane, if it has one.
func (in *inbox) take(lane int) (Event, bool) {
	if lane == lanePeers {
		return in.takePeer()
	}
	if len(in.owed) > 0 {
		ev := in.owed[0]
		in.owed = in.owed[1:]
		return ev, true
	}
	return receive(in.own)
}

// takePeer returns one event from the peer whose turn it is, and puts
// that peer at the back of the round if it has more.
func (in *inbox) takePeer() (Event, bool) {
	in.mu.Lock()
	if len(in.ready) == 0 {
		in.mu.Unlock()
		return nil, false
	}
	l := in.ready[0]
	in.ready[0] = nil
	in.ready = in.ready[1:]
	in.mu.Unlock()

	ev, ok := receive(l.events) // only the loop takes, so one is there

	in.mu.Lock()
	if len(l.events) > 0 {
		in.ready = append(in.ready, l)
	} else {
		l.queued = false // the next put queues it again
	}
	in.mu.Unlock()
	return ev, ok
}

// docs:end real-lanes

// receive takes an event from ch if one is waiting.
func receive(ch chan Event) (Event, bool) {
	select {
	case ev := <-ch:
		return ev, true
	default:
		return nil, false
	}
}
