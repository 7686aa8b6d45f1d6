package simulation

import (
	"math/bits"
	"time"
)

// The queue is a radix heap: a priority queue for keys that never go
// below the last one taken out, which virtual time never does. Bucket 0
// holds the items due at `last`, the time of the last item taken;
// bucket i holds those whose time differs from `last` first in bit i-1.
// When bucket 0 runs dry, the lowest bucket that has items is spread
// over the buckets below it, with `last` moved to its earliest time.
//
// Each bucket is a FIFO, and items only ever enter one at its back, in
// the order they were queued: so the items of a bucket are in seq
// order, and all the items due at one time are in one bucket. That is
// why a bucket never needs sorting, and why the queue hands out exactly
// the (at, seq) order a binary heap would.
//
// Buckets are chains of fixed-size blocks, reused through a free list:
// the queue never copies itself to grow, reads and writes memory in
// order (a heap's random walks are what made a million nodes slow), and
// holds no more blocks than the most items ever waiting at once need.
type radix struct {
	last    time.Duration
	buckets [64]fifo
	full    uint64 // bit i: bucket i has items
	n       int
	spare   *block // free blocks
	min     *item  // peek's answer, until the queue changes
}

// blockItems is how many items one block holds: with its next, just
// under 4 KiB, the size the allocator rounds it to (128 would take 4,864).
const blockItems = 127

type block struct {
	next  *block // first, so the GC scans one word of a block
	items [blockItems]item
}

// fifo is a chain of blocks: items [head, tail) of it, across blocks.
type fifo struct {
	first, last *block
	head, tail  int // head: in first; tail: in last
	n           int
}

func (q *radix) len() int { return q.n }

// bucket is where an item due at `at` belongs.
func (q *radix) bucket(at time.Duration) int {
	return bits.Len64(uint64(at ^ q.last))
}

func (q *radix) push(it item) {
	b := q.bucket(it.at)
	q.add(&q.buckets[b], it)
	q.full |= 1 << b
	q.n++
	q.min = nil
}

func (q *radix) pop() item {
	if q.buckets[0].n == 0 {
		q.refill()
	}
	it := q.take(&q.buckets[0])
	if q.buckets[0].n == 0 {
		q.full &^= 1
	}
	q.n--
	q.min = nil
	return it
}

// peek returns the next item without taking it out. It leaves `last`
// alone: something may still be queued for before the item it finds.
func (q *radix) peek() *item {
	if f := &q.buckets[0]; f.n > 0 {
		return &f.first.items[f.head]
	}
	if q.min == nil {
		q.min = q.earliest(&q.buckets[bits.TrailingZeros64(q.full)])
	}
	return q.min
}

// earliest is the first of a bucket's items due soonest.
func (q *radix) earliest(f *fifo) *item {
	var m *item
	f.each(func(it *item) {
		if m == nil || it.at < m.at {
			m = it
		}
	})
	return m
}

// refill moves `last` to the earliest time queued and spreads that
// time's bucket below it, which puts the items due then in bucket 0.
func (q *radix) refill() {
	i := bits.TrailingZeros64(q.full)
	f := &q.buckets[i]
	lo, hi := f.first.items[f.head].at, f.first.items[f.head].at
	f.each(func(it *item) {
		lo, hi = min(lo, it.at), max(hi, it.at)
	})
	q.last = lo
	q.full &^= 1 << i
	if lo == hi { // all due at once (a round of timers): move the chain
		q.buckets[0], *f = *f, q.buckets[0]
		q.full |= 1
		return
	}
	moving := *f
	*f = fifo{}
	for moving.n > 0 {
		it := q.take(&moving)
		b := q.bucket(it.at)
		q.add(&q.buckets[b], it)
		q.full |= 1 << b
	}
}

// add puts an item at the back of a bucket.
func (q *radix) add(f *fifo, it item) {
	if f.last == nil || f.tail == blockItems {
		b := q.spare
		if b != nil {
			q.spare, b.next = b.next, nil
		} else {
			b = new(block)
		}
		if f.last == nil {
			f.first, f.head = b, 0
		} else {
			f.last.next = b
		}
		f.last, f.tail = b, 0
	}
	f.last.items[f.tail] = it
	f.tail++
	f.n++
}

// take removes the item at the front of a bucket that has one.
func (q *radix) take(f *fifo) item {
	it := f.first.items[f.head]
	f.head++
	f.n--
	if f.head == blockItems || f.n == 0 {
		b := f.first
		if f.n == 0 {
			*f = fifo{}
		} else {
			f.first, f.head = b.next, 0
		}
		b.next, q.spare = q.spare, b
	}
	return it
}

// each calls fn on every item of a bucket, front to back.
func (f *fifo) each(fn func(*item)) {
	head := f.head
	for b := f.first; b != nil; b, head = b.next, 0 {
		end := blockItems
		if b == f.last {
			end = f.tail
		}
		for i := head; i < end; i++ {
			fn(&b.items[i])
		}
	}
}

// each calls fn on every queued item.
func (q *radix) each(fn func(*item)) {
	for i := range q.buckets {
		q.buckets[i].each(fn)
	}
}

// filter keeps the items keep says yes to, in their order.
func (q *radix) filter(keep func(*item) bool) {
	for i := range q.buckets {
		old := q.buckets[i]
		q.buckets[i] = fifo{}
		for old.n > 0 {
			if it := q.take(&old); keep(&it) {
				q.add(&q.buckets[i], it)
			}
		}
		if q.buckets[i].n == 0 {
			q.full &^= 1 << i
		}
	}
	q.n = 0
	for i := range q.buckets {
		q.n += q.buckets[i].n
	}
	q.min = nil
}
