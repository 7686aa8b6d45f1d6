//go:build solution

package sync

import (
	blocks "peerchain/chapters/08-blocks"
	chapter "peerchain/chapters/11-sync"
)

// Locator walks down from the tip, one by one and then by doubling
// steps, clamped at genesis, and makes sure genesis ends it.
func Locator(c blocks.ChainView) []blocks.Hash {
	var out []blocks.Hash
	hashAt := func(height uint64) blocks.Hash {
		h, _ := c.HeaderAt(height)
		return h.BlockHash()
	}
	step := uint64(1)
	height := c.Height()
	for {
		out = append(out, hashAt(height))
		if height == 0 || len(out) == blocks.MaxLocator-1 {
			break
		}
		height -= min(step, height)
		if len(out) > chapter.LocatorDense {
			step *= 2
		}
	}
	if height != 0 {
		out = append(out, hashAt(0)) // the cap cut the walk short
	}
	return out
}
