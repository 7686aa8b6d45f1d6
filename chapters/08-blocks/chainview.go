package blocks

// docs:begin chain-view

// ChainView is what a block's rules need of the chain it extends: its
// headers by height, genesis (0) to tip. Chapter 08's Chain is one;
// chapter 10's block tree gives one for each branch.
type ChainView interface {
	// Height is the tip's height: 0 when only genesis is there.
	Height() uint64
	// HeaderAt is the header at a height, if the chain is that high.
	HeaderAt(height uint64) (Header, bool)
}

// HeaderRule is a rule a header must keep, given the chain it extends:
// chapter 09's proof of work is one.
type HeaderRule func(h *Header, parent ChainView) error

// docs:end chain-view
