//go:build solution

package transactions

import (
	"container/heap"
	"math/bits"
	"slices"

	chapter "peerchain/chapters/07-transactions"
)

// Select builds a block from packages, as Bitcoin Core's miner does
// with ancestor fee rates: a sender's best package is the prefix of
// what it has left that pays the most a byte, so a low-fee parent rides
// with the high-fee child that pays for it. Packages are taken best
// first; one that does not fit gives way to its own best prefix that
// does, and the block is filled with what comes after. Packages are a
// heuristic (a block is a knapsack): the greedy block is built too, and
// the better one kept, so this is never worse than the rule before it.
func Select(queues [][]*chapter.Tx, limit chapter.Limit) []*chapter.Tx {
	packed := labPackages(queues, limit)
	if limit == (chapter.Limit{}) {
		return packed // everything, either way: packages order it best
	}
	greedy := chapter.GreedySelect(queues, limit)
	if labFeeCmp(greedy, packed) > 0 {
		return greedy
	}
	return packed
}

// labSender is one sender's queue, with its running totals and, from
// each position, where the best package starting there ends.
type labSender struct {
	queue     []*chapter.Tx
	fee, size []uint64 // fee[i], size[i]: of queue[:i]
	best      []int    // queue[i:best[i]] pays the most a byte
}

// newLabSender cuts a queue into packages in one pass from its end. The
// best package from i is queue[i] followed by the best packages after
// it, for as long as the next one pays more a byte than what it has so
// far: merging it raises the rate. A stack holds where the packages of
// the suffix start, so each position is pushed and popped once.
func newLabSender(q []*chapter.Tx) *labSender {
	s := &labSender{queue: q, fee: make([]uint64, len(q)+1),
		size: make([]uint64, len(q)+1), best: make([]int, len(q))}
	for i, tx := range q {
		s.fee[i+1] = s.fee[i] + tx.Fee // a queue's fees fit its balance
		s.size[i+1] = s.size[i] + uint64(tx.Size())
	}
	starts := []int{len(q)} // the end, then each package's start
	for i := len(q) - 1; i >= 0; i-- {
		end := i + 1
		for len(starts) > 1 && s.rate(end, starts[len(starts)-2]).Cmp(s.rate(i, end)) > 0 {
			starts = starts[:len(starts)-1]
			end = starts[len(starts)-1]
		}
		s.best[i] = end
		starts = append(starts, i)
	}
	return s
}

// rate is what queue[from:to] pays a byte.
func (s *labSender) rate(from, to int) chapter.FeeRate {
	return chapter.FeeRate{Fee: s.fee[to] - s.fee[from], Size: s.size[to] - s.size[from]}
}

// bestFitting is the end of the best-paying prefix of queue[from:to]
// with at most count transactions (negative: any) and bytes bytes
// (negative: any), shortest on a tie; from if none fits.
func (s *labSender) bestFitting(from, to, count, bytes int) int {
	best := from
	for end := from + 1; end <= to; end++ {
		if (count >= 0 && end-from > count) ||
			(bytes >= 0 && s.size[end]-s.size[from] > uint64(bytes)) {
			break
		}
		if best == from || s.rate(from, end).Cmp(s.rate(from, best)) > 0 {
			best = end
		}
	}
	return best
}

// labPackage is a sender's next package: queue[start:end].
type labPackage struct {
	sender     *labSender
	start, end int
	rate       chapter.FeeRate
	id         [32]byte // its first transaction's, for ties
}

func (p *labPackage) set(start, end int) {
	p.start, p.end = start, end
	p.rate = p.sender.rate(start, end)
	p.id = p.sender.queue[start].ID()
}

// labPackages takes packages, best first, while anything fits.
func labPackages(queues [][]*chapter.Tx, limit chapter.Limit) []*chapter.Tx {
	h := make(labPackageHeap, 0, len(queues))
	total := 0
	for _, q := range queues {
		if len(q) > 0 {
			p := &labPackage{sender: newLabSender(q)}
			p.set(0, p.sender.best[0])
			h = append(h, p)
			total += len(q)
		}
	}
	heap.Init(&h)
	out := make([]*chapter.Tx, 0, total)
	size := 0
	for len(h) > 0 && (limit.Count == 0 || len(out) < limit.Count) {
		p := h[0]
		count, bytes := -1, -1 // room left; negative: no limit
		if limit.Count != 0 {
			count = limit.Count - len(out)
		}
		if limit.Bytes > 0 {
			bytes = limit.Bytes - size
		}
		if (count >= 0 && p.end-p.start > count) || (bytes >= 0 && p.rate.Size > uint64(bytes)) {
			end := p.sender.bestFitting(p.start, p.end, count, bytes)
			if end == p.start { // not even the next one fits
				heap.Pop(&h)
				continue
			}
			p.set(p.start, end) // pays less a byte: back in line
			heap.Fix(&h, 0)
			continue
		}
		out = append(out, p.sender.queue[p.start:p.end]...)
		size += int(p.rate.Size)
		if p.end == len(p.sender.queue) {
			heap.Pop(&h)
			continue
		}
		p.set(p.end, p.sender.best[p.end])
		heap.Fix(&h, 0)
	}
	return out
}

// labPackageHeap orders packages by fee rate, best first; ties go to
// the smaller ID, as in chapter.GreedySelect, so that every node makes
// the same block.
type labPackageHeap []*labPackage

func (h labPackageHeap) Len() int { return len(h) }
func (h labPackageHeap) Less(i, j int) bool {
	if c := h[i].rate.Cmp(h[j].rate); c != 0 {
		return c > 0
	}
	return slices.Compare(h[i].id[:], h[j].id[:]) < 0
}
func (h labPackageHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *labPackageHeap) Push(x any)   { *h = append(*h, x.(*labPackage)) }
func (h *labPackageHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}

// labFeeCmp compares two blocks' total fees, in 128 bits: many senders'
// fees together may pass 2^64.
func labFeeCmp(a, b []*chapter.Tx) int {
	ahi, alo := labFeeSum(a)
	bhi, blo := labFeeSum(b)
	if ahi != bhi {
		return labCmp(ahi, bhi)
	}
	return labCmp(alo, blo)
}

func labFeeSum(txs []*chapter.Tx) (hi, lo uint64) {
	for _, tx := range txs {
		var carry uint64
		lo, carry = bits.Add64(lo, tx.Fee, 0)
		hi += carry
	}
	return hi, lo
}

func labCmp(a, b uint64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
