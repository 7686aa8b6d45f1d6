package main

import (
	"fmt"
	"math"
	"strings"

	broadcast "peerchain/chapters/06-broadcast"
	"peerchain/tools/experiments/chart"
)

// glomersRuns is how many seeds each setting runs by default.
const glomersRuns = 5

var broadcastGlomers = Experiment{
	Name:    "glomers",
	Summary: "the Gossip Glomers broadcast challenge: msgs-per-op and latency against its bounds",
	Docs:    "06-glomers",
	Run:     runGlomers,
}

// docs:begin glomers

// runGlomers runs the challenge's setting with the default protocol
// over several seeds, without and with one node cut off for a while,
// and sets what it measured beside the challenge's bounds.
func runGlomers(opts Options) (*Result, error) {
	runs := glomersRuns
	if opts.Runs > 0 {
		runs = opts.Runs
	}
	return glomersTable(broadcast.GlomersConfig{}, runs)
}

// docs:end glomers

// glomersTable runs base, with each seed and both partition settings.
func glomersTable(base broadcast.GlomersConfig, runs int) (*Result, error) {
	res := &Result{
		Title: fmt.Sprintf("Gossip Glomers broadcast: %d nodes, %v latency, "+
			"%d ops/s for %v", broadcast.GlomersNodes, broadcast.GlomersLatency,
			broadcast.GlomersRate, broadcast.GlomersDuration),
		Columns: []Column{
			{Key: "partition", Header: "partition"},
			{Key: "seed", Header: "seed"},
			{Key: "msgs_per_op", Header: "msgs-per-op", Decimals: 2},
			{Key: "median_ms", Header: "median ms"},
			{Key: "max_ms", Header: "max ms"},
			{Key: "healed_ms", Header: "healed ms"},
		},
	}
	js := map[string]*glomersJSON{}
	res.Chart = &chart.Chart{
		Title:  "Gossip Glomers: slowest item against the challenge's bounds",
		XLabel: "msgs-per-op", YLabel: "slowest item to every node (ms)",
	}
	for _, part := range []bool{false, true} {
		var msgs, mid, hi []float64
		missing, conns := 0, 0
		summary := &glomersJSON{}
		dots := chart.Series{Name: "measured, no partition", Dots: true}
		if part {
			dots.Name = fmt.Sprintf("measured, one node cut off %v", broadcast.GlomersPartition)
		}
		for seed := range runs {
			cfg := base
			cfg.Seed, cfg.Partition = uint64(seed+1), part
			g, err := broadcast.Glomers(cfg)
			if err != nil {
				return nil, fmt.Errorf("seed %d, partition %v: %w", seed+1, part, err)
			}
			row := []float64{float64(boolInt(part)), float64(seed + 1),
				g.MsgsPerOp, float64(g.Median.Milliseconds()),
				float64(g.Max.Milliseconds()), float64(g.Healed.Milliseconds())}
			res.Rows = append(res.Rows, row)
			summary.Runs = append(summary.Runs, glomersFigures{Seed: seed + 1,
				MsgsPerOp: round2(g.MsgsPerOp), MedianMS: g.Median.Milliseconds(),
				MaxMS: g.Max.Milliseconds(), HealedMS: g.Healed.Milliseconds(),
				Missing: g.Missing})
			msgs, mid, hi = append(msgs, row[2]), append(mid, row[3]), append(hi, row[4])
			missing += g.Missing
			conns = max(conns, g.MaxConnections)
			dots.Points = append(dots.Points, chart.Point{X: row[2], Y: row[4]})
		}
		res.Chart.Series = append(res.Chart.Series, dots)
		summary.glomersFigures = medianFigures(summary.Runs)
		what, key := "no partition", "normal"
		if part {
			key = "partition"
			what = fmt.Sprintf("one node cut off for %v", broadcast.GlomersPartition)
		}
		js[key] = summary
		res.Notes = append(res.Notes,
			fmt.Sprintf("%s, min / median / max of %d seeds:", what, runs),
			"  msgs-per-op  "+spread(msgs, 2),
			"  median ms    "+spread(mid, 0),
			"  max ms       "+spread(hi, 0),
			fmt.Sprintf("  items that never reached every node: %d; most connections: %d",
				missing, conns),
			"  bounds met in every run: "+boundsMet(msgs, mid, hi, missing))
	}
	res.Notes = append(res.Notes, "Bounds (msgs-per-op, median, max), all three at once:")
	for _, b := range broadcast.GlomersBounds {
		res.Notes = append(res.Notes, fmt.Sprintf("  %-13s %s %2.0f, %s %v, %s %v",
			b.Name, b.Sign(), b.MsgsPerOp, b.Sign(), b.Median, b.Sign(), b.Max))
		res.Chart.Series = append(res.Chart.Series, chart.Series{
			Name: fmt.Sprintf("%s: %s %.0f msgs-per-op, max %s %v",
				b.Name, b.Sign(), b.MsgsPerOp, b.Sign(), b.Max),
			Line: true, Dashed: true,
			Points: []chart.Point{{X: 0, Y: ms(b.Max)}, {X: b.MsgsPerOp, Y: ms(b.Max)},
				{X: b.MsgsPerOp, Y: 0}},
		})
	}
	res.Notes = append(res.Notes,
		"msgs-per-op: messages between nodes (this chapter's) over all",
		"operations, reads included; median, max: time for a broadcast",
		"item to reach every node. partition: 1 with the last node cut off;",
		"healed: how long after the heal every node held every item.")
	res.JSON = js
	return res, nil
}

// glomersFigures are one run's figures in -json, or the medians of
// several runs.
type glomersFigures struct {
	Seed      int     `json:"seed,omitempty"`
	MsgsPerOp float64 `json:"msgs_per_op"`
	MedianMS  int64   `json:"median_ms"`
	MaxMS     int64   `json:"max_ms"`
	HealedMS  int64   `json:"healed_ms,omitempty"`
	Missing   int     `json:"missing"`
}

// glomersJSON is one setting in -json: the medians over the seeds, and
// each run.
type glomersJSON struct {
	glomersFigures
	Runs []glomersFigures `json:"runs"`
}

// medianFigures is each figure's median over the runs.
func medianFigures(runs []glomersFigures) glomersFigures {
	var msgs, mid, hi, healed []float64
	missing := 0
	for _, r := range runs {
		msgs, mid = append(msgs, r.MsgsPerOp), append(mid, float64(r.MedianMS))
		hi, healed = append(hi, float64(r.MaxMS)), append(healed, float64(r.HealedMS))
		missing += r.Missing
	}
	_, m, _ := minMedianMax(msgs)
	_, md, _ := minMedianMax(mid)
	_, mx, _ := minMedianMax(hi)
	_, h, _ := minMedianMax(healed)
	return glomersFigures{MsgsPerOp: round2(m), MedianMS: int64(md), MaxMS: int64(mx),
		HealedMS: int64(h), Missing: missing}
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }

// spread is "min / median / max" of values, which it sorts.
func spread(xs []float64, decimals int) string {
	lo, mid, hi := minMedianMax(xs)
	return formatNumber(lo, decimals) + " / " + formatNumber(mid, decimals) + " / " +
		formatNumber(hi, decimals)
}

// boundsMet names the bounds every run met, or says none did. A run
// that left an item short of some node meets none.
func boundsMet(msgs, median, maxMS []float64, missing int) string {
	var met []string
	for _, b := range broadcast.GlomersBounds {
		ok := missing == 0
		for i := range msgs {
			ok = ok && b.Within(msgs[i], b.MsgsPerOp) &&
				b.Within(median[i], ms(b.Median)) && b.Within(maxMS[i], ms(b.Max))
		}
		if ok {
			met = append(met, b.Name)
		}
	}
	if len(met) == 0 {
		return "none"
	}
	return strings.Join(met, ", ")
}
