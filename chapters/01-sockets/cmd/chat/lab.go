package main

import (
	"fmt"
	"sync"

	sockets "peerchain/chapters/01-sockets"
	labsockets "peerchain/exercises/01-sockets"
	"peerchain/tools/exercise"
)

// lab runs the chat on the learner's exercises from exercises/01-sockets
// (-lab): their PeerSet is the chat's table of peers, and their Relay
// passes each line a peer that dialed in sends on to the other peers that
// dialed in. So several nc clients of one chat can talk to each other.
//
// Only lines from peers that dialed us are relayed, and only to such
// peers: a chat that dialed us does not relay what it gets from us, so a
// line never loops between chats that dialed each other in a ring.
type lab struct {
	node  *sockets.Node
	out   *printer
	parts labParts
	peers peerTable // nil: PeerSet not attempted
	relay bool      // Relay attempted

	mu       sync.Mutex
	outboxes map[string]labOutbox // of the peers that dialed in
	wg       sync.WaitGroup       // the outboxes' writers
}

// peerTable is what the chat asks of a PeerSet.
type peerTable interface {
	Add(addr string) error
	Remove(addr string) bool
	List() []string
}

// labParts are the exercises the lab runs.
type labParts struct {
	relay    func(line, from string, outboxes []labsockets.Outbox) []string
	newPeers func(max int) peerTable
}

// learnersParts are the learner's; a test may put its own in their place.
var learnersParts = labParts{
	relay:    labsockets.Relay,
	newPeers: func(max int) peerTable { return labsockets.NewPeerSet(max) },
}

// labOutbox is an Outbox for Relay, and what stops its writer.
type labOutbox struct {
	labsockets.Outbox
	done chan struct{}
}

// newLab finds out which of the lab's exercises are attempted, says so,
// and returns the lab; its event method is the node's handler.
func newLab(out *printer, maxPeers int, parts labParts) *lab {
	l := &lab{out: out, parts: parts, outboxes: make(map[string]labOutbox)}
	err := exercise.Try(func() { parts.relay("", "", nil) })
	l.relay = err == nil
	l.report("Relay", "relays lines between peers that dialed in", err)
	err = exercise.Try(func() {
		s := parts.newPeers(1)
		s.Add("probe")
		s.List()
		s.Remove("probe")
	})
	if err == nil {
		l.peers = parts.newPeers(maxPeers)
	}
	l.report("PeerSet", "holds the table of peers", err)
	return l
}

func (l *lab) report(what, does string, err error) {
	if err != nil {
		l.out.warn("lab: %v", err)
		return
	}
	l.out.info("lab: your %s %s", what, does)
}

// event is the node's handler in lab mode: it keeps the learner's
// PeerSet and outboxes up to date, relays, and prints.
func (l *lab) event(e sockets.Event) {
	switch e.Kind {
	case sockets.PeerConnected:
		if l.peers != nil {
			if err := l.peers.Add(e.Peer); err != nil {
				l.out.event(e)
				l.out.warn("lab: your PeerSet refused %s: %v; closing it", e.Peer, err)
				l.node.Disconnect(e.Peer, fmt.Errorf("lab: %w", err))
				return
			}
		}
		if e.Inbound && l.relay {
			l.open(e.Peer)
		}
	case sockets.PeerDisconnected:
		if l.peers != nil {
			l.peers.Remove(e.Peer)
		}
		l.close(e.Peer)
	case sockets.LineReceived:
		l.out.event(e)
		if e.Inbound && l.relay {
			for _, slow := range l.parts.relay(e.Line, e.Peer, l.snapshot()) {
				l.out.warn("lab: not relayed to %s: its outbox is full", slow)
			}
		}
		return
	}
	l.out.event(e)
}

// open gives a peer that dialed in an outbox, and a writer that empties
// it into the node.
func (l *lab) open(addr string) {
	ob := labOutbox{Outbox: labsockets.Outbox{Peer: addr, Lines: make(chan string, sockets.DefaultConfig().OutboxSize)},
		done: make(chan struct{})}
	l.mu.Lock()
	l.outboxes[addr] = ob
	l.mu.Unlock()
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		for {
			select {
			case line := <-ob.Lines:
				l.node.SendTo(addr, line) // a slow peer is the node's to drop
			case <-ob.done:
				return
			}
		}
	}()
}

func (l *lab) close(addr string) {
	l.mu.Lock()
	ob, ok := l.outboxes[addr]
	delete(l.outboxes, addr)
	l.mu.Unlock()
	if ok {
		close(ob.done)
	}
}

// stop ends every writer; the node has stopped, so no event comes.
func (l *lab) stop() {
	l.mu.Lock()
	addrs := make([]string, 0, len(l.outboxes))
	for addr := range l.outboxes {
		addrs = append(addrs, addr)
	}
	l.mu.Unlock()
	for _, addr := range addrs {
		l.close(addr)
	}
	l.wg.Wait()
}

func (l *lab) snapshot() []labsockets.Outbox {
	l.mu.Lock()
	defer l.mu.Unlock()
	boxes := make([]labsockets.Outbox, 0, len(l.outboxes))
	for _, ob := range l.outboxes {
		boxes = append(boxes, ob.Outbox)
	}
	return boxes
}

// list is /peers in lab mode: the learner's PeerSet, if attempted.
func (l *lab) list() ([]string, bool) {
	if l.peers == nil {
		return nil, false
	}
	return l.peers.List(), true
}
