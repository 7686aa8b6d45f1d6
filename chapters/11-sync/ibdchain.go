package sync

import (
	"encoding/binary"
	"fmt"
	gosync "sync"
	"sync/atomic"
	"time"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// The speed test's chain: signed transfers between seeded keys.
const (
	// IBDSenders is how many keys the transfers come from, each funded
	// at genesis; transaction g is key g mod IBDSenders's, with nonce
	// g div IBDSenders, so every block applies in order.
	IBDSenders = 1000
	// MaxIBDTxs bounds a speed test's transactions in all: about
	// 1.5 GB of them.
	MaxIBDTxs = 10_000_000
	// IBDAmount and IBDFee are what each transfer pays.
	IBDAmount = 1
	IBDFee    = 1
)

// IBDSpec names a speed test's chain: the same spec, the same chain,
// byte for byte (ed25519 signing is deterministic).
type IBDSpec struct {
	Blocks int    // on top of genesis
	Txs    int    // signed transfers in each
	Seed   uint64 // the keys'
}

func (s IBDSpec) check() error {
	if s.Blocks < 1 || s.Blocks > MaxSimBlocks || s.Txs < 0 ||
		s.Txs*s.Blocks > MaxIBDTxs {
		return fmt.Errorf("%w: %d blocks of %d transactions, want 1 to %d "+
			"blocks and at most %d transactions", ErrSim, s.Blocks, s.Txs,
			MaxSimBlocks, MaxIBDTxs)
	}
	return nil
}

// key is sender i's key.
func (s IBDSpec) key(i int) transactions.Key {
	var seed [32]byte
	binary.BigEndian.PutUint64(seed[:8], s.Seed)
	binary.BigEndian.PutUint64(seed[8:16], uint64(i))
	return transactions.KeyFromSeed(seed)
}

// Funds are the genesis balances: each sender can pay all its
// transfers.
func (s IBDSpec) Funds() map[transactions.Address]uint64 {
	per := uint64(s.Blocks*s.Txs/IBDSenders+1) * (IBDAmount + IBDFee)
	funds := make(map[transactions.Address]uint64, IBDSenders)
	for i := range IBDSenders {
		funds[s.key(i).Address()] = per
	}
	return funds
}

// Tree is a tree of SimNetwork funded by the spec, with the devnet's
// proof of work, checking transactions with check (nil: tx.Check).
func (s IBDSpec) Tree(check blocks.TxCheck) (*forkchoice.Tree, error) {
	return forkchoice.New(forkchoice.Config{Network: SimNetwork,
		State:   transactions.NewState(SimNetwork.Magic, s.Funds()),
		Rules:   []blocks.HeaderRule{pow.HeaderRule(SimParams)},
		TxCheck: check})
}

// Trusted is a TxCheck that checks nothing: for a node that made the
// chain itself (the speed test's serving peers), as Bitcoin Core's
// assumevalid skips the signatures of blocks it was built with.
func Trusted(*transactions.Tx, wire.Magic) error { return nil }

// IBDClock is the chain's time for the speed test: every block of the
// longest chain is in the past.
func IBDClock(time.Time) time.Time {
	return SimNetwork.Genesis.Header.Timestamp().Add(SimClockOffset)
}

// NewIBDChain makes the spec's chain, signing on workers goroutines:
// blocks dated SimSpacing apart, each solved at SimBits.
func NewIBDChain(s IBDSpec, workers int) ([]*blocks.Block, error) {
	if err := s.check(); err != nil {
		return nil, err
	}
	keys := make([]transactions.Key, IBDSenders)
	var to transactions.Address
	binary.BigEndian.PutUint64(to[:], s.Seed)
	parallel(IBDSenders, workers, func(i int) { keys[i] = s.key(i) })
	txs := make([]*transactions.Tx, s.Blocks*s.Txs)
	parallel(len(txs), workers, func(g int) {
		tx := &transactions.Tx{Chain: SimNetwork.Magic, To: to,
			Amount: IBDAmount, Fee: IBDFee, Nonce: uint64(g / IBDSenders)}
		tx.Sign(keys[g%IBDSenders])
		txs[g] = tx
	})
	chain := make([]*blocks.Block, s.Blocks)
	genesis := SimNetwork.Genesis.Header.Timestamp()
	parallel(s.Blocks, workers, func(i int) { // the merkle roots
		parent := &forkchoice.Node{Height: uint64(i)}
		at := genesis.Add(time.Duration(i+1) * SimSpacing)
		chain[i] = forkchoice.BlockOn(parent, SimNetwork, to,
			txs[i*s.Txs:(i+1)*s.Txs:(i+1)*s.Txs], at, SimBits)
	})
	prev := SimNetwork.Genesis.Hash()
	for _, b := range chain { // then the links, in order
		b.Header.PrevBlock = prev
		Solve(&b.Header)
		prev = b.Hash()
	}
	return chain, nil
}

// parallel runs f(0) to f(n-1) on workers goroutines.
func parallel(n, workers int, f func(i int)) {
	var next atomic.Int64
	var wg gosync.WaitGroup
	for range max(1, workers) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := next.Add(1) - 1; i < int64(n); i = next.Add(1) - 1 {
				f(int(i))
			}
		}()
	}
	wg.Wait()
}
