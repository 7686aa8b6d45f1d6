package simulation

import (
	"time"
)

// itemKind says what a queued item will do when its time comes.
type itemKind uint8

const (
	itemStart      itemKind = iota // Start
	itemDeliver                    // MessageReceived, over c (or any-to-any)
	itemTimer                      // TimerFired, unless the timer moved
	itemLink                       // PeerConnected for a topology link
	itemAccept                     // a dial reaches its target
	itemAnswer                     // the target's yes reaches the dialer
	itemRefused                    // the target's no reaches the dialer
	itemDialLost                   // a dial whose packets were lost times out
	itemClose                      // PeerDisconnected: the far end closed c
	itemEvent                      // ev, made in advance, for this node
	itemDeliverAny                 // any-to-any: Network.anyMsg, from node ref
)

// delivers reports whether an item of this kind is a message arriving.
func (k itemKind) delivers() bool { return k == itemDeliver || k == itemDeliverAny }

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

// queue holds the items waiting, and hands them out in (at, seq) order.
// Since an item is never queued for before the last one handed out, it
// can be a radix heap (queue_heap.go) rather than a binary heap: items
// sit in buckets by how far in the future they are, and come out of
// them in the order they went in.
type queue struct {
	radix
}
