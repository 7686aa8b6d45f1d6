package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	"peerchain/tools/experiments/chart"
)

// Bootstrap's network: how many nodes, how many of them seeds, and how
// long a run may take in virtual time before it counts as stuck.
const (
	bootstrapNodes = 1000
	bootstrapSeeds = 3
	bootstrapRuns  = 1
	bootstrapLimit = 10 * time.Minute
	bootstrapStep  = time.Second // how often the curve is sampled
)

var discoveryBootstrap = Experiment{
	Name:    "bootstrap",
	Summary: "1,000 nodes from 3 seeds: time to full outbound sets, degrees, diameter",
	Docs:    "05-bootstrap",
	Run:     runBootstrap,
}

// docs:begin bootstrap

// runBootstrap starts 1,000 nodes that know only 3 seeds, all at once,
// and runs until every node has its 8 outbound connections. It reports
// when that happened, whether the overlay is connected, the spread of
// degrees (inbound and outbound together) and the diameter.
func runBootstrap(opts Options) (*Result, error) {
	runs := bootstrapRuns
	if opts.Runs > 0 {
		runs = opts.Runs
	}
	res := &Result{
		Title: "Bootstrap: 1,000 nodes from 3 seeds, 8 outbound each",
		Columns: []Column{
			{Key: "seed", Header: "seed"},
			{Key: "full", Header: "all full (s)", Decimals: 1},
			{Key: "half", Header: "half full (s)", Decimals: 1},
			{Key: "connected", Header: "connected"},
			{Key: "degmin", Header: "degree min"},
			{Key: "degmedian", Header: "median"},
			{Key: "degmax", Header: "max"},
			{Key: "diameter", Header: "diameter"},
		},
		Notes: []string{
			"all full, half full: virtual seconds until every node, and half",
			"of them, had 8 outbound connections; connected: 1 if the overlay",
			"is one component; degree: connections per node, both ways;",
			"diameter: the most hops between two nodes.",
		},
	}
	res.Chart = &chart.Chart{
		Title:  "Nodes with their full outbound set",
		XLabel: "virtual seconds since start", YLabel: "share of nodes",
	}
	for seed := range runs {
		row, curve, err := bootstrapRun(bootstrapNodes, uint64(seed+1))
		if err != nil {
			return nil, err
		}
		res.Rows = append(res.Rows, row)
		if seed < 3 {
			res.Chart.Series = append(res.Chart.Series, curve)
		}
	}
	return res, nil
}

// docs:end bootstrap

// bootstrapRun is one run of n nodes.
func bootstrapRun(nodes int, seed uint64) ([]float64, chart.Series, error) {
	reg, err := discoveryRegistry()
	if err != nil {
		return nil, chart.Series{}, err
	}
	var seeds []simulation.Addr
	for i := range bootstrapSeeds {
		seeds = append(seeds, honestAddr(simulation.NodeID(i)))
	}
	net, err := simulation.New(simulation.Config{
		Nodes: nodes, Seed: seed, Topology: simulation.NoLinks(),
		Latency: discoveryLatency, Registry: reg, Address: honestAddr,
		MaxEmitted: 1,
	}, func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		n, err := discovery.NewNode(discovery.NodeConfig{Conn: discovery.ConnConfig{
			Self: honestAddr(id), Seeds: seeds}}, r)
		if err != nil {
			panic(err) // the config is the experiment's own, and valid
		}
		return n
	})
	if err != nil {
		return nil, chart.Series{}, err
	}
	curve := chart.Series{Name: fmt.Sprintf("seed %d", seed), Line: true}
	half := -1.0
	short := make(map[simulation.NodeID]bool, nodes) // not full yet
	for id := range nodes {
		short[simulation.NodeID(id)] = true
	}
	for net.Elapsed() < bootstrapLimit {
		if err := net.RunFor(bootstrapStep); err != nil {
			return nil, curve, err
		}
		for id := range short {
			if len(nodeOf(net.Machine(id)).Outbound()) >= discovery.DefaultOutboundTarget {
				delete(short, id) // once full, a node stays so: nothing churns here
			}
		}
		full := nodes - len(short)
		share := float64(full) / float64(nodes)
		curve.Points = append(curve.Points, chart.Point{X: net.Elapsed().Seconds(), Y: share})
		if half < 0 && share >= 0.5 {
			half = net.Elapsed().Seconds()
		}
		if full == nodes {
			break
		}
	}
	adj := overlay(net, nodes)
	var degrees []int
	for _, id := range slices.Sorted(mapsKeys(adj)) {
		degrees = append(degrees, len(adj[id]))
	}
	slices.Sort(degrees)
	diameter := 0
	connected := 1.0
	for id := range nodes {
		d := distances(adj, simulation.NodeID(id))
		if len(d) < nodes {
			connected = 0
		}
		for _, hops := range d {
			diameter = max(diameter, hops)
		}
	}
	return []float64{float64(seed), net.Elapsed().Seconds(), half, connected,
		float64(degrees[0]), float64(degrees[len(degrees)/2]),
		float64(degrees[len(degrees)-1]), float64(diameter)}, curve, nil
}
