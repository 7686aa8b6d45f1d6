package main

import (
	"fmt"
	"math"
	"runtime"
	"sync"
	"time"

	simulation "peerchain/chapters/04-simulation"
	forkchoice "peerchain/chapters/10-forkchoice"
	"peerchain/tools/experiments/chart"
)

// forks (chapter 10) mines on a simulated network with blocks ever
// closer together, against the time a block takes to reach the other
// nodes, and counts the blocks that end off the winning chain.
var forkchoiceForks = Experiment{
	Name:    "forks",
	Summary: "stale blocks against block interval ÷ propagation delay (chapter 10)",
	Docs:    "10-forks",
	Run:     func(o Options) (*Result, error) { return forksTable(forksSetup(), o.Runs) },
}

// The network every setting runs on.
const (
	forksNodes     = 25
	forksDegree    = 8
	forksBlocks    = 3000     // mined per setting, for the stale rate
	forksCalBlocks = 200      // mined to measure Δ before the settings run
	forksBigBlock  = 1 << 20  // bytes: a full Bitcoin block of 2013
	forksBandwidth = 10 << 20 // bytes a second, each link
	forksSeed      = 1
)

// forksLatency is each message's delay on a link: a median of 100 ms
// with a moderate tail, as between hosts on one continent.
var forksLatency = simulation.LogNormal{Median: 100 * time.Millisecond, Sigma: 0.5}

// forksBitcoin is Decker and Wattenhofer's Bitcoin of 2013: T 600 s,
// and 12.6 s for a block to reach a node, on average.
const forksBitcoinT, forksBitcoinDelay = 600.0, 12.6

// forksSetting is one row: a block size, and T as a multiple of the Δ
// measured for that size.
type forksSetting struct {
	size  int     // BlockSize: 0 is the block's own encoding
	ratio float64 // T ÷ Δ aimed at
}

// forksConfig is what the experiment runs: its settings and the
// blocks each mines. A test runs it smaller.
type forksConfig struct {
	nodes, blocks, calBlocks int
	settings                 []forksSetting
}

func forksSetup() forksConfig {
	var s []forksSetting
	for _, size := range []int{0, forksBigBlock} {
		for _, r := range []float64{2, 5, 10, 20, forksBitcoinT / forksBitcoinDelay, 100} {
			s = append(s, forksSetting{size: size, ratio: r})
		}
	}
	return forksConfig{nodes: forksNodes, blocks: forksBlocks, calBlocks: forksCalBlocks, settings: s}
}

// forksRun is one setting's run, measured.
type forksRun struct {
	setting  forksSetting
	interval time.Duration
	stats    forkchoice.SimStats
}

// docs:begin forks

// forksOnce mines about blocks blocks, one every interval, then lets
// the network settle on one tip and sums up what it saw.
func forksOnce(nodes, size int, interval time.Duration,
	blocks int) (forkchoice.SimStats, error) {
	var none forkchoice.SimStats
	cfg := forkchoice.SimConfig{
		Nodes: nodes, Degree: forksDegree, Seed: forksSeed,
		Interval: interval, Latency: forksLatency,
		BlockSize: size, Bandwidth: forksBandwidth,
		MineFor: time.Duration(blocks) * interval,
	}
	s, err := forkchoice.NewSimNet(cfg)
	if err != nil {
		return none, err
	}
	if err := s.Run(cfg.MineFor); err != nil {
		return none, err
	}
	agree, err := s.Settle(time.Hour)
	switch {
	case err != nil:
		return none, err
	case !agree:
		return none, fmt.Errorf("%d-byte blocks every %v: no agreement",
			size, interval)
	}
	st := s.Stats()
	if st.Missing > 0 {
		return st, fmt.Errorf("%d-byte blocks every %v: %d arrivals missing",
			size, interval, st.Missing)
	}
	return st, nil
}

// docs:end forks

// forksTable measures Δ for each block size with blocks far apart,
// then runs every setting, as many at once as there are CPUs.
func forksTable(fc forksConfig, _ int) (*Result, error) {
	delay := make(map[int]time.Duration)
	for _, st := range fc.settings {
		if _, ok := delay[st.size]; ok {
			continue
		}
		cal, err := forksOnce(fc.nodes, st.size, time.Minute, fc.calBlocks)
		if err != nil {
			return nil, err
		}
		delay[st.size] = cal.MeanDelay
	}
	runs := make([]forksRun, len(fc.settings))
	errs := make([]error, len(fc.settings))
	var wg sync.WaitGroup
	slots := make(chan struct{}, runtime.GOMAXPROCS(0))
	for i, st := range fc.settings {
		wg.Add(1)
		go func() {
			defer wg.Done()
			slots <- struct{}{}
			defer func() { <-slots }()
			interval := time.Duration(st.ratio * float64(delay[st.size])).Round(time.Millisecond)
			runs[i].setting, runs[i].interval = st, interval
			runs[i].stats, errs[i] = forksOnce(fc.nodes, st.size, interval, fc.blocks)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return forksResult(fc, runs), nil
}

// forksResult tabulates the runs, and draws the stale rate measured
// beside the model's against Δ ÷ T.
func forksResult(fc forksConfig, runs []forksRun) *Result {
	res := &Result{
		Title: fmt.Sprintf("Stale blocks: %d miners of equal hash power, %d peers each,"+
			" latency %s, %s links; about %d blocks a row",
			fc.nodes, forksDegree, forksLatency, forksBandwidthText(), fc.blocks),
		Columns: []Column{
			{Key: "block_kb", Header: "block KB", Decimals: 1},
			{Key: "interval_s", Header: "T s", Decimals: 2},
			{Key: "delay_ms", Header: "Δ ms"},
			{Key: "t_over_delay", Header: "T/Δ", Decimals: 1},
			{Key: "mined", Header: "mined"},
			{Key: "stale_pct", Header: "stale %", Decimals: 2},
			{Key: "stale_se_pct", Header: "±", Decimals: 2},
			{Key: "model_pct", Header: "1−e^(−Δ/T) %", Decimals: 2},
			{Key: "reorgs", Header: "reorgs"},
			{Key: "max_depth", Header: "deepest"},
		},
		Chart: &chart.Chart{
			Title:  "Stale blocks against propagation delay ÷ block interval",
			XLabel: "Δ ÷ T (mean propagation delay ÷ block interval)",
			YLabel: "stale blocks, % of mined",
			LogX:   true,
		},
	}
	measured := map[int]*chart.Series{}
	var order []int
	lo, hi := math.Inf(1), 0.0
	for _, r := range runs {
		st := r.stats
		d, T := st.MeanDelay.Seconds(), r.interval.Seconds()
		p := st.StaleRate
		se := math.Sqrt(p * (1 - p) / float64(st.Mined))
		res.Rows = append(res.Rows, []float64{float64(st.BlockBytes) / 1024, T, d * 1000, T / d,
			float64(st.Mined), 100 * p, 100 * se, 100 * forkchoice.StaleModel(st.MeanDelay, r.interval),
			float64(st.Reorgs), float64(st.MaxReorg)})
		s, ok := measured[r.setting.size]
		if !ok {
			name := "measured, coinbase-only blocks"
			if r.setting.size > 0 {
				name = fmt.Sprintf("measured, %d KB blocks", r.setting.size/1024)
			}
			s = &chart.Series{Name: name, Dots: true}
			measured[r.setting.size] = s
			order = append(order, r.setting.size)
		}
		s.Points = append(s.Points, chart.Point{X: d / T, Y: 100 * p, Err: 100 * se})
		lo, hi = math.Min(lo, d/T), math.Max(hi, d/T)
	}
	model := chart.Series{Name: "model 1 − e^(−Δ/T)", Line: true, Dashed: true}
	for x := lo; x <= hi*1.0001; x *= math.Pow(hi/lo, 1.0/32) {
		model.Points = append(model.Points, chart.Point{X: x, Y: 100 * (1 - math.Exp(-x))})
	}
	for _, size := range order {
		res.Chart.Series = append(res.Chart.Series, *measured[size])
	}
	res.Chart.Series = append(res.Chart.Series, model)
	res.Notes = []string{
		"Δ: a block's mean arrival delay at the other nodes, mined to taken in; T: the mean block interval",
		"stale: blocks mined but not on the chain every node ends on, ÷ blocks mined (± one standard error)",
		"reorgs: every node's reorganisations in all; deepest: the most blocks one took off",
		fmt.Sprintf("T/Δ ≈ %.1f is Bitcoin in 2013 (Decker and Wattenhofer, \"Information Propagation in the"+
			" Bitcoin Network\", IEEE P2P 2013):", forksBitcoinT/forksBitcoinDelay),
		fmt.Sprintf("  T 600 s and a mean of %.1f s for a block to reach a node give a model rate of %.2f %%",
			forksBitcoinDelay, 100*(1-math.Exp(-forksBitcoinDelay/forksBitcoinT))),
		"Links carry each block whole to every peer (no inv/getdata, no compact blocks); a block's",
		"  transactions are not simulated, only their bytes on the wire.",
	}
	return res
}

func forksBandwidthText() string {
	return fmt.Sprintf("%d MB/s", forksBandwidth>>20)
}
