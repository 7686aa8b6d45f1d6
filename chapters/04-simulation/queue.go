package simulation

import (
	"time"
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
//
// An item holds no pointers: what a delivery carries (the message, the
// connection) waits in a side table, at ref. So the queue moves small
// plain values, which is what makes it fast (see sidetables.go).
type item struct {
	at   time.Duration // virtual time since the network started
	seq  uint64
	to   int32  // the NodeID it is for
	life uint32 // the incarnation of `to` it was meant for
	ref  uint32 // its cargo in a side table, for kinds that carry one
	kind itemKind
	side uint8 // which end of the connection `to` is: 0 dialed, 1 was dialed
	cut  bool  // a partition cut it on its way
}

func (a *item) before(b *item) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

// docs:end item

// queue is a binary min-heap of items (queue_heap.go). Its layout is
// part of what a run does: a partition cuts the messages on their way
// in the order they sit in the heap, and the trace shows that order. So
// the heap stays the binary heap it always was, item for item.
type queue struct {
	heap []item
}

func (q *queue) len() int { return len(q.heap) }

func (q *queue) peek() *item { return &q.heap[0] }

func (q *queue) push(it item) { q.heapPush(it) }

func (q *queue) pop() item { return q.heapPop() }

// each calls f on every queued item, in the heap's order.
func (q *queue) each(f func(*item)) {
	for i := range q.heap {
		f(&q.heap[i])
	}
}

// filter keeps the items keep says yes to and rebuilds the heap. The
// order items come out in depends only on (at, seq), so a filtered queue
// pops the kept items in exactly the order it would have.
func (q *queue) filter(keep func(*item) bool) {
	kept := q.heap[:0]
	for i := range q.heap {
		if keep(&q.heap[i]) {
			kept = append(kept, q.heap[i])
		}
	}
	q.heap = kept
	q.heapify()
}
