package simulation

// The queue's heap moves items through a hole rather than by swapping
// them: an item is copied once per level, not twice. Items hold no
// pointers, so a copy is a plain 32-byte move with no GC write barrier.
// (seq makes every key unique, so this ends in exactly the layout the
// swapping version did.)

func (q *queue) heapPush(it item) {
	q.heap = append(q.heap, it)
	h := q.heap
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if !it.before(&h[p]) {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = it
}

func (q *queue) heapPop() item {
	h := q.heap
	top := h[0]
	last := len(h) - 1
	it := h[last]
	q.heap = h[:last]
	if last > 0 {
		q.siftDown(0, it)
	}
	return top
}

// siftDown puts it at position i, or below it where it belongs.
func (q *queue) siftDown(i int, it item) {
	h := q.heap
	n := len(h)
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if r := c + 1; r < n && h[r].before(&h[c]) {
			c = r
		}
		if !h[c].before(&it) {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = it
}

func (q *queue) heapify() {
	for i := len(q.heap)/2 - 1; i >= 0; i-- {
		q.siftDown(i, q.heap[i])
	}
}
