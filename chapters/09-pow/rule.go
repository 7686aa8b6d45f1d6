package pow

import blocks "peerchain/chapters/08-blocks"

// docs:begin header-rule

// HeaderRule is proof of work as a rule of chapter 08's chain: a
// header's bits must be the ones NextWorkRequired gives, and its hash
// must be at or below their target.
func HeaderRule(p Params) blocks.HeaderRule {
	return HeaderRuleWith(p, NextWorkRequired)
}

// HeaderRuleWith is HeaderRule with another retarget: the lab's (nil
// is NextWorkRequired).
func HeaderRuleWith(p Params, next RetargetFunc) blocks.HeaderRule {
	if next == nil {
		next = NextWorkRequired
	}
	return func(h *blocks.Header, parent blocks.ChainView) error {
		if want := next(p, parent); h.Bits != want {
			return ruleError(ErrBadBits,
				"bits %08x at height %d, want %08x",
				h.Bits, parent.Height()+1, want)
		}
		return CheckProofOfWork(h.BlockHash(), h.Bits, p.PowLimit)
	}
}

// docs:end header-rule
