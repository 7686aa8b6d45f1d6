//go:build solution

package forkchoice

import chapter "peerchain/chapters/10-forkchoice"

// FindFork brings the higher of a and b down to the other's height,
// then walks both down together until they are the same block.
func FindFork(a, b *chapter.Node) *chapter.Node {
	for a.Height > b.Height {
		a = a.Parent
	}
	for b.Height > a.Height {
		b = b.Parent
	}
	for a != b {
		a, b = a.Parent, b.Parent
	}
	return a
}
