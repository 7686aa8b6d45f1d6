package sync

import blocks "peerchain/chapters/08-blocks"

// LocatorDense is how many hashes at the tip a locator lists one by
// one before its steps start doubling: Bitcoin's ten.
const LocatorDense = 10

// hashView is a chain that knows its hashes, as chapter 08's Chain and
// the header tree's View do: no header is hashed again.
type hashView interface {
	HashAt(height uint64) (blocks.Hash, bool)
}

// docs:begin locator

// Locator describes a chain to a peer in a few hashes, as Bitcoin
// Core's GetLocator: one by one from the tip, then, past LocatorDense,
// steps back that double each time (2, 4, 8, ...), and genesis last,
// at most blocks.MaxLocator of them. Whatever the peer's chain, the first of
// them it has tells it, within a factor of two, where the chains part.
func Locator(v blocks.ChainView) []blocks.Hash {
	var out []blocks.Hash
	step := uint64(1)
	for height := v.Height(); ; {
		if h, ok := hashAt(v, height); ok {
			out = append(out, h)
		}
		if height == 0 || len(out) == blocks.MaxLocator-1 {
			break
		}
		height -= min(step, height)
		if len(out) > LocatorDense {
			step *= 2
		}
	}
	if g, ok := hashAt(v, 0); ok && out[len(out)-1] != g {
		out = append(out, g) // the cap cut the walk short
	}
	return out
}

// docs:end locator

func hashAt(v blocks.ChainView, height uint64) (blocks.Hash, bool) {
	if hv, ok := v.(hashView); ok {
		return hv.HashAt(height)
	}
	h, ok := v.HeaderAt(height)
	return h.BlockHash(), ok
}

// MainChain is the chain a node answers getheaders from: its block
// tree's main chain, chapter 08's Chain.
type MainChain interface {
	blocks.ChainView
	HeightOf(h blocks.Hash) (uint64, bool)
}

// docs:begin locate-fork

// LocateFork answers a locator: the headers of c after the first
// locator hash c has (genesis when it has none), oldest first, at most
// blocks.MaxHeadersPerMsg of them, ending at stop if stop comes first.
// The asker's chain and c share every block up to that hash.
func LocateFork(c MainChain, locator []blocks.Hash,
	stop blocks.Hash) []blocks.Header {
	var from uint64
	for _, h := range locator {
		if height, ok := c.HeightOf(h); ok {
			from = height
			break
		}
	}
	var out []blocks.Header
	for height := from + 1; height <= c.Height() &&
		len(out) < blocks.MaxHeadersPerMsg; height++ {
		h, _ := c.HeaderAt(height)
		out = append(out, h)
		if !stop.IsZero() && h.BlockHash() == stop {
			break
		}
	}
	return out
}

// docs:end locate-fork
