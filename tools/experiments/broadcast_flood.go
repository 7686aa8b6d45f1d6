package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
	"peerchain/tools/experiments/chart"
)

// Flood-vs-announce's network and traffic: 1,000 nodes with 8 outbound
// links each, 50 ms on every link, items of a small transaction's size
// published at random nodes at a steady rate.
const (
	floodNodes    = 1000
	floodOutbound = 8
	floodLatency  = 50 * time.Millisecond
	floodItems    = 50  // measured, per run
	floodWarmup   = 10  // published first, not measured: the tree forms
	floodRate     = 20  // items a second, across the network
	floodItemSize = 250 // bytes
	floodRuns     = 1
	floodLimit    = time.Minute // for a phase to go quiet
)

// floodVariant is one way to relay: a policy and what goes with it.
type floodVariant struct {
	name string
	cfg  broadcast.Config
	// publishers, if not 0, is how many nodes publish: the first ones.
	// Otherwise every item comes from a node drawn at random.
	publishers int
}

// docs:begin flood-variants

// floodVariants are the ways compared, in the table's order. The
// periodic inventory is off in all of them: it is the partition
// experiment's subject, and costs a message per node a second whatever
// the traffic.
var floodVariants = []floodVariant{
	{"flood", broadcast.Config{Policy: broadcast.FloodPolicy{},
		NoPrune: true, NoSync: true}, 0},
	{"announce", broadcast.Config{Policy: broadcast.AnnouncePolicy{},
		NoPrune: true, NoSync: true}, 0},
	{"announce, 100 ms batches", broadcast.Config{
		Policy:  broadcast.AnnouncePolicy{Delay: 100 * time.Millisecond},
		NoPrune: true, NoSync: true}, 0},
	{"announce, 500 ms batches", broadcast.Config{
		Policy:  broadcast.AnnouncePolicy{Delay: 500 * time.Millisecond},
		NoPrune: true, NoSync: true}, 0},
	{"plumtree (default)", plumtreeNoSync(), 0},
	{"plumtree, 5 publishers", plumtreeNoSync(), 5},
}

func plumtreeNoSync() broadcast.Config {
	c := broadcast.DefaultConfig()
	c.NoSync = true
	return c
}

// docs:end flood-variants

var broadcastFlood = Experiment{
	Name:    "flood-vs-announce",
	Summary: "1,000 nodes: messages, bytes and time per item, flooding against announcing",
	Docs:    "06-flood",
	Run:     runFlood,
}

// docs:begin flood

// runFlood relays the same items over the same overlay in each way,
// and counts the chapter's messages and bytes per item and the time
// until an item has reached every node.
func runFlood(opts Options) (*Result, error) {
	runs := floodRuns
	if opts.Runs > 0 {
		runs = opts.Runs
	}
	return floodTable(floodNodes, floodItems, runs)
}

// docs:end flood

// floodOutcome is what one variant did, over all its runs.
type floodOutcome struct {
	msgs, bytes float64         // per item
	full        []float64       // ms until each item reached every node
	delays      []time.Duration // each delivery's, sorted
}

// floodTable runs every variant and tabulates it.
func floodTable(nodes, items, runs int) (*Result, error) {
	res := &Result{
		Title: fmt.Sprintf("Flooding against announcing: %s nodes, %d outbound each, %v links",
			formatNumber(float64(nodes), 0), floodOutbound, floodLatency),
		Columns: []Column{
			{Key: "variant", Header: "#"},
			{Key: "msgs_per_item", Header: "msgs/item"},
			{Key: "bytes_per_item", Header: "bytes/item"},
			{Key: "median_ms", Header: "median ms"},
			{Key: "max_ms", Header: "max ms"},
		},
	}
	for i, v := range floodVariants {
		res.Notes = append(res.Notes, fmt.Sprintf("%d %s", i+1, v.name))
	}
	res.Notes = append(res.Notes,
		fmt.Sprintf("Per item, of %d items of %d bytes, %d a second, from random",
			items*runs, floodItemSize, floodRate),
		fmt.Sprintf("nodes or the row's publishers (after %d not counted): this", floodWarmup),
		"chapter's messages and their bytes, and the median and maximum",
		"time until it reached every node.",
		"The periodic inventory is off in every row (see partition).")
	res.Chart = &chart.Chart{
		Title:  "Time for an item to reach a share of the nodes",
		XLabel: "share of the deliveries", YLabel: "ms since published",
	}
	for i, v := range floodVariants {
		var o floodOutcome
		for seed := range runs {
			one, err := floodRun(v, nodes, items, uint64(seed+1))
			if err != nil {
				return nil, fmt.Errorf("%s: %w", v.name, err)
			}
			o.msgs += one.msgs / float64(runs)
			o.bytes += one.bytes / float64(runs)
			o.full = append(o.full, one.full...)
			o.delays = append(o.delays, one.delays...)
		}
		slices.Sort(o.delays)
		_, mid, hi := minMedianMax(o.full)
		res.Rows = append(res.Rows, []float64{float64(i + 1),
			math.Round(o.msgs), math.Round(o.bytes), math.Round(mid), math.Round(hi)})
		res.Chart.Series = append(res.Chart.Series, deliveryCurve(v.name, o.delays))
	}
	return res, nil
}

// deliveryCurve is how long the deliveries took, quantile by quantile:
// at x, the time by which that share of them was done.
func deliveryCurve(name string, sorted []time.Duration) chart.Series {
	s := chart.Series{Name: name, Line: true}
	if len(sorted) == 0 {
		return s
	}
	const steps = 200
	for k := 0; k <= steps; k++ {
		i := max(len(sorted)*k/steps-1, 0) // the last of the first k/steps
		s.Points = append(s.Points, chart.Point{X: float64(k) / steps, Y: ms(sorted[i])})
	}
	return s
}

// floodRun is one run: the overlay, a warm-up, then the items measured.
func floodRun(v floodVariant, nodes, items int, seed uint64) (floodOutcome, error) {
	reg, err := broadcast.Registry()
	if err != nil {
		return floodOutcome{}, err
	}
	cov := newCoverage(nodes)
	var buildErr error
	net, err := simulation.New(simulation.Config{
		Nodes: nodes, Seed: seed, Topology: outboundTopology{out: floodOutbound},
		Latency: simulation.Constant{D: floodLatency}, Registry: reg,
		MaxEmitted: 1, OnEmit: cov.onEmit,
	}, func(_ simulation.NodeID, r *rand.Rand) simulation.Machine {
		p, err := broadcast.New(v.cfg, r)
		if err != nil {
			buildErr = err
			return nil
		}
		return p // the protocol alone is a machine: no discovery here
	})
	if buildErr != nil {
		return floodOutcome{}, buildErr
	}
	if err != nil {
		return floodOutcome{}, err
	}
	r := rand.New(rand.NewPCG(seed, 6))
	publish := func(count int, measured bool) error {
		every := time.Second / floodRate
		for i := range count {
			it := newItem(r, i+boolInt(measured)*floodWarmup, floodItemSize)
			if measured {
				cov.publish(it.ID, net.Now())
			}
			from := nodes
			if v.publishers > 0 {
				from = min(v.publishers, nodes)
			}
			node := simulation.NodeID(r.IntN(from))
			if err := net.Inject(node, broadcast.Publish{Item: it}); err != nil {
				return err
			}
			if err := net.RunFor(every); err != nil {
				return err
			}
		}
		quiet := func() bool { return net.Pending() == 0 }
		ok, err := net.RunUntil(quiet, floodLimit)
		if err == nil && !ok {
			err = fmt.Errorf("seed %d: still busy %v after the last item", seed, floodLimit)
		}
		return err
	}
	if err := publish(floodWarmup, false); err != nil {
		return floodOutcome{}, err
	}
	before := broadcastTraffic(net.Stats())
	if err := publish(items, true); err != nil {
		return floodOutcome{}, err
	}
	if !cov.done() {
		return floodOutcome{}, fmt.Errorf("seed %d: %d of %d items never reached every node",
			seed, len(cov.published)-len(cov.full), len(cov.published))
	}
	after := broadcastTraffic(net.Stats())
	o := floodOutcome{
		msgs:   float64(after.Messages-before.Messages) / float64(items),
		bytes:  float64(after.Bytes-before.Bytes) / float64(items),
		delays: cov.delays,
	}
	for _, d := range cov.full {
		o.full = append(o.full, ms(d))
	}
	return o, nil
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
