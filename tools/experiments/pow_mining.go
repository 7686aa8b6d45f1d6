package main

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"math/big"
	"runtime"
	"slices"
	"time"

	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	"peerchain/tools/experiments/chart"
)

// mining (chapter 09) measures, in one run, this machine's raw SHA-256
// compression rate and the miner's hashes per second, on one core and
// on all. A nonce costs two compressions once the header's first 64
// bytes are hashed, so half the compression rate is the limit a core
// can reach. Unlike the simulations, it is a measurement: its figures
// change from one machine, and one moment, to the next; the ratios
// less so.
var powMining = Experiment{
	Name:    "mining",
	Summary: "the miner's hashes per second against raw SHA-256 (chapter 09)",
	Run: func(o Options) (*Result, error) {
		return miningTable(o.Runs, miningNonces, miningBulkBlocks)
	},
}

const (
	miningRuns = 5
	// miningNonces is how many nonces one measurement of the miner
	// tries: about a tenth of a second on a core.
	miningNonces = 1 << 20
	// miningBulkBlocks is how many 64-byte blocks the baseline hashes,
	// in buffers of miningBulkSize.
	miningBulkBlocks = 1 << 20
	miningBulkSize   = 1 << 16
)

// miningFigures is what -json prints: the medians, and every run.
type miningFigures struct {
	HashesPerS         float64     `json:"hashes_per_s"`
	LimitPerS          float64     `json:"limit_per_s"`
	Ratio              float64     `json:"ratio"`
	Cores              int         `json:"cores"`
	ParallelEfficiency float64     `json:"parallel_efficiency"`
	HashesPerSAll      float64     `json:"hashes_per_s_all_cores"`
	PlainRatio         float64     `json:"plain_ratio"`
	Runs               []miningRun `json:"runs"`
}

// miningRun is one run's figures, per second.
type miningRun struct {
	Compressions float64 `json:"compressions_per_s"`
	Plain        float64 `json:"plain_per_s"`
	One          float64 `json:"hashes_per_s"`
	All          float64 `json:"hashes_per_s_all_cores"`
}

func (r miningRun) limit() float64 { return r.Compressions / 2 }

func miningTable(runs, nonces, bulkBlocks int) (*Result, error) {
	if runs <= 0 {
		runs = miningRuns
	}
	cores := runtime.GOMAXPROCS(0)
	var all []miningRun
	for range runs {
		r, err := miningOnce(nonces, bulkBlocks, cores)
		if err != nil {
			return nil, err
		}
		all = append(all, r)
	}
	figure := func(f func(miningRun) float64) []float64 {
		var v []float64
		for _, r := range all {
			v = append(v, f(r))
		}
		slices.Sort(v)
		return []float64{v[0], v[len(v)/2], v[len(v)-1]}
	}
	const M = 1e6
	rows := [][]func(miningRun) float64{}
	_ = rows
	figs := []func(miningRun) float64{
		func(r miningRun) float64 { return r.Compressions / M },
		func(r miningRun) float64 { return r.limit() / M },
		func(r miningRun) float64 { return r.Plain / M },
		func(r miningRun) float64 { return r.Plain / r.limit() },
		func(r miningRun) float64 { return r.One / M },
		func(r miningRun) float64 { return r.One / r.limit() },
		func(r miningRun) float64 { return r.All / M },
		func(r miningRun) float64 { return r.All / (float64(cores) * r.One) },
	}
	res := &Result{
		Title: fmt.Sprintf("Mining speed: %d runs on %d cores (%s)", runs, cores, runtime.GOARCH),
		Columns: []Column{
			{Key: "figure", Header: "#"},
			{Key: "min", Header: "min", Decimals: 2},
			{Key: "median", Header: "median", Decimals: 2},
			{Key: "max", Header: "max", Decimals: 2},
		},
		Notes: []string{
			"1 raw SHA-256, millions of 64-byte compressions a second (bulk throughput ÷ 64)",
			"2 the limit a core can mine at, millions of nonces a second: half of 1",
			"3 the plain loop (Header.BlockHash per nonce), one core, millions a second",
			"4 the plain loop ÷ the limit",
			"5 the miner (midstate, pre-padded blocks), one core, millions a second",
			"6 the miner ÷ the limit: goal ≥ 0.5",
			fmt.Sprintf("7 the miner on all %d cores, millions a second", cores),
			fmt.Sprintf("8 parallel efficiency, 7 ÷ (%d × 5): goal ≥ 0.9", cores),
			"min / median / max of the runs; each run measures every figure",
		},
		Chart: &chart.Chart{
			Title:  "The miner's speed as a share of SHA-256's limit, run by run",
			XLabel: "run",
			YLabel: "hashes per second ÷ the limit",
		},
	}
	for i, f := range figs {
		res.Rows = append(res.Rows, append([]float64{float64(i + 1)}, figure(f)...))
	}
	series := []chart.Series{
		{Name: "plain loop, one core", Dots: true, Line: true},
		{Name: "miner, one core", Dots: true, Line: true},
		{Name: fmt.Sprintf("miner, %d cores ÷ %d", cores, cores), Dots: true, Line: true},
	}
	for i, r := range all {
		x := float64(i + 1)
		series[0].Points = append(series[0].Points, chart.Point{X: x, Y: r.Plain / r.limit()})
		series[1].Points = append(series[1].Points, chart.Point{X: x, Y: r.One / r.limit()})
		series[2].Points = append(series[2].Points, chart.Point{X: x, Y: r.All / float64(cores) / r.limit()})
	}
	res.Chart.Series = series
	med := func(f func(miningRun) float64) float64 { return figure(f)[1] }
	res.JSON = miningFigures{
		HashesPerS:         med(func(r miningRun) float64 { return r.One }),
		LimitPerS:          med(miningRun.limit),
		Ratio:              res.Rows[5][2],
		Cores:              cores,
		ParallelEfficiency: res.Rows[7][2],
		HashesPerSAll:      med(func(r miningRun) float64 { return r.All }),
		PlainRatio:         res.Rows[3][2],
		Runs:               all,
	}
	return res, nil
}

// miningOnce measures every figure once, back to back.
func miningOnce(nonces, bulkBlocks, cores int) (miningRun, error) {
	var r miningRun
	buf := make([]byte, miningBulkSize)
	perBuf := miningBulkSize / sha256.BlockSize
	bufs := max(1, bulkBlocks/perBuf)
	start := time.Now()
	for range bufs {
		sha256.Sum256(buf)
	}
	r.Compressions = float64(bufs*perBuf) / time.Since(start).Seconds()

	h := miningHeader()
	never, err := pow.TargetFromBig(big.NewInt(0))
	if err != nil {
		return r, err
	}
	start = time.Now()
	if _, ok := pow.SearchPlain(h, &never, 0, uint64(nonces)); ok {
		return r, errors.New("the plain loop met a target of 0")
	}
	r.Plain = float64(nonces) / time.Since(start).Seconds()

	if r.One, err = minerRate(h, 1, nonces); err != nil {
		return r, err
	}
	r.All, err = minerRate(h, cores, 2*nonces*cores)
	return r, err
}

// miningHeader is a header whose bits no hash meets (a target of 1), so
// the miner runs until it is stopped.
func miningHeader() blocks.Header {
	h := blocks.DevNet.Genesis.Header
	h.Bits = 0x01010000
	return h
}

// minerRate runs the miner itself (pow.MineHeader) on threads until it
// has tried at least nonces, and returns its hashes per second.
func minerRate(h blocks.Header, threads, nonces int) (float64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	start := time.Now()
	res, err := pow.MineHeader(ctx, &h, pow.Config{
		Threads: threads,
		Now:     func() time.Time { return h.Timestamp().Add(time.Hour) },
		Progress: func(n uint64) {
			if n >= uint64(nonces) {
				cancel()
			}
		},
	})
	elapsed := time.Since(start)
	if !errors.Is(err, context.Canceled) {
		return 0, fmt.Errorf("the miner stopped early: %v", err)
	}
	return float64(res.Hashes) / elapsed.Seconds(), nil
}
