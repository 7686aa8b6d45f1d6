package simulation

import (
	"fmt"
	"io"
	"time"
)

// docs:begin spread

// SpreadConfig describes one run of rumor spreading: a network, and push
// gossip on it starting from node 0.
type SpreadConfig struct {
	Nodes    int
	Seed     uint64
	Topology Topology // nil: AnyToAny, Pittel's model
	Latency  Latency  // nil: none; keep it under Round for clean rounds
	Loss     float64
	Round    time.Duration // 0: one second
	Fanout   int           // 0: one peer per round, Pittel's model
	Limit    time.Duration // virtual time to give up after; 0: 1,000 rounds
	Trace    io.Writer     // if set, the network's trace goes here
}

// SpreadResult is what a run of rumor spreading did.
type SpreadResult struct {
	Informed int           // nodes that learned the rumor
	Time     time.Duration // virtual time until the last one did
	Rounds   float64       // Time in rounds
	ByRound  []int         // ByRound[r]: nodes informed by the end of round r
	Stats    Stats         // the network's counters
}

// Spread runs push gossip until every node knows the rumor or the limit
// passes.
func Spread(cfg SpreadConfig) (SpreadResult, error) {
	cfg = cfg.withDefaults()
	informed, last := 0, time.Time{}
	var byRound []int // nodes informed during each round
	onInformed := func(now time.Time) {
		informed, last = informed+1, now
		r := int((now.Sub(Epoch) + cfg.Round - 1) / cfg.Round) // round it ended
		for len(byRound) <= r {
			byRound = append(byRound, 0)
		}
		byRound[r]++
	}
	rumor := &MsgRumor{ID: 1, Body: []byte("hello")}
	// Every node runs NewRumor's push gossip, Population all the
	// others when any-to-any; spreadMachines builds the machines side
	// by side, sharing what they can (rumor_shared.go).
	build := spreadMachines(cfg, RumorConfig{Round: cfg.Round,
		Fanout: cfg.Fanout, OnInformed: onInformed}, rumor)
	net, err := New(Config{Nodes: cfg.Nodes, Seed: cfg.Seed,
		Topology: cfg.Topology, Latency: cfg.Latency, Loss: cfg.Loss,
		Trace: cfg.Trace}, build)
	if err != nil {
		return SpreadResult{}, err
	}
	all := func() bool { return informed == cfg.Nodes }
	if _, err := net.RunUntil(all, cfg.Limit); err != nil {
		return SpreadResult{}, err
	}
	for r := 1; r < len(byRound); r++ {
		byRound[r] += byRound[r-1]
	}
	elapsed := last.Sub(Epoch)
	return SpreadResult{Informed: informed, Time: elapsed,
		Rounds:  float64(elapsed) / float64(cfg.Round),
		ByRound: byRound, Stats: net.finalStats()}, nil
}

// docs:end spread

func (c SpreadConfig) withDefaults() SpreadConfig {
	if c.Round == 0 {
		c.Round = time.Second
	}
	if c.Fanout == 0 {
		c.Fanout = 1
	}
	if c.Limit == 0 {
		c.Limit = 1000 * c.Round
	}
	return c
}

// String describes a spread's setup in one line.
func (c SpreadConfig) String() string {
	c = c.withDefaults()
	topo := "any-to-any"
	if c.Topology != nil {
		topo = c.Topology.String()
	}
	return fmt.Sprintf("%d nodes, %s, fanout %d, round %v", c.Nodes, topo, c.Fanout, c.Round)
}
