package main

import (
	"fmt"
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	"peerchain/tools/experiments/chart"
)

// Churn's network: every minute a tenth of the nodes leave and the
// tenth that left the minute before come back, for an hour.
const (
	churnNodes    = 1000
	churnSeeds    = 3 // the seeds stay up
	churnShare    = 0.1
	churnMinutes  = 10 // the docs run; -minutes 60 runs the hour the page quotes
	churnRowEvery = 5  // minutes per row of the table
)

var discoveryChurn = Experiment{
	Name:    "churn",
	Summary: "1,000 nodes, a tenth leaving and joining every minute for an hour",
	Docs:    "05-churn",
	Run:     runChurn,
}

// churnSaved is what a node that left keeps for when it comes back.
type churnSaved struct {
	book    discovery.BookSnapshot
	anchors []simulation.Addr
	bans    []discovery.Ban
}

// docs:begin churn

// runChurn bootstraps 1,000 nodes, then every minute crashes a tenth
// of them, chosen at random, and restarts the tenth crashed the minute
// before with the book and anchors they saved. Each minute it counts
// the dials that failed, and checks the overlay of the nodes that are
// up.
func runChurn(opts Options) (*Result, error) {
	minutes := churnMinutes
	if opts.Minutes > 0 {
		minutes = opts.Minutes
	}
	return churnRun(churnNodes, minutes, 1)
}

// docs:end churn

// churnRun is one run of n nodes for the given minutes.
func churnRun(nodes, minutes int, seed uint64) (*Result, error) {
	res := &Result{
		Title: fmt.Sprintf("Churn: %s nodes, a tenth leave and join every minute", formatNumber(float64(nodes), 0)),
		Columns: []Column{
			{Key: "minute", Header: "minutes"},
			{Key: "up", Header: "nodes up"},
			{Key: "dials", Header: "dials"},
			{Key: "failed", Header: "failed", Decimals: 3},
			{Key: "largest", Header: "largest part", Decimals: 3},
			{Key: "full", Header: "full", Decimals: 3},
		},
		Notes: []string{
			"Each row: the last 5 minutes. dials: outbound dials made;",
			"failed: the share that failed (most to nodes that had left);",
			"largest part: share of the nodes up in the overlay's largest",
			"connected part, at the end of the row (1 is connected);",
			"full: share of the nodes up with all 8 outbound connections.",
		},
	}
	failedSeries := chart.Series{Name: "failed dials", Line: true, Dots: true}
	largestSeries := chart.Series{Name: "largest connected part", Line: true, Dashed: true}

	reg, err := discoveryRegistry()
	if err != nil {
		return nil, err
	}
	var seeds []simulation.Addr
	for i := range churnSeeds {
		seeds = append(seeds, honestAddr(simulation.NodeID(i)))
	}
	var dials, failed int
	build := func(id simulation.NodeID, s *churnSaved, r *rand.Rand) simulation.Machine {
		cfg := discovery.NodeConfig{Conn: discovery.ConnConfig{Self: honestAddr(id), Seeds: seeds}}
		if s != nil {
			cfg.Restore, cfg.Conn.Anchors, cfg.Conn.Bans = &s.book, s.anchors, s.bans
		}
		n, err := discovery.NewNode(cfg, r)
		if err != nil {
			panic(err) // the experiment's own config: valid
		}
		return counted{Machine: n, dials: &dials, failed: &failed}
	}
	net, err := simulation.New(simulation.Config{
		Nodes: nodes, Seed: seed, Topology: simulation.NoLinks(),
		Latency: discoveryLatency, Registry: reg, Address: honestAddr, MaxEmitted: 1,
	}, func(id simulation.NodeID, r *rand.Rand) simulation.Machine { return build(id, nil, r) })
	if err != nil {
		return nil, err
	}
	pick := rand.New(rand.NewPCG(seed, 99)) // who leaves: the experiment's choice
	saved := map[simulation.NodeID]*churnSaved{}
	var away []simulation.NodeID // who left a minute ago
	rowDials, rowFailed := 0, 0
	for minute := 1; minute <= minutes; minute++ {
		dials, failed = 0, 0
		if err := net.RunFor(time.Minute); err != nil {
			return nil, err
		}
		rowDials, rowFailed = rowDials+dials, rowFailed+failed
		up, full := 0, 0
		for id := range nodes {
			if n := nodeOf(net.Machine(simulation.NodeID(id))); n != nil {
				up++
				if len(n.Outbound()) >= discovery.DefaultOutboundTarget {
					full++
				}
			}
		}
		largest := largestComponent(overlay(net, nodes))
		minuteFailed := float64(failed) / float64(max(dials, 1))
		failedSeries.Points = append(failedSeries.Points, chart.Point{X: float64(minute), Y: minuteFailed})
		largestSeries.Points = append(largestSeries.Points, chart.Point{X: float64(minute), Y: largest})
		if minute%churnRowEvery == 0 {
			res.Rows = append(res.Rows, []float64{float64(minute), float64(up), float64(rowDials),
				float64(rowFailed) / float64(max(rowDials, 1)), largest, float64(full) / float64(up)})
			rowDials, rowFailed = 0, 0
		}
		if minute == minutes {
			break
		}
		// Those who left a minute ago come back; another tenth leaves.
		for _, id := range away {
			s := saved[id]
			delete(saved, id)
			err := net.RestartWith(id, func(id simulation.NodeID, _ int, r *rand.Rand) simulation.Machine {
				return build(id, s, r)
			})
			if err != nil {
				return nil, err
			}
		}
		away = away[:0]
		for len(away) < int(churnShare*float64(nodes)) {
			id := simulation.NodeID(churnSeeds + pick.IntN(nodes-churnSeeds))
			n := nodeOf(net.Machine(id))
			if n == nil {
				continue // down already
			}
			saved[id] = &churnSaved{book: n.Book().Snapshot(), anchors: n.Anchors(), bans: n.Bans(net.Now())}
			if err := net.Crash(id); err != nil {
				return nil, err
			}
			away = append(away, id)
		}
	}
	res.Chart = &chart.Chart{
		Title:  fmt.Sprintf("Churn: %d nodes, %.0f%% leave and join every minute", nodes, 100*churnShare),
		XLabel: "minutes", YLabel: "share",
		Series: []chart.Series{failedSeries, largestSeries},
	}
	return res, nil
}
