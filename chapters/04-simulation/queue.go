package simulation

import (
	"time"

	wire "peerchain/chapters/02-wire"
)

// itemKind says what a queued item will do when its time comes.
type itemKind uint8

const (
	itemStart    itemKind = iota // Start
	itemDeliver                  // MessageReceived, over c (or any-to-any)
	itemTimer                    // TimerFired, unless the timer moved
	itemLink                     // PeerConnected for a topology link
	itemAccept                   // a dial reaches its target
	itemAnswer                   // the target's yes reaches the dialer
	itemRefused                  // the target's no reaches the dialer
	itemDialLost                 // a dial whose packets were lost times out
	itemClose                    // PeerDisconnected: the far end closed c
	itemEvent                    // ev, made in advance, for this node
)

// docs:begin item

// item is one future event for one node. Items are ordered by time, and
// items at the same time by the order they were queued (seq), so a run
// never depends on anything but its inputs.
type item struct {
	at    time.Duration // virtual time since the network started
	seq   uint64
	to    NodeID
	from  NodeID
	life  uint32 // the incarnation of `to` it was meant for
	kind  itemKind
	side  uint8 // which end of c `to` is: 0 dialed, 1 was dialed
	cut   bool  // a partition cut it on its way
	size  int32 // a message's size on the wire, measured once
	timer TimerID
	gen   uint64       // which setting of the timer
	c     *conn        // the connection it travels on, if any
	msg   wire.Message // what itemDeliver carries
	// ev is the event itself, made in advance, for the rarer kinds
	// (closes, failed dials and sends, Local): one field instead of
	// several keeps items small, and the queue moves them by value.
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
	q.up(len(q.items) - 1)
}

func (q *queue) up(i int) {
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
	q.down(0)
	return top
}

func (q *queue) down(i int) {
	n := len(q.items)
	for {
		left, smallest := 2*i+1, i
		if left < n && q.items[left].before(&q.items[smallest]) {
			smallest = left
		}
		if right := left + 1; right < n && q.items[right].before(&q.items[smallest]) {
			smallest = right
		}
		if smallest == i {
			return
		}
		q.items[i], q.items[smallest] = q.items[smallest], q.items[i]
		i = smallest
	}
}

// filter keeps the items keep says yes to and rebuilds the heap. The
// order items come out in depends only on (at, seq), so a filtered queue
// pops the kept items in exactly the order it would have.
func (q *queue) filter(keep func(*item) bool) {
	kept := q.items[:0]
	for i := range q.items {
		if keep(&q.items[i]) {
			kept = append(kept, q.items[i])
		}
	}
	clear(q.items[len(kept):])
	q.items = kept
	for i := len(q.items)/2 - 1; i >= 0; i-- {
		q.down(i)
	}
}
