package main

import (
	"fmt"
)

// measure runs every pair and builds the report.
func measure(o options) (*Report, error) {
	rep := newReport(o.runs)
	sim, bare, allocs, rate, err := simPair(o.nodes, o.runs)
	if err != nil {
		return nil, err
	}
	ratio := make([]float64, len(sim))
	for i := range sim {
		ratio[i] = sim[i] / bare[i]
	}
	r, a := stat(ratio), stat(allocs)
	rep.Figures = append(rep.Figures,
		Figure{Name: fmt.Sprintf("push gossip, %d nodes: events/s", o.nodes), Value: stat(rate), Unit: "events/s", Goal: "(report)"},
		Figure{Name: "simulator ÷ bare event loop, ns per event", Value: r, Unit: "×", Goal: "≤ 2×", Met: met(r.Median <= 2),
			Note: fmt.Sprintf("simulator %s, bare loop %s", fmtStat(stat(sim), "ns"), fmtStat(stat(bare), "ns"))},
		Figure{Name: "allocations per event", Value: a, Unit: "", Goal: "≤ 0.5", Met: met(a.Median <= 0.5)},
	)

	// Bytes per node and cost per event across sizes: one process each.
	var rows []Row
	sizes := o.sweeps
	if o.scale {
		sizes = o.sizes
	}
	for _, n := range sizes {
		row, err := childRow(n)
		if err != nil {
			return nil, err
		}
		rows = append(rows, row)
	}
	if len(rows) > 0 {
		big, small := rows[len(rows)-1], rows[0]
		bpn := Stat{Min: big.BytesPerNode, Median: big.BytesPerNode, Max: big.BytesPerNode}
		rep.Figures = append(rep.Figures, Figure{
			Name:  fmt.Sprintf("bytes per node, any-to-any push gossip (peak RSS ÷ n, n = %d)", big.Nodes),
			Value: bpn, Unit: "B", Goal: "≤ 300 B", Met: met(big.BytesPerNode <= 300),
			Note: fmt.Sprintf("peak RSS %.0f MB (goal at 1 M nodes: under 400 MB)", float64(big.PeakRSS)/1e6)})
		c := small.EventsPerSec / big.EventsPerSec
		rep.Figures = append(rep.Figures, Figure{
			Name:  fmt.Sprintf("cost per event, %d → %d nodes", small.Nodes, big.Nodes),
			Value: Stat{Min: c, Median: c, Max: c}, Unit: "×", Goal: "≤ 1.5×", Met: met(c <= 1.5),
			Note: "one run per size, in its own process"})
		if o.scale {
			rep.Scale = rows
		}
	}

	figs, err := realFigures(o)
	if err != nil {
		return nil, err
	}
	rep.Figures = append(rep.Figures, figs...)
	rep.LoadEnd = loadavg()
	return rep, nil
}
