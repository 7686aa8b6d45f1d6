package simulation

import (
	"reflect"

	wire "peerchain/chapters/02-wire"
)

// Side tables: what queued items carry, kept out of the items themselves
// so that the queue holds only plain values. An item's ref is its slot in
// one of them; a slot is freed when its item is handled and reused by
// the next item that needs one (a free list), so the tables stay as big
// as the most items ever waiting at once. None of this changes what a
// run does: only where its data sits.

// noRef is the ref of an item that carries nothing.
const noRef = ^uint32(0)

// flight is what a message on its way carries.
type flight struct {
	msg  wire.Message
	c    *conn // the connection it travels on; nil any-to-any
	from int32
	size int32 // its size on the wire, measured once, when sent
}

// cargo is what the connection items and prebuilt events carry.
type cargo struct {
	ev   Event
	c    *conn
	from int32
}

// table is slots with a free list. Slots live in fixed-size blocks,
// so the table grows without copying itself (a slice that doubles, or
// grows by a quarter, leaves its old arrays behind as garbage: at a
// million messages in flight, more than the table itself).
type table[T any] struct {
	blocks []*tableBlock[T]
	used   uint32 // slots handed out at least once
	free   uint32 // the first free slot, plus one; 0: none
}

// tableBlockSlots is how many slots a table block holds.
const tableBlockSlots = 1024

type tableBlock[T any] struct {
	slots [tableBlockSlots]T
	next  [tableBlockSlots]uint32 // of a free slot: the next free one, plus one
}

// at is slot i.
func (t *table[T]) at(i uint32) *T {
	return &t.blocks[i/tableBlockSlots].slots[i%tableBlockSlots]
}

func (t *table[T]) put(v T) uint32 {
	i := t.free - 1
	if t.free != 0 {
		t.free = t.blocks[i/tableBlockSlots].next[i%tableBlockSlots]
	} else {
		i = t.used
		t.used++
		if int(i/tableBlockSlots) == len(t.blocks) {
			t.blocks = append(t.blocks, new(tableBlock[T]))
		}
	}
	*t.at(i) = v
	return i
}

// take returns a slot's value and frees the slot.
func (t *table[T]) take(i uint32) T {
	p := t.at(i)
	v := *p
	var zero T
	*p = zero // let what it pointed to be collected
	t.blocks[i/tableBlockSlots].next[i%tableBlockSlots] = t.free
	t.free = i + 1
	return v
}

// timerSet is one timer of a node that is set: seq is the seq of its
// queued item, plus one (0: a free slot). An item of a timer that moved
// or stopped has a seq no timerSet of its node holds any more.
type timerSet struct {
	id  TimerID
	seq uint64
}

// nodeTimer is a node's first timer, kept in its record in 12 bytes
// (so that the record is 40): seq+1 in two halves, 0 when none is set.
// A timer whose ID does not fit in id lives in moreTimers.
type nodeTimer struct {
	id  int32
	seq [2]uint32 // low, high
}

func (t *nodeTimer) seq1() uint64 { return uint64(t.seq[1])<<32 | uint64(t.seq[0]) }

func (t *nodeTimer) setSeq1(s uint64) { t.seq = [2]uint32{uint32(s), uint32(s >> 32)} }

// Where a node's timer is set: in its record (inNode), in
// moreTimers[id][slot-1], or nowhere (noTimer).
const (
	noTimer = -1
	inNode  = 0
)

// findTimer returns where node id's timer t is set.
func (n *Network) findTimer(id NodeID, nd *simNode, t TimerID) int {
	if nd.timer.seq1() != 0 && TimerID(nd.timer.id) == t {
		return inNode
	}
	if len(n.moreTimers) == 0 {
		return noTimer
	}
	more := n.moreTimers[id]
	for i := range more {
		if more[i].id == t {
			return i + 1
		}
	}
	return noTimer
}

// timerAt is the setting at a slot findTimer or timerOf found.
func (n *Network) timerAt(id NodeID, nd *simNode, slot int) timerSet {
	if slot == inNode {
		return timerSet{id: TimerID(nd.timer.id), seq: nd.timer.seq1()}
	}
	return n.moreTimers[id][slot-1]
}

// retime gives the setting at slot the item seq.
func (n *Network) retime(id NodeID, nd *simNode, slot int, seq uint64) {
	if slot == inNode {
		nd.timer.setSeq1(seq + 1)
		return
	}
	n.moreTimers[id][slot-1].seq = seq + 1
}

// setTimer records that node id's timer t is due with the item seq. It
// reports whether the timer was set already (its old item is dead).
// A node's first timer lives in the node; a node with several keeps
// the others in moreTimers.
func (n *Network) setTimer(id NodeID, nd *simNode, t TimerID, seq uint64) bool {
	if s := n.findTimer(id, nd, t); s != noTimer {
		n.retime(id, nd, s, seq)
		return true
	}
	if nd.timer.seq1() == 0 && TimerID(int32(t)) == t {
		nd.timer = nodeTimer{id: int32(t)}
		nd.timer.setSeq1(seq + 1)
		return false
	}
	if n.moreTimers == nil {
		n.moreTimers = make(map[NodeID][]timerSet)
	}
	n.moreTimers[id] = append(n.moreTimers[id], timerSet{id: t, seq: seq + 1})
	return false
}

// stopTimer forgets node id's timer t; it reports whether it was set.
func (n *Network) stopTimer(id NodeID, nd *simNode, t TimerID) bool {
	s := n.findTimer(id, nd, t)
	if s == noTimer {
		return false
	}
	n.forgetTimer(id, nd, s)
	return true
}

// forgetTimer removes a setting found by findTimer or timerOf.
func (n *Network) forgetTimer(id NodeID, nd *simNode, slot int) {
	if slot == inNode {
		nd.timer = nodeTimer{}
		return
	}
	more := n.moreTimers[id]
	more[slot-1] = more[len(more)-1]
	more = more[:len(more)-1]
	if len(more) == 0 {
		delete(n.moreTimers, id)
		return
	}
	n.moreTimers[id] = more
}

// timerOf returns where the setting whose item is it is, or noTimer if
// the timer moved or stopped since it was queued.
func (n *Network) timerOf(id NodeID, nd *simNode, it *item) int {
	if nd.timer.seq1() == it.seq+1 {
		return inNode
	}
	if len(n.moreTimers) == 0 {
		return noTimer
	}
	more := n.moreTimers[id]
	for i := range more {
		if more[i].seq == it.seq+1 {
			return i + 1
		}
	}
	return noTimer
}

// timersSet is how many timers a node has set in its record.
func timersSet(nd *simNode) int {
	if nd.timer.seq1() != 0 {
		return 1
	}
	return 0
}

// dropTimers forgets every timer of node id, when it crashes.
func (n *Network) dropTimers(id NodeID, nd *simNode) {
	nd.timer = nodeTimer{}
	delete(n.moreTimers, id)
}

// anyFlight is, in an any-to-any network, a message on its way to many
// nodes at once: a rumor that every node sends, every round. While
// every message sent any-to-any is that one, its deliveries carry only
// their sender (in ref) and need no flight slot.
type anyFlight struct {
	msg    wire.Message
	size   int32 // its size on the wire
	flying int32 // deliveries of it on their way
}

// flight returns a delivery item carrying f: any-to-any, as one of
// Network.anyMsg's when it can be, otherwise in a flight slot.
func (n *Network) flight(it item, f flight) item {
	if f.c == nil && sameMessage(f.msg, f.msg) { // any-to-any, a pointer
		a := &n.anyMsg
		if a.flying == 0 {
			a.msg, a.size = f.msg, f.size
		}
		if sameMessage(a.msg, f.msg) && a.size == f.size {
			a.flying++
			it.kind, it.ref = itemDeliverAny, uint32(f.from)
			return it
		}
	}
	it.kind, it.ref = itemDeliver, n.flights.put(f)
	return it
}

// carried is what a delivery item carries; the item still holds it.
func (n *Network) carried(it *item) flight {
	if it.kind == itemDeliverAny {
		return flight{msg: n.anyMsg.msg, from: int32(it.ref), size: n.anyMsg.size}
	}
	return *n.flights.at(it.ref)
}

// land takes what a delivery item carries off it.
func (n *Network) land(it *item) flight {
	if it.kind != itemDeliverAny {
		return n.flights.take(it.ref)
	}
	f := n.carried(it)
	if n.anyMsg.flying--; n.anyMsg.flying == 0 {
		n.anyMsg.msg = nil // let it be collected
	}
	return f
}

// received returns the MessageReceived a node hears for msg from peer,
// made once per sender and message: a node that sends the same message
// again and again (a rumor, every round) has its event made only once.
// A message is never changed after it is sent, so sharing is safe.
func (n *Network) received(cache *Event, from PeerID, msg wire.Message) Event {
	if ev, ok := (*cache).(MessageReceived); ok && ev.From == from && sameMessage(ev.Msg, msg) {
		return *cache
	}
	ev := Event(MessageReceived{From: from, Msg: msg})
	*cache = ev
	return ev
}

// sameMessage reports whether a and b are the same message value: the
// same pointer. Other kinds are never taken for the same, so that
// comparing them cannot panic.
func sameMessage(a, b wire.Message) bool {
	t := reflect.TypeOf(a)
	return t != nil && t == reflect.TypeOf(b) && t.Kind() == reflect.Pointer && a == b
}

// typeCount is what the network sent of one command.
type typeCount struct {
	command string
	Counter
}

// countType counts a message in the per-command counters. Commands are
// few and a node sends the same one again and again, so the last one
// used is checked first and the rest are a short list.
func (n *Network) countType(command string, size int) {
	if i := n.lastType; i < len(n.byType) && n.byType[i].command == command {
		n.byType[i].add(size)
		return
	}
	for i := range n.byType {
		if n.byType[i].command == command {
			n.lastType = i
			n.byType[i].add(size)
			return
		}
	}
	n.byType = append(n.byType, typeCount{command: command})
	n.lastType = len(n.byType) - 1
	n.byType[n.lastType].add(size)
}

// sized is the last message measured and its size: a message sent to
// many peers, or every round, is measured once.
type sized struct {
	msg  wire.Message
	size int
}
