package pow

import (
	"fmt"
	"math/big"
	"time"

	wire "peerchain/chapters/02-wire"
)

// docs:begin params

// Params are a network's proof-of-work rules, as Bitcoin Core's
// consensus params name them.
type Params struct {
	// PowLimit is the easiest target a block may have: where the
	// difficulty starts, and the floor it never goes under.
	PowLimit *big.Int
	// TargetTimespan is how long a retarget interval of blocks should
	// take (Bitcoin: two weeks), and TargetSpacing one block (Bitcoin:
	// ten minutes); the interval is one divided by the other.
	TargetTimespan time.Duration
	TargetSpacing  time.Duration
	// NoRetargeting keeps every block at the parent's bits (Bitcoin's
	// regtest).
	NoRetargeting bool
}

// The networks' rules. Every genesis block has bits 0x1e0fffff (a
// million hashes a block, a fraction of a second on one core): the
// main and test networks' limit. The devnet's limit is 0x207fffff (two
// hashes a block), so its retargets can make it easier still: a
// laptop can mine all three.
var (
	// MainNetParams: Bitcoin's timing, two weeks of ten-minute blocks.
	MainNetParams = Params{
		PowLimit:       limit(0x1e0fffff),
		TargetTimespan: 14 * 24 * time.Hour,
		TargetSpacing:  10 * time.Minute,
	}
	// TestNetParams: an hour of one-minute blocks, so retargets come
	// often enough to watch.
	TestNetParams = Params{
		PowLimit:       limit(0x1e0fffff),
		TargetTimespan: time.Hour,
		TargetSpacing:  time.Minute,
	}
	// DevNetParams: a minute of five-second blocks, for a classroom.
	DevNetParams = Params{
		PowLimit:       limit(0x207fffff),
		TargetTimespan: time.Minute,
		TargetSpacing:  5 * time.Second,
	}
)

// docs:end params

// BitcoinParams are Bitcoin's main network's rules, whose real blocks
// the tests check: peerchain does not mine them.
var BitcoinParams = Params{
	PowLimit:       bitcoinPowLimit(),
	TargetTimespan: 14 * 24 * time.Hour,
	TargetSpacing:  10 * time.Minute,
}

// RetargetInterval is how many blocks each target lasts: Bitcoin's
// 2016. It is 0 for params whose spacing is not positive.
func (p Params) RetargetInterval() uint64 {
	if p.TargetSpacing <= 0 || p.TargetTimespan <= 0 {
		return 0
	}
	return uint64(p.TargetTimespan / p.TargetSpacing)
}

// PowLimitBits is PowLimit in compact form: the genesis block's bits
// on a network that starts at its limit.
func (p Params) PowLimitBits() uint32 { return BigToCompact(p.PowLimit) }

// Validate says whether the params can work: a limit that is a target,
// a timespan of whole seconds (Bitcoin Core counts in seconds), and a
// spacing that divides into it at least once.
func (p Params) Validate() error {
	switch {
	case p.PowLimit == nil || p.PowLimit.Sign() <= 0:
		return fmt.Errorf("%w: PowLimit %v is not positive", ErrParams, p.PowLimit)
	case p.PowLimit.BitLen() > targetBits:
		return fmt.Errorf("%w: PowLimit is over 256 bits", ErrParams)
	case p.TargetSpacing <= 0:
		return fmt.Errorf("%w: TargetSpacing %v is not positive", ErrParams, p.TargetSpacing)
	case p.TargetTimespan%time.Second != 0:
		return fmt.Errorf("%w: TargetTimespan %v is not whole seconds", ErrParams, p.TargetTimespan)
	case p.TargetTimespan < p.TargetSpacing:
		return fmt.Errorf("%w: TargetTimespan %v under TargetSpacing %v",
			ErrParams, p.TargetTimespan, p.TargetSpacing)
	}
	return nil
}

// ParamsOf is the rules of a network, by its magic: peerchain's three
// and Bitcoin's main network. Each call returns its own PowLimit, so
// a caller that changes it changes nobody else's.
func ParamsOf(m wire.Magic) (Params, bool) {
	var p Params
	switch m {
	case wire.MainNet:
		p = MainNetParams
	case wire.TestNet:
		p = TestNetParams
	case wire.DevNet:
		p = DevNetParams
	case wire.BitcoinMainNet:
		p = BitcoinParams
	default:
		return Params{}, false
	}
	p.PowLimit = new(big.Int).Set(p.PowLimit)
	return p, true
}

// limit is the target of bits known to be valid.
func limit(bits uint32) *big.Int {
	target, _, _ := CompactToBig(bits)
	return target
}

// bitcoinPowLimit is Bitcoin Core's main network powLimit, 2^224 - 1:
// more than bits can write, so its compact form, 0x1d00ffff, is a
// little under it.
func bitcoinPowLimit() *big.Int {
	one := big.NewInt(1)
	return new(big.Int).Sub(new(big.Int).Lsh(one, 224), one)
}
