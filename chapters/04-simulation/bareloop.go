package simulation

import "time"

// BareLoop is the baseline the simulator's speed is measured against: a
// discrete-event loop with nothing in it but the loop. Its queue holds
// one event per node, ordered by (time, seq) as the simulator's is, in a
// 4-ary heap; each event's handler only counts it and queues the next
// one, half of them at the same instant and half a round later, the
// shape of push gossip's deliveries and timers. It handles events
// events and returns a checksum of what it did, so the work cannot be
// optimised away.
//
// go run ./tools/bench runs it beside the simulator, in the same
// process, and reports the simulator's cost per event as a multiple of
// this loop's.
func BareLoop(nodes int, events uint64) uint64 {
	const round = int64(time.Second)
	counts := make([]uint32, nodes)
	q := bareHeap{items: make([]bareItem, 0, nodes)}
	var seq uint64
	for i := range nodes {
		q.push(bareItem{at: 0, seq: seq, to: int32(i)})
		seq++
	}
	x := uint64(0x9e3779b97f4a7c15)
	var sum uint64
	for range events {
		it := q.pop()
		counts[it.to]++
		x ^= x << 13 // xorshift: the next node, cheaply
		x ^= x >> 7
		x ^= x << 17
		at := it.at
		if it.seq&1 == 0 {
			at += round
		}
		q.push(bareItem{at: at, seq: seq, to: int32(x % uint64(nodes))})
		seq++
		sum += uint64(it.at) ^ it.seq
	}
	return sum + uint64(counts[0])
}

// bareItem is the loop's event: its key and whose it is.
type bareItem struct {
	at  int64
	seq uint64
	to  int32
}

// bareHeap is a 4-ary min-heap of bareItems.
type bareHeap struct{ items []bareItem }

func (a *bareItem) before(b *bareItem) bool {
	return a.at < b.at || (a.at == b.at && a.seq < b.seq)
}

func (h *bareHeap) push(it bareItem) {
	h.items = append(h.items, it)
	i := len(h.items) - 1
	for i > 0 {
		p := (i - 1) / 4
		if !h.items[i].before(&h.items[p]) {
			break
		}
		h.items[i], h.items[p] = h.items[p], h.items[i]
		i = p
	}
}

func (h *bareHeap) pop() bareItem {
	top := h.items[0]
	last := len(h.items) - 1
	h.items[0] = h.items[last]
	h.items = h.items[:last]
	n, i := last, 0
	for {
		first := 4*i + 1
		if first >= n {
			break
		}
		m := first
		for c := first + 1; c < first+4 && c < n; c++ {
			if h.items[c].before(&h.items[m]) {
				m = c
			}
		}
		if !h.items[m].before(&h.items[i]) {
			break
		}
		h.items[i], h.items[m] = h.items[m], h.items[i]
		i = m
	}
	return top
}
