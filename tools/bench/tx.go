package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
	"runtime"
	"testing"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// The transaction pair (chapter 07): transactions verified per second,
// from their bytes as a peer sends them, against raw ed25519
// verifications, on one core and on all. The goal, 0.9, says decoding
// and state checks cost little next to the signature. The same pair is
// in chapters/07-transactions/verify_bench_test.go.

// txMagic is the network the pair's transaction is signed for.
var txMagic = wire.DevNet

// addTxFigures measures the transaction pair and adds its figures to
// the report.
func addTxFigures(rep *Report, runs int) error {
	figs, err := txFigures(runs)
	if err != nil {
		return err
	}
	rep.Figures = append(rep.Figures, figs...)
	rep.LoadEnd = loadavg()
	return nil
}

// txFigures runs the pair runs times, on one core and then on all.
func txFigures(runs int) ([]Figure, error) {
	raw, st, err := txFixture()
	if err != nil {
		return nil, err
	}
	pub, msg, sig := rawFixture()
	var one, all, oneTx, allTx []float64
	baseline := func() error {
		if !ed25519.Verify(pub, msg, sig) {
			return fmt.Errorf("the baseline's signature does not verify")
		}
		return nil
	}
	for i := range runs {
		for _, parallel := range []bool{false, true} {
			// Every other run measures the transaction first, so that a
			// machine getting busier or quieter favours neither side.
			var base, tx benchResult
			if i%2 == 0 {
				base = benchVerify(parallel, baseline)
				tx = benchVerify(parallel, func() error { return verifyTx(raw, st) })
			} else {
				tx = benchVerify(parallel, func() error { return verifyTx(raw, st) })
				base = benchVerify(parallel, baseline)
			}
			if base.err != nil || tx.err != nil {
				return nil, fmt.Errorf("tx verify pair: %w", errors.Join(base.err, tx.err))
			}
			ratio := base.ns / tx.ns // tx/s ÷ raw/s
			if parallel {
				all, allTx = append(all, ratio), append(allTx, 1e9/tx.ns)
			} else {
				one, oneTx = append(one, ratio), append(oneTx, 1e9/tx.ns)
			}
		}
	}
	o, a := stat(one), stat(all)
	return []Figure{
		{Name: "tx verify ÷ raw ed25519 verify, one core", Value: o, Unit: "×", Goal: "≥ 0.9",
			Met: met(o.Median >= 0.9), Note: fmt.Sprintf("tx verify %s (ParseTx + Check + State.Validate)",
				fmtStat(stat(oneTx), "tx/s"))},
		{Name: "tx verify ÷ raw ed25519 verify, all cores", Value: a, Unit: "×", Goal: "≥ 0.9",
			Met: met(a.Median >= 0.9), Note: fmt.Sprintf("tx verify %s on %d goroutines",
				fmtStat(stat(allTx), "tx/s"), runtime.GOMAXPROCS(0))},
	}, nil
}

// benchResult is one measurement: ns per operation, or why it failed.
type benchResult struct {
	ns  float64
	err error
}

// benchVerify measures f with testing.Benchmark, on one goroutine or,
// parallel, on GOMAXPROCS of them.
func benchVerify(parallel bool, f func() error) benchResult {
	var failed error
	res := testing.Benchmark(func(b *testing.B) {
		if !parallel {
			for b.Loop() {
				if err := f(); err != nil {
					failed = err
					return
				}
			}
			return
		}
		errs := make(chan error, 1)
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := f(); err != nil {
					select {
					case errs <- err:
					default:
					}
					return
				}
			}
		})
		select {
		case failed = <-errs:
		default:
		}
	})
	if failed != nil {
		return benchResult{err: failed}
	}
	if res.N == 0 {
		return benchResult{err: fmt.Errorf("no iterations")}
	}
	return benchResult{ns: float64(res.T.Nanoseconds()) / float64(res.N)}
}

// txFixture is a signed transfer's bytes and a state it applies to.
func txFixture() ([]byte, *transactions.State, error) {
	alice := transactions.KeyFromSeed([32]byte{1})
	bob := transactions.KeyFromSeed([32]byte{2})
	tx := &transactions.Tx{Chain: txMagic, To: bob.Address(), Amount: 1_000, Fee: 10, Memo: []byte("coffee")}
	tx.Sign(alice)
	raw, err := tx.Bytes()
	if err != nil {
		return nil, nil, err
	}
	st := transactions.NewState(txMagic, map[transactions.Address]uint64{alice.Address(): 1_000_000})
	return raw, st, nil
}

// verifyTx is what a node does with a transaction from a peer: decode,
// check it alone (signature included), check it against the state.
func verifyTx(raw []byte, st *transactions.State) error {
	tx, err := transactions.ParseTx(raw)
	if err != nil {
		return err
	}
	if err := tx.Check(txMagic); err != nil {
		return err
	}
	return st.Validate(tx)
}

// rawFixture is the baseline: a key, a 32-byte message (an ID's size)
// and its signature.
func rawFixture() (ed25519.PublicKey, []byte, []byte) {
	priv := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	msg := sha256.Sum256([]byte("baseline"))
	return priv.Public().(ed25519.PublicKey), msg[:], ed25519.Sign(priv, msg[:])
}
