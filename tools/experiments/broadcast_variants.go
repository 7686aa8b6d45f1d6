package main

import (
	"fmt"
	"time"

	broadcast "peerchain/chapters/06-broadcast"
	"peerchain/tools/experiments/chart"
)

// glomersVariant is one way to run the challenge: the protocol's config
// and the overlay's shape.
type glomersVariant struct {
	name                 string
	cfg                  func() broadcast.Config
	outbound, maxInbound int // 0: the challenge's defaults
}

// withPolicy is the default config with another policy.
func withPolicy(p broadcast.Policy) func() broadcast.Config {
	return func() broadcast.Config {
		c := broadcast.DefaultConfig()
		c.Policy = p
		return c
	}
}

// docs:begin glomers-variants

// glomersVariants are the steps from flooding to the default, and two
// changes to the default, in the table's order.
var glomersVariants = []glomersVariant{
	{name: "flood", cfg: func() broadcast.Config {
		return broadcast.Config{Policy: broadcast.FloodPolicy{}, NoPrune: true}
	}},
	{name: "announce, 100 ms trickle", cfg: func() broadcast.Config {
		return broadcast.Config{NoPrune: true,
			Policy: broadcast.AnnouncePolicy{Delay: 100 * time.Millisecond}}
	}},
	{name: "trees, 40 ms on every hop", cfg: withPolicy(broadcast.PlumtreePolicy{
		PushDelay:     []time.Duration{40 * time.Millisecond},
		AnnounceDelay: broadcast.DefaultAnnounceDelay})},
	{name: "trees, none at the publisher, then 45 ms", cfg: withPolicy(
		broadcast.PlumtreePolicy{
			PushDelay:     []time.Duration{0, 45 * time.Millisecond},
			AnnounceDelay: broadcast.DefaultAnnounceDelay})},
	{name: "the default: 0, 60, then 30 ms", cfg: broadcast.DefaultConfig},
	{name: "the default without the periodic inventory", cfg: func() broadcast.Config {
		c := broadcast.DefaultConfig()
		c.NoSync = true
		return c
	}},
	{name: "the default on a sparser overlay: 2 outbound, 6 inbound",
		cfg: broadcast.DefaultConfig, outbound: 2, maxInbound: 6},
}

// docs:end glomers-variants

// glomersVariantRuns is how many seeds each variant runs by default.
const glomersVariantRuns = 3

var broadcastGlomersVariants = Experiment{
	Name:    "glomers-variants",
	Summary: "the Gossip Glomers challenge, flooding to the default protocol step by step",
	Docs:    "06-glomers-variants",
	Run:     runGlomersVariants,
}

func runGlomersVariants(opts Options) (*Result, error) {
	runs := glomersVariantRuns
	if opts.Runs > 0 {
		runs = opts.Runs
	}
	return glomersVariantsTable(broadcast.GlomersConfig{}, glomersVariants, runs)
}

// glomersVariantsTable runs each variant on runs seeds and tabulates
// the medians.
func glomersVariantsTable(base broadcast.GlomersConfig, variants []glomersVariant, runs int) (*Result, error) {
	res := &Result{
		Title: fmt.Sprintf("Gossip Glomers, step by step: %d nodes, %v latency, %d ops/s",
			broadcast.GlomersNodes, broadcast.GlomersLatency, broadcast.GlomersRate),
		Columns: []Column{
			{Key: "variant", Header: "#"},
			{Key: "msgs_per_op", Header: "msgs-per-op", Decimals: 2},
			{Key: "median_ms", Header: "median ms"},
			{Key: "max_ms", Header: "max ms"},
			{Key: "missing", Header: "missing"},
		},
		Chart: &chart.Chart{
			Title:  "Gossip Glomers, step by step: each variant against the goal",
			XLabel: "msgs-per-op", YLabel: "median to every node (ms)",
		},
	}
	for i, v := range variants {
		var msgs, mid, hi []float64
		missing := 0
		for seed := range runs {
			cfg := base
			cfg.Seed, cfg.Broadcast = uint64(seed+1), v.cfg()
			cfg.Outbound, cfg.MaxInbound = v.outbound, v.maxInbound
			g, err := broadcast.Glomers(cfg)
			if err != nil {
				return nil, fmt.Errorf("%s, seed %d: %w", v.name, seed+1, err)
			}
			msgs = append(msgs, g.MsgsPerOp)
			mid = append(mid, float64(g.Median.Milliseconds()))
			hi = append(hi, float64(g.Max.Milliseconds()))
			missing += g.Missing
		}
		_, m, _ := minMedianMax(msgs)
		_, md, _ := minMedianMax(mid)
		_, mx, _ := minMedianMax(hi)
		res.Rows = append(res.Rows, []float64{float64(i + 1), m, md, mx, float64(missing)})
		res.Notes = append(res.Notes, fmt.Sprintf("%d %s", i+1, v.name))
		res.Chart.Series = append(res.Chart.Series, chart.Series{
			Name: fmt.Sprintf("%d %s", i+1, v.name), Dots: true,
			Points: []chart.Point{{X: m, Y: md}}})
	}
	goal := broadcast.GlomersGoal
	res.Chart.Series = append(res.Chart.Series, chart.Series{
		Name: fmt.Sprintf("the goal: msgs-per-op %s %.0f, median %s %v",
			goal.Sign(), goal.MsgsPerOp, goal.Sign(), goal.Median),
		Line: true, Dashed: true,
		Points: []chart.Point{{X: 0, Y: ms(goal.Median)},
			{X: goal.MsgsPerOp, Y: ms(goal.Median)}, {X: goal.MsgsPerOp, Y: 0}}})
	res.Notes = append(res.Notes,
		fmt.Sprintf("Medians of %d seeds. missing: items that never reached", runs),
		"every node, in all runs. Trees: the chapter's PlumtreePolicy,",
		"waits by the hops an item has come.")
	return res, nil
}
