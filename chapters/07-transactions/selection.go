package transactions

import (
	"container/heap"
	"slices"
)

// docs:begin select

// Limit is a block's room: transactions and bytes. Zero is no limit.
type Limit struct{ Count, Bytes int }

// SelectFunc chooses a block's transactions from the pending ones:
// queues holds each sender's pending transactions in nonce order, each
// valid on top of the ones before it. What it returns must fit limit
// and take each sender's transactions from the first, in order.
// Chapter 07's lab writes one.
type SelectFunc func(queues [][]*Tx, limit Limit) []*Tx

// GreedySelect takes, again and again, the best-paying next transaction
// of any sender, while it fits; a sender whose next does not fit is
// done, since its later ones need it first. It is the rule miners used
// before packages (Bitcoin Core's ancestor-fee-rate selection is the
// next step: it lets a child pay for its parent).
func GreedySelect(queues [][]*Tx, limit Limit) []*Tx {
	h := make(headHeap, 0, len(queues))
	for _, q := range queues {
		if len(q) > 0 {
			h = append(h, newHead(q))
		}
	}
	heap.Init(&h)
	var out []*Tx
	size := 0
	for len(h) > 0 && (limit.Count == 0 || len(out) < limit.Count) {
		best := h[0]
		tx := best.queue[best.next]
		if limit.Bytes > 0 && size+tx.Size() > limit.Bytes {
			heap.Pop(&h)
			continue
		}
		out = append(out, tx)
		size += tx.Size()
		best.next++
		if best.next == len(best.queue) {
			heap.Pop(&h)
			continue
		}
		best.rate, best.hashed = RateOf(best.queue[best.next]), false
		heap.Fix(&h, 0)
	}
	return out
}

// docs:end select

// head is a sender's next transaction in GreedySelect.
type head struct {
	queue  []*Tx
	next   int
	rate   FeeRate
	id     [32]byte // the next's ID, once hashed
	hashed bool     // only a tie needs it: most selections never hash
}

func newHead(q []*Tx) *head { return &head{queue: q, rate: RateOf(q[0])} }

// nextID is the ID of the head's next transaction.
func (h *head) nextID() [32]byte {
	if !h.hashed {
		h.id, h.hashed = h.queue[h.next].ID(), true
	}
	return h.id
}

// headHeap orders senders by their next transaction's fee rate, best
// first; ties go to the smaller ID, so that the choice is the same on
// every node.
type headHeap []*head

func (h headHeap) Len() int { return len(h) }
func (h headHeap) Less(i, j int) bool {
	if c := h[i].rate.Cmp(h[j].rate); c != 0 {
		return c > 0
	}
	a, b := h[i].nextID(), h[j].nextID()
	return slices.Compare(a[:], b[:]) < 0
}
func (h headHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *headHeap) Push(x any)   { *h = append(*h, x.(*head)) }
func (h *headHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// Queues is every sender's pending transactions in nonce order, the
// senders in address order: what a SelectFunc chooses from.
func (m *Mempool) Queues() [][]*Tx {
	addrs := sortedAddresses(m.senders)
	out := make([][]*Tx, len(addrs))
	for i, a := range addrs {
		out[i] = m.Pending(a)
	}
	return out
}

// Select is the config's SelectFunc on the pool: what a block would
// take. Limit zero orders the whole pool, best first, nonces in order.
func (m *Mempool) Select(limit Limit) []*Tx { return m.cfg.Select(m.Queues(), limit) }
