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

// findTimer returns the setting of node id's timer t, or nil.
func (n *Network) findTimer(id NodeID, nd *simNode, t TimerID) *timerSet {
	if nd.timer.seq != 0 && nd.timer.id == t {
		return &nd.timer
	}
	if len(n.moreTimers) == 0 {
		return nil
	}
	more := n.moreTimers[id]
	for i := range more {
		if more[i].id == t {
			return &more[i]
		}
	}
	return nil
}

// setTimer records that node id's timer t is due with the item seq. It
// reports whether the timer was set already (its old item is dead).
// A node's first timer lives in the node; a node with several keeps
// the others in moreTimers.
func (n *Network) setTimer(id NodeID, nd *simNode, t TimerID, seq uint64) bool {
	if s := n.findTimer(id, nd, t); s != nil {
		s.seq = seq + 1
		return true
	}
	if nd.timer.seq == 0 {
		nd.timer = timerSet{id: t, seq: seq + 1}
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
	if s == nil {
		return false
	}
	n.forgetTimer(id, nd, s)
	return true
}

// forgetTimer removes a setting found by findTimer or timerOf.
func (n *Network) forgetTimer(id NodeID, nd *simNode, s *timerSet) {
	if s == &nd.timer {
		nd.timer = timerSet{}
		return
	}
	more := n.moreTimers[id]
	for i := range more {
		if &more[i] == s {
			more[i] = more[len(more)-1]
			more = more[:len(more)-1]
			break
		}
	}
	if len(more) == 0 {
		delete(n.moreTimers, id)
		return
	}
	n.moreTimers[id] = more
}

// timerOf returns the setting whose item is it, or nil if the timer
// moved or stopped since it was queued.
func (n *Network) timerOf(id NodeID, nd *simNode, it *item) *timerSet {
	if nd.timer.seq == it.seq+1 {
		return &nd.timer
	}
	if len(n.moreTimers) == 0 {
		return nil
	}
	more := n.moreTimers[id]
	for i := range more {
		if more[i].seq == it.seq+1 {
			return &more[i]
		}
	}
	return nil
}

// timersSet is how many timers a node has set.
func timersSet(nd *simNode) int {
	if nd.timer.seq != 0 {
		return 1
	}
	return 0
}

// dropTimers forgets every timer of node id, when it crashes.
func (n *Network) dropTimers(id NodeID, nd *simNode) {
	nd.timer = timerSet{}
	delete(n.moreTimers, id)
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
