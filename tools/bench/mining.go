package main

import (
	"crypto/sha256"
	"fmt"
	"math/big"
	"runtime"
	"testing"

	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
)

// The mining pair (chapter 09): the miner's nonces per second against
// the limit raw SHA-256 sets in the same run, half its compression
// rate (a nonce costs two compressions once the header's first 64
// bytes are hashed); on one core, and on all as a parallel efficiency.
// The same benchmarks are in chapters/09-pow/hasher_bench_test.go, and
// go run ./tools/experiments mining prints them as a table.

// miningBulkSize is the baseline's buffer: big enough that a call's
// overhead is lost in it.
const miningBulkSize = 1 << 16

// addMiningFigures measures the mining pair and adds its figures.
func addMiningFigures(rep *Report, runs int) error {
	figs, err := miningFigures(runs)
	if err != nil {
		return err
	}
	rep.Figures = append(rep.Figures, figs...)
	rep.LoadEnd = loadavg()
	return nil
}

// miningFigures runs the pair runs times.
func miningFigures(runs int) ([]Figure, error) {
	h := blocks.DevNet.Genesis.Header
	var ratios, effs, rates []float64
	for i := range runs {
		// Alternate the order, so that a change of load favours
		// neither side.
		var block, one, all benchResult
		if i%2 == 0 {
			block = benchBlock()
			one, all = benchNonce(h, false), benchNonce(h, true)
		} else {
			one, all = benchNonce(h, false), benchNonce(h, true)
			block = benchBlock()
		}
		for _, r := range []benchResult{block, one, all} {
			if r.err != nil {
				return nil, fmt.Errorf("mining pair: %w", r.err)
			}
		}
		limitNs := 2 * block.ns // ns a nonce takes at the limit
		ratios = append(ratios, limitNs/one.ns)
		// all.ns is wall time per nonce over GOMAXPROCS goroutines.
		effs = append(effs, one.ns/(all.ns*float64(runtime.GOMAXPROCS(0))))
		rates = append(rates, 1e9/one.ns)
	}
	r, e := stat(ratios), stat(effs)
	return []Figure{
		{Name: "mining ÷ SHA-256 limit, one core", Value: r, Unit: "×", Goal: "≥ 0.5",
			Met: met(r.Median >= 0.5), Note: fmt.Sprintf("miner %s (midstate, pre-padded blocks)",
				fmtStat(stat(rates), "nonces/s"))},
		{Name: "mining parallel efficiency, all cores", Value: e, Unit: "×", Goal: "≥ 0.9",
			Met: met(e.Median >= 0.9), Note: fmt.Sprintf("%d goroutines, each its own Hasher",
				runtime.GOMAXPROCS(0))},
	}, nil
}

// benchBlock is the baseline: ns per 64-byte block of bulk SHA-256.
func benchBlock() benchResult {
	buf := make([]byte, miningBulkSize)
	res := testing.Benchmark(func(b *testing.B) {
		for b.Loop() {
			sha256.Sum256(buf)
		}
	})
	if res.N == 0 {
		return benchResult{err: fmt.Errorf("no iterations")}
	}
	n := float64(res.N) * miningBulkSize / sha256.BlockSize
	return benchResult{ns: float64(res.T.Nanoseconds()) / n}
}

// benchNonce is ns per nonce of the miner's hasher, on one goroutine
// or, parallel, on GOMAXPROCS of them.
func benchNonce(h blocks.Header, parallel bool) benchResult {
	never, err := pow.TargetFromBig(big.NewInt(0))
	if err != nil {
		return benchResult{err: err}
	}
	errs := make(chan error, 1)
	try := func(next func() bool) {
		m, err := pow.NewHasher(&h)
		if err != nil {
			select {
			case errs <- err:
			default:
			}
			return
		}
		var nonce uint32
		for next() {
			nonce++
			m.Search(&never, nonce, 1)
		}
	}
	res := testing.Benchmark(func(b *testing.B) {
		if parallel {
			b.RunParallel(func(pb *testing.PB) { try(pb.Next) })
			return
		}
		try(b.Loop)
	})
	select {
	case err := <-errs:
		return benchResult{err: err}
	default:
	}
	if res.N == 0 {
		return benchResult{err: fmt.Errorf("no iterations")}
	}
	return benchResult{ns: float64(res.T.Nanoseconds()) / float64(res.N)}
}
