package transactions

import "slices"

// tailHeap orders the senders' queues by what their last transaction
// pays a byte, lowest first: the next to evict. Ties go to the larger
// ID, so that every node evicts the same one.
type tailHeap []*queue

func (h tailHeap) Len() int { return len(h) }
func (h tailHeap) Less(i, j int) bool {
	a, b := h[i].tail(), h[j].tail()
	if c := a.rate.Cmp(b.rate); c != 0 {
		return c < 0
	}
	return slices.Compare(a.id[:], b.id[:]) > 0
}
func (h tailHeap) Swap(i, j int) {
	h[i], h[j] = h[j], h[i]
	h[i].index, h[j].index = i, j
}
func (h *tailHeap) Push(x any) {
	q := x.(*queue)
	q.index = len(*h)
	*h = append(*h, q)
}
func (h *tailHeap) Pop() any {
	old := *h
	q := old[len(old)-1]
	old[len(old)-1] = nil
	*h = old[:len(old)-1]
	q.index = -1
	return q
}
