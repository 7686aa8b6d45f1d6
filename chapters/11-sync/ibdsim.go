package sync

import (
	"fmt"
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// IBDCheck is how the syncing node checks signatures.
type IBDCheck int

const (
	// CheckSerial is tx.Check on the loop, one after another.
	CheckSerial IBDCheck = iota
	// CheckParallel is a Verifier on Workers goroutines.
	CheckParallel
	// CheckTrusted checks none: the simulator charges no virtual time
	// for them anyway, and a chain of a million costs a minute of a
	// core's.
	CheckTrusted
)

// IBDSimConfig is a speed test in the simulator: node 0 starts with
// genesis alone, nodes 1 to Peers serve the chain of a tree, every
// node linked to every other.
type IBDSimConfig struct {
	Peers     int
	Seed      uint64
	Latency   simulation.Latency // nil: 1 ms
	Bandwidth float64            // each link's bytes a second; 0: 1 MB/s
	Window    int                // 0: DefaultWindow
	Check     IBDCheck
	Workers   int // CheckParallel's; at least 1
	// VerifyRate, if positive, models the checks in virtual time: node
	// 0 is busy len(Txs)/VerifyRate seconds with each block it takes
	// off the wire, as if it verified at that many signatures a
	// second, I/O overlapping.
	VerifyRate float64
}

// NewIBDSim builds a speed test of the chain src holds: its peers all
// serve src (read only), and node 0 syncs into a tree of spec's funds.
// Close stops node 0's verifier, if any.
func NewIBDSim(src *forkchoice.Tree, spec IBDSpec, cfg IBDSimConfig) (
	s *Sim, closeFn func(), err error) {
	switch {
	case cfg.Peers < 1 || cfg.Peers > MaxSimPeers:
		return nil, nil, fmt.Errorf("%w: %d peers, want 1 to %d", ErrSim, cfg.Peers, MaxSimPeers)
	case cfg.Bandwidth < 0 || cfg.VerifyRate < 0:
		return nil, nil, fmt.Errorf("%w: bandwidth %v, verify rate %v", ErrSim,
			cfg.Bandwidth, cfg.VerifyRate)
	}
	if cfg.Latency == nil {
		cfg.Latency = simulation.Constant{D: time.Millisecond}
	}
	if cfg.Bandwidth == 0 {
		cfg.Bandwidth = 1e6
	}
	rules := []blocks.HeaderRule{pow.HeaderRule(SimParams)}
	closeFn = func() {}
	var check blocks.TxCheck
	var v *Verifier
	switch cfg.Check {
	case CheckTrusted:
		check = Trusted
	case CheckParallel:
		v = NewVerifier(transactions.NewSigCache(0), SimNetwork.Magic, cfg.Workers)
		check, closeFn = v.Check, v.Close
	}
	tree, err := spec.Tree(check)
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	s = &Sim{Tip: src.Tip().Hash}
	machines := make([]simulation.Machine, cfg.Peers+1)
	for id := range cfg.Peers + 1 {
		c := Config{Tree: src, Rules: rules, Clock: IBDClock, Window: cfg.Window}
		if id == 0 {
			c.Tree = tree
			if v != nil {
				c.Accept = v.Accept(tree.Add)
			}
		}
		sy, err := New(c)
		if err != nil {
			closeFn()
			return nil, nil, err
		}
		s.Trees, s.Syncs = append(s.Trees, c.Tree), append(s.Syncs, sy)
		machines[id] = sy
		if id == 0 && v != nil {
			machines[id] = v.Machine(sy)
		}
	}
	reg, err := Registry()
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	var processing func(simulation.NodeID, simulation.Event) time.Duration
	if cfg.VerifyRate > 0 {
		processing = func(id simulation.NodeID, ev simulation.Event) time.Duration {
			r, ok := ev.(simulation.MessageReceived)
			if !ok || id != 0 {
				return 0
			}
			mb, ok := r.Msg.(*blocks.MsgBlock)
			if !ok {
				return 0
			}
			return time.Duration(float64(len(mb.Block.Txs)) / cfg.VerifyRate *
				float64(time.Second))
		}
	}
	s.Net, err = simulation.New(simulation.Config{
		Nodes: cfg.Peers + 1, Seed: cfg.Seed, Topology: simulation.Complete(),
		Latency: cfg.Latency, Cost: simulation.Bandwidth(cfg.Bandwidth),
		Processing: processing, Registry: reg,
	}, func(id simulation.NodeID, _ *rand.Rand) simulation.Machine { return machines[id] })
	if err != nil {
		closeFn()
		return nil, nil, err
	}
	return s, closeFn, nil
}

// LoadTree is a tree of spec's funds holding chain, checking nothing
// of the signatures it made itself: a serving peer's.
func LoadTree(spec IBDSpec, chain []*blocks.Block) (*forkchoice.Tree, error) {
	tree, err := spec.Tree(Trusted)
	if err != nil {
		return nil, err
	}
	now := IBDClock(time.Time{})
	for i, b := range chain {
		if _, err := tree.Add(b, now); err != nil {
			return nil, fmt.Errorf("block %d of the chain: %w", i+1, err)
		}
	}
	return tree, nil
}
