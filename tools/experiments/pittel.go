package main

import (
	"fmt"
	"math"

	simulation "peerchain/chapters/04-simulation"
	"peerchain/tools/experiments/chart"
)

// pittelSizes are the network sizes measured, with how many seeded runs
// each gets: fewer for the big ones, whose spread varies less.
var pittelSizes = []struct{ nodes, runs int }{
	{100, 400},
	{1000, 100},
	{10000, 40},
}

var pittel = Experiment{
	Name:    "pittel",
	Summary: "push rumor spreading: rounds to inform n nodes, against Pittel's log2 n + ln n",
	Docs:    "04-pittel",
	Run:     runPittel,
}

// docs:begin pittel

// runPittel spreads a rumor over n nodes many times, each run with its
// own seed, and compares the mean number of rounds with Pittel's
// log2(n) + ln(n).
func runPittel(opts Options) (*Result, error) {
	res := &Result{
		Title: "Push rumor spreading: any-to-any, one random peer per round",
		Columns: []Column{
			{Key: "n", Header: "n"},
			{Key: "runs", Header: "runs"},
			{Key: "rounds", Header: "rounds", Decimals: 2},
			{Key: "sd", Header: "sd", Decimals: 2},
			{Key: "theory", Header: "log2 n + ln n", Decimals: 2},
		},
		Notes: []string{
			"rounds: mean rounds until every node knows the rumor;",
			"sd: its standard deviation over the runs.",
		},
	}
	measured := chart.Series{Name: "measured (mean ± sd)", Dots: true}
	theory := chart.Series{Name: "log2 n + ln n", Line: true, Dashed: true}
	for _, size := range pittelSizes {
		runs := size.runs
		if opts.Runs > 0 {
			runs = opts.Runs
		}
		rounds := make([]float64, runs)
		for i := range runs {
			r, err := simulation.Spread(simulation.SpreadConfig{
				Nodes: size.nodes, Seed: uint64(i + 1)})
			if err != nil {
				return nil, err
			}
			if r.Informed != size.nodes {
				return nil, fmt.Errorf("n=%d seed %d: %d nodes informed",
					size.nodes, i+1, r.Informed)
			}
			rounds[i] = r.Rounds
		}
		n := float64(size.nodes)
		mean, sd := meanSD(rounds)
		want := math.Log2(n) + math.Log(n)
		res.Rows = append(res.Rows,
			[]float64{n, float64(runs), mean, sd, want})
		measured.Points = append(measured.Points,
			chart.Point{X: n, Y: mean, Err: sd})
	}
	for n := 100.0; n <= 10000; n *= math.Sqrt(math.Sqrt(10)) {
		theory.Points = append(theory.Points,
			chart.Point{X: n, Y: math.Log2(n) + math.Log(n)})
	}
	res.Chart = &chart.Chart{
		Title:  "Rounds of push gossip to inform every node",
		XLabel: "nodes (log scale)", YLabel: "rounds", LogX: true,
		Series: []chart.Series{measured, theory},
	}
	return res, nil
}

// docs:end pittel

func meanSD(xs []float64) (mean, sd float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		sd += (x - mean) * (x - mean)
	}
	if len(xs) > 1 {
		sd = math.Sqrt(sd / float64(len(xs)-1))
	}
	return mean, sd
}
