package main

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	transactions "peerchain/chapters/07-transactions"
	"peerchain/tools/experiments/chart"
)

// originRuns is how many seeds each mode runs by default.
const originRuns = 5

var transactionsOrigin = Experiment{
	Name:    "origin",
	Summary: "a spy on every node guesses each transaction's origin: flooding, batching, Dandelion",
	Docs:    "07-origin",
	Run:     runOrigin,
}

// docs:begin origin

// runOrigin runs each way to relay over the same seeds, and sets the
// spy's precision beside what the privacy costs in latency.
func runOrigin(opts Options) (*Result, error) {
	runs := originRuns
	if opts.Runs > 0 {
		runs = opts.Runs
	}
	return originTable(transactions.OriginConfig{}, runs)
}

// docs:end origin

// originRunAll runs every mode with every seed, as many at once as
// there are CPUs: each run is a network of its own, seeded, so the
// results are the same in any order. They come back by mode, then seed.
func originRunAll(base transactions.OriginConfig, runs int) ([][]transactions.OriginResult, error) {
	modes := transactions.OriginModes
	out := make([][]transactions.OriginResult, len(modes))
	errs := make([][]error, len(modes))
	for i := range modes {
		out[i], errs[i] = make([]transactions.OriginResult, runs), make([]error, runs)
	}
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, mode := range modes {
		for seed := range runs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				slots <- struct{}{}
				defer func() { <-slots }()
				cfg := base
				cfg.Mode, cfg.Seed = mode, uint64(seed+1)
				out[i][seed], errs[i][seed] = originOne(cfg)
			}()
		}
	}
	wg.Wait()
	for i, mode := range modes {
		for seed, err := range errs[i] {
			if err != nil {
				return nil, fmt.Errorf("%s, seed %d: %w", mode, seed+1, err)
			}
		}
	}
	return out, nil
}

// originOne is one run, which must have measured every transaction.
func originOne(cfg transactions.OriginConfig) (transactions.OriginResult, error) {
	res, err := transactions.Origin(cfg)
	if err != nil {
		return res, err
	}
	return res, originComplete(res)
}

// originComplete says what a run missed: a transaction that never
// reached every node (an overlay split in two), or one the spy never
// heard of, would make its figures mean less than they say.
func originComplete(res transactions.OriginResult) error {
	switch {
	case res.Missing > 0:
		return fmt.Errorf("%d of %d transactions never reached every node", res.Missing, res.Txs)
	case res.Seen < res.Txs:
		return fmt.Errorf("the spy heard of %d of %d transactions", res.Seen, res.Txs)
	}
	return nil
}

// originTable runs base in every mode, with each seed, and tabulates
// it: a row per mode, and a dot per run on the chart.
func originTable(base transactions.OriginConfig, runs int) (*Result, error) {
	all, err := originRunAll(base, runs)
	if err != nil {
		return nil, err
	}
	nodes, txs := base.Nodes, base.Txs
	if nodes == 0 {
		nodes = transactions.OriginNodes
	}
	if txs == 0 {
		txs = transactions.OriginTxs
	}
	res := &Result{
		Title: fmt.Sprintf("Origin privacy: a spy on each of %d nodes, %d transactions;"+
			" latency %s", nodes, txs, transactions.OriginLatency),
		Columns: []Column{
			{Key: "mode", Header: "#"},
			{Key: "precision_min", Header: "precision min", Decimals: 2},
			{Key: "precision_median", Header: "median", Decimals: 2},
			{Key: "precision_max", Header: "max", Decimals: 2},
			{Key: "median_ms", Header: "latency median ms"},
			{Key: "max_ms", Header: "latency max ms"},
		},
		Chart: &chart.Chart{
			Title:  "The spy's precision against the time to reach every node",
			XLabel: "median time to reach every node (ms)",
			YLabel: "spy's precision (share of guesses right)",
		},
	}
	js := map[string]*originJSON{}
	for i, mode := range transactions.OriginModes {
		summary := &originJSON{}
		var precision, median []float64
		var slowest time.Duration
		dots := chart.Series{Name: string(mode), Dots: true}
		for seed, r := range all[i] {
			precision = append(precision, r.Precision)
			median = append(median, ms(r.Median))
			slowest = max(slowest, r.Max)
			dots.Points = append(dots.Points, chart.Point{X: ms(r.Median), Y: r.Precision})
			summary.Runs = append(summary.Runs, originFigures{Seed: seed + 1,
				Precision: round2(r.Precision), MedianMS: r.Median.Milliseconds(),
				MaxMS: r.Max.Milliseconds()})
		}
		lo, mid, hi := minMedianMax(precision)
		_, latency, _ := minMedianMax(median)
		res.Rows = append(res.Rows, []float64{float64(i + 1), lo, mid, hi,
			math.Round(latency), float64(slowest.Milliseconds())})
		res.Chart.Series = append(res.Chart.Series, dots)
		summary.PrecisionMin, summary.PrecisionMedian = round2(lo), round2(mid)
		summary.PrecisionMax = round2(hi)
		summary.MedianMS, summary.MaxMS = int64(math.Round(latency)), slowest.Milliseconds()
		js[string(mode)] = summary
	}
	res.Notes = append(res.Notes,
		"1 flood: every node pushes each transaction to every peer at once",
		fmt.Sprintf("2 batched: announced on a trickle (mean %v), then fetched",
			transactions.DefaultAnnounceDelay),
		fmt.Sprintf("3 dandelion: a stem first (each hop ends it with chance %.1f),",
			transactions.DefaultFluff),
		"  then batched",
		fmt.Sprintf("precision: of each run's %d transactions, the share whose first", txs),
		"announcer to the spy was its origin; min / median / max of "+
			fmt.Sprintf("%d seeds", runs),
		fmt.Sprintf("(a guess at random: %.2f). latency: from submission until", 1/float64(nodes)),
		"every node's mempool held it, the median of the runs' medians",
		"and the slowest of all. Batching helps the spy here: every node",
		"but the origin fetches a transaction before it announces it.")
	res.JSON = js
	return res, nil
}

// originFigures are one run's figures in -json.
type originFigures struct {
	Seed      int     `json:"seed"`
	Precision float64 `json:"precision"`
	MedianMS  int64   `json:"median_ms"`
	MaxMS     int64   `json:"max_ms"`
}

// originJSON is one mode in -json: its row, and each run.
type originJSON struct {
	PrecisionMin    float64         `json:"precision_min"`
	PrecisionMedian float64         `json:"precision_median"`
	PrecisionMax    float64         `json:"precision_max"`
	MedianMS        int64           `json:"median_ms"`
	MaxMS           int64           `json:"max_ms"`
	Runs            []originFigures `json:"runs"`
}
