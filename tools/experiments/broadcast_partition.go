package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
	"peerchain/tools/experiments/chart"
)

// Partition's story: 100 nodes build their overlay from 3 seeds, then
// broadcast 5 items a second; 10 s in, the network splits in half for
// 10 s, and we watch how long after the heal it takes until every node
// holds every item published before it.
var partitionStory = partitionSetup{
	nodes: 100, rate: 5,
	warmup: 30 * time.Second, // for the overlay to form
	before: 10 * time.Second, // broadcasting before the split
	split:  10 * time.Second,
	after:  5 * time.Second,  // broadcasting after the heal
	watch:  15 * time.Second, // after the heal
	drawn:  5 * time.Second,  // of the watch, on the chart
}

const (
	partitionSeeds = 3
	partitionRuns  = 5
	partitionSize  = 250 // bytes an item
)

// partitionSetup is the story's sizes and times.
type partitionSetup struct {
	nodes, rate                  int // rate: items a second, in all
	warmup, before, split, after time.Duration
	watch, drawn                 time.Duration
}

var broadcastPartition = Experiment{
	Name:    "partition",
	Summary: "100 nodes split in half for 10 s: time after the heal until every node has every item",
	Docs:    "06-partition",
	Run:     runPartition,
}

// docs:begin partition

// runPartition runs the story over several seeds, with the periodic
// inventory and without it, and reports how long after the heal it
// took until every node held every item published before the heal.
func runPartition(opts Options) (*Result, error) {
	runs := partitionRuns
	if opts.Runs > 0 {
		runs = opts.Runs
	}
	return partitionTable(partitionStory, runs)
}

// docs:end partition

// partitionVariant is one row: whether the network splits, and
// whether the nodes send the periodic inventory.
type partitionVariant struct {
	split, sync bool
	curves      int // runs drawn on the chart
}

// partitionVariants: the split with and without the inventory, and,
// to show how much of the catch-up is only the last items' ordinary
// trip, the same broadcasts with no split at all.
var partitionVariants = []partitionVariant{
	{split: true, sync: true, curves: 3},
	{split: true, sync: false, curves: 1},
	{split: false, sync: true, curves: 1},
}

func (v partitionVariant) String() string {
	s := "split"
	if !v.split {
		s = "no split"
	}
	if v.sync {
		return s + ", with sync"
	}
	return s + ", without sync"
}

func partitionTable(st partitionSetup, runs int) (*Result, error) {
	res := &Result{
		Title: fmt.Sprintf("Partition: %d nodes split in half for %v during broadcasts",
			st.nodes, st.split),
		Columns: []Column{
			{Key: "split", Header: "split"},
			{Key: "sync", Header: "sync"},
			{Key: "runs", Header: "runs"},
			{Key: "caught_up", Header: "caught up"},
			{Key: "min_s", Header: "min (s)", Decimals: 2},
			{Key: "median_s", Header: "median (s)", Decimals: 2},
			{Key: "max_s", Header: "max (s)", Decimals: 2},
			{Key: "missing", Header: "missing"},
		},
		Notes: []string{
			"split: 1 when the network splits, 0 for the same broadcasts",
			"without; sync: 1 with the periodic inventory (the default).",
			"caught up: runs in which every node came to hold every item",
			"published before the heal; min, median, max: seconds after the",
			fmt.Sprintf("heal until it did (-1: not within the %v watched);", st.watch),
			"missing: (node, item) pairs still missing then, in all runs.",
		},
	}
	res.Chart = &chart.Chart{
		Title:  "Nodes holding every item published before the heal",
		XLabel: "seconds since the heal", YLabel: "share of nodes",
	}
	for _, v := range partitionVariants {
		var times []float64
		caught, missing := 0, 0
		for seed := range runs {
			o, err := partitionRun(st, v, uint64(seed+1))
			if err != nil {
				return nil, fmt.Errorf("%v, seed %d: %w", v, seed+1, err)
			}
			missing += o.missing
			if o.caughtUp < 0 {
				times = append(times, math.Inf(1))
			} else {
				caught++
				times = append(times, o.caughtUp.Seconds())
			}
			if seed < v.curves {
				o.curve.Name = fmt.Sprintf("%v, seed %d", v, seed+1)
				o.curve.Dashed = !v.split || !v.sync
				res.Chart.Series = append(res.Chart.Series, o.curve)
			}
		}
		lo, mid, hi := minMedianMax(times)
		res.Rows = append(res.Rows, []float64{float64(boolInt(v.split)),
			float64(boolInt(v.sync)), float64(runs), float64(caught),
			never(lo), never(mid), never(hi), float64(missing)})
	}
	return res, nil
}

// never is -1 for a time that never came.
func never(s float64) float64 {
	if math.IsInf(s, 1) {
		return -1
	}
	return s
}

// partitionOutcome is one run's: how long after the heal every node
// held every item published before it (-1: never, in the watch), the
// pairs still missing then, and the share of nodes done over time.
type partitionOutcome struct {
	caughtUp time.Duration
	missing  int
	curve    chart.Series
}

// catchUp counts, per node, the items published before the heal it
// holds, from the network's Delivered emissions.
type catchUp struct {
	before   map[broadcast.ID]bool // items published before the heal
	held     []int
	healed   bool
	complete int       // nodes holding every one, once healed
	doneAt   time.Time // when the last of them did
}

func (c *catchUp) onEmit(e simulation.Emitted) {
	d, ok := e.Value.(broadcast.Delivered)
	if !ok || !c.before[d.Item.ID] {
		return
	}
	c.held[e.Node]++
	if c.healed && c.held[e.Node] == len(c.before) {
		c.done(e.At)
	}
}

func (c *catchUp) done(at time.Time) {
	c.complete++
	if c.complete == len(c.held) {
		c.doneAt = at
	}
}

// heal freezes the items that count and notes who holds them all.
func (c *catchUp) heal(now time.Time) {
	c.healed = true
	for _, h := range c.held {
		if h == len(c.before) {
			c.done(now)
		}
	}
}

// partitionRun is one run of the story.
func partitionRun(st partitionSetup, v partitionVariant, seed uint64) (partitionOutcome, error) {
	nodes := st.nodes
	reg, err := broadcast.Registry()
	if err != nil {
		return partitionOutcome{}, err
	}
	var seeds []simulation.Addr
	for i := range partitionSeeds {
		seeds = append(seeds, honestAddr(simulation.NodeID(i)))
	}
	cfg := broadcast.DefaultConfig()
	cfg.NoSync = !v.sync
	c := &catchUp{before: map[broadcast.ID]bool{}, held: make([]int, nodes)}
	var buildErr error
	net, err := simulation.New(simulation.Config{
		Nodes: nodes, Seed: seed, Topology: simulation.NoLinks(),
		Latency: discoveryLatency, Registry: reg, Address: honestAddr,
		MaxEmitted: 1, OnEmit: c.onEmit,
	}, func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		n, _, err := broadcast.NewNode(discovery.NodeConfig{Conn: discovery.ConnConfig{
			Self: honestAddr(id), Seeds: seeds}}, cfg, r)
		if err != nil {
			buildErr = err
			return nil
		}
		return n
	})
	if buildErr != nil {
		return partitionOutcome{}, buildErr
	}
	if err != nil {
		return partitionOutcome{}, err
	}
	if err := net.RunFor(st.warmup); err != nil {
		return partitionOutcome{}, err
	}
	r := rand.New(rand.NewPCG(seed, 6))
	published := 0
	every := time.Second / time.Duration(st.rate) // one item, one step
	broadcastFor := func(d time.Duration, count bool) error {
		for t := time.Duration(0); t < d; t += every {
			it := newItem(r, published, partitionSize)
			published++
			if count {
				c.before[it.ID] = true
			}
			node := simulation.NodeID(r.IntN(nodes))
			in := discovery.Input{To: broadcast.Name, Value: broadcast.Publish{Item: it}}
			if err := net.Inject(node, in); err != nil {
				return err
			}
			if err := net.RunFor(every); err != nil {
				return err
			}
		}
		return nil
	}
	half := make([]simulation.NodeID, 0, nodes/2)
	for id := range nodes / 2 {
		half = append(half, simulation.NodeID(id))
	}
	if err := broadcastFor(st.before, true); err != nil {
		return partitionOutcome{}, err
	}
	if v.split {
		if err := net.Partition(half); err != nil {
			return partitionOutcome{}, err
		}
	}
	if err := broadcastFor(st.split, true); err != nil {
		return partitionOutcome{}, err
	}
	if v.split {
		net.Heal()
	}
	healAt := net.Now() // or when it would have been
	c.heal(healAt)
	// Broadcasting goes on for a while after the heal; the curve is
	// sampled at every item's step.
	o := partitionOutcome{caughtUp: -1, curve: chart.Series{Line: true}}
	for since := time.Duration(0); since < st.watch; since += every {
		if since <= st.drawn {
			o.curve.Points = append(o.curve.Points, chart.Point{X: since.Seconds(),
				Y: float64(c.complete) / float64(nodes)})
		}
		step := net.RunFor
		if since < st.after {
			step = func(d time.Duration) error { return broadcastFor(d, false) }
		}
		if err := step(every); err != nil {
			return partitionOutcome{}, err
		}
	}
	if !c.doneAt.IsZero() {
		o.caughtUp = c.doneAt.Sub(healAt)
	}
	for _, h := range c.held {
		o.missing += len(c.before) - h
	}
	return o, nil
}
