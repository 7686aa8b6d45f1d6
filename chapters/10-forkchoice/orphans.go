package forkchoice

import (
	"slices"

	blocks "peerchain/chapters/08-blocks"
)

// orphans are blocks whose parent the tree does not have yet, oldest
// first, at most max: past it the oldest goes, so a peer sending
// blocks of no chain fills nothing for long.
type orphans struct {
	max    int
	byHash map[blocks.Hash]*blocks.Block
	order  []blocks.Hash
}

func newOrphans(max int) *orphans {
	return &orphans{max: max, byHash: make(map[blocks.Hash]*blocks.Block)}
}

func (o *orphans) has(h blocks.Hash) bool { _, ok := o.byHash[h]; return ok }

func (o *orphans) len() int { return len(o.order) }

// add keeps b, dropping the oldest orphan when full.
func (o *orphans) add(b *blocks.Block) {
	if len(o.order) == o.max {
		delete(o.byHash, o.order[0])
		o.order = slices.Delete(o.order, 0, 1)
	}
	h := b.Hash()
	o.byHash[h] = b
	o.order = append(o.order, h)
}

// takeChildren removes and returns the orphans whose parent is h, in
// the order they came.
func (o *orphans) takeChildren(h blocks.Hash) []*blocks.Block {
	var out []*blocks.Block
	o.order = slices.DeleteFunc(o.order, func(oh blocks.Hash) bool {
		b := o.byHash[oh]
		if b.Header.PrevBlock != h {
			return false
		}
		out = append(out, b)
		delete(o.byHash, oh)
		return true
	})
	return out
}
