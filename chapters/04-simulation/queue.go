package simulation

import (
	"time"

	wire "peerchain/chapters/02-wire"
)

// itemKind says what a queued item will do when its time comes.
type itemKind uint8

const (
	itemStart      itemKind = iota // Start
	itemDeliver                    // MessageReceived
	itemTimer                      // TimerFired, unless the timer moved
	itemConnect                    // PeerConnected
	itemDisconnect                 // PeerDisconnected, from the far end
	itemClosed                     // PeerDisconnected, closed by this node
	itemDialFailed                 // DialFailed
	itemLocal                      // Local
)

// docs:begin item

// item is one future event for one node. Items are ordered by time, and
// items at the same time by the order they were queued (seq), so a run
// never depends on anything but its inputs.
type item struct {
	at      time.Duration // virtual time since the network started
	seq     uint64
	to      NodeID
	from    NodeID
	life    uint32 // the incarnation of `to` it was meant for
	kind    itemKind
	inbound bool
	timer   TimerID
	gen     uint64 // which setting of the timer
	msg     wire.Message
	// ev is the event itself, made in advance, for the rarer kinds
	// (disconnections, failed dials, Local): one field instead of three
	// keeps items small, and the queue moves them by value.
	ev Event
}

func (a *item) before(b *item) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

// docs:end item

// queue is a binary min-heap of items, written out rather than through
// container/heap so that items stay values and nothing is boxed.
type queue struct {
	items []item
}

func (q *queue) len() int { return len(q.items) }

func (q *queue) peek() *item { return &q.items[0] }

func (q *queue) push(it item) {
	q.items = append(q.items, it)
	i := len(q.items) - 1
	for i > 0 {
		parent := (i - 1) / 2
		if !q.items[i].before(&q.items[parent]) {
			break
		}
		q.items[i], q.items[parent] = q.items[parent], q.items[i]
		i = parent
	}
}

func (q *queue) pop() item {
	top := q.items[0]
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	q.items[last] = item{} // let the message be collected
	q.items = q.items[:last]
	i := 0
	for {
		left, smallest := 2*i+1, i
		if left < last && q.items[left].before(&q.items[smallest]) {
			smallest = left
		}
		if right := left + 1; right < last && q.items[right].before(&q.items[smallest]) {
			smallest = right
		}
		if smallest == i {
			return top
		}
		q.items[i], q.items[smallest] = q.items[smallest], q.items[i]
		i = smallest
	}
}
