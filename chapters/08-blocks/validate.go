package blocks

import (
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// Limits on a header's time, Bitcoin's.
const (
	// MedianTimeSpan is how many headers the median time past is of.
	MedianTimeSpan = 11
	// MaxFutureBlockTime is how far past a node's clock a header's
	// time may be.
	MaxFutureBlockTime = 2 * time.Hour
)

// docs:begin sanity

// CheckBlockSanity applies the rules that need nothing but the block
// and its network: what a node checks before it looks at its chain.
// The merkle root is checked before the mutation, as Bitcoin Core does:
// a block whose root is wrong is simply wrong; one whose root is right
// but whose tree is mutated is a bad copy of a block that may be fine.
func CheckBlockSanity(b *Block, n *Network) error {
	return CheckBlockSanityWith(b, n, nil)
}

// CheckBlockSanityWith is CheckBlockSanity with each transaction
// checked by check: nil is tx.Check. A check that remembers signatures
// found valid (chapter 07's SigCache) gives the same verdict, sooner.
func CheckBlockSanityWith(b *Block, n *Network, check TxCheck) error {
	if check == nil {
		check = (*transactions.Tx).Check
	}
	if b.Header.Version < 1 {
		return ruleError(ErrBadVersion, "version %d", b.Header.Version)
	}
	if size := b.Size(); size > MaxBlockSize {
		return ruleError(ErrBlockSize, "%d bytes, limit %d", size, MaxBlockSize)
	}
	if len(b.Coinbase.Extra) > MaxCoinbaseExtra {
		return ruleError(ErrCoinbaseExtra, "%d bytes, limit %d",
			len(b.Coinbase.Extra), MaxCoinbaseExtra)
	}
	root, mutated := b.ComputeMerkleRoot()
	if root != b.Header.MerkleRoot {
		return ruleError(ErrBadMerkleRoot, "header has %s, transactions give %s",
			b.Header.MerkleRoot, root)
	}
	if mutated {
		return ruleError(ErrMutated, "two equal siblings in the tree")
	}
	for i, tx := range b.Txs {
		if tx.Chain != n.Magic {
			return ruleError(ErrWrongChain, "transaction %d is for %s",
				i, wire.NetworkName(tx.Chain))
		}
		if err := check(tx, n.Magic); err != nil {
			return wrapRule(ErrBadTx, err, "transaction %d", i)
		}
	}
	return nil
}

// docs:end sanity

// TxCheck checks one transaction alone for a chain, as tx.Check does.
type TxCheck func(tx *transactions.Tx, chain wire.Magic) error

// docs:begin header-context

// CheckHeaderContext applies the rules a header must keep on top of
// the chain it extends, given the node's clock: it names the tip as
// its previous block, and its time is after the median of the last
// MedianTimeSpan headers' and at most MaxFutureBlockTime past now.
func CheckHeaderContext(h *Header, parent ChainView, now time.Time) error {
	tip, ok := parent.HeaderAt(parent.Height())
	if !ok {
		return ruleError(ErrPrevBlock, "the chain has no tip")
	}
	if want := tip.BlockHash(); h.PrevBlock != want {
		return ruleError(ErrPrevBlock, "extends %s, the tip is %s",
			h.PrevBlock, want)
	}
	if mtp := MedianTimePast(parent); h.Time <= mtp {
		return ruleError(ErrTimeTooOld, "time %d, median time past %d",
			h.Time, mtp)
	}
	limit := now.Add(MaxFutureBlockTime).Unix()
	if int64(h.Time) > limit {
		return ruleError(ErrTimeTooNew, "time %d, limit %d (2 h past %d)",
			h.Time, limit, now.Unix())
	}
	return nil
}

// MedianTimePast is the median time of the chain's last MedianTimeSpan
// headers (fewer near genesis): Bitcoin's GetMedianTimePast. A miner
// may set any time, but one must beat the median of eleven, so the
// time only creeps forward even if a few miners lie.
func MedianTimePast(v ChainView) uint32 {
	times := make([]uint32, 0, MedianTimeSpan)
	tip := v.Height()
	for i := uint64(0); i < MedianTimeSpan && i <= tip; i++ {
		h, ok := v.HeaderAt(tip - i)
		if !ok {
			break
		}
		times = append(times, h.Time)
	}
	if len(times) == 0 {
		return 0
	}
	slices.Sort(times)
	return times[len(times)/2]
}

// docs:end header-context
