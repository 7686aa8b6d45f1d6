package forkchoice

import (
	"errors"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

// The simulated mining network's defaults and bounds.
const (
	DefaultSimDegree   = 8                      // each node's peers
	DefaultSimInterval = 10 * time.Second       // T, the network's
	DefaultSimLatency  = 100 * time.Millisecond // each message's
	// DefaultSimBits is the devnet's easiest target: every block has
	// work 2, and no proof of work is checked (Config.Rules is nil).
	DefaultSimBits = 0x207fffff
	// MaxSimNodes bounds a network's size: each node holds a tree.
	MaxSimNodes = 10_000
	// MaxSimBlocks is how many mined blocks a SimNet records; past it,
	// it counts what it sees but records no more arrivals.
	MaxSimBlocks = 1 << 20
	// maxSettleRounds bounds the ties Settle breaks one after another.
	maxSettleRounds = 10
)

// docs:begin simconfig

// SimConfig is a simulated mining network: Nodes miners on a random
// Degree-regular overlay, each a Tree of its own on the devnet's
// genesis, finding blocks as a Poisson process of one block every
// Interval for the whole network.
type SimConfig struct {
	Nodes    int
	Seed     uint64
	Degree   int           // 0: DefaultSimDegree
	Interval time.Duration // T; 0: DefaultSimInterval
	// Hash is each node's share of the hash power, in any unit: nil
	// is equal shares. A node of share 0 never mines.
	Hash    []float64
	Latency simulation.Latency // per message; nil: DefaultSimLatency
	// BlockSize is a block message's bytes on the wire, at most
	// MaxSimBlockSize: 0 is the block's own (a coinbase alone, about
	// 200 bytes). Bandwidth is each link's bytes a second; 0 makes
	// sending take no time, whatever the size.
	BlockSize int
	Bandwidth float64
	Bits      uint32        // 0: DefaultSimBits
	Choice    Choice        // nil: MostWork
	MineFor   time.Duration // mining stops after it; 0: never
	// OnEmit, if set, sees what every node emits (SimMined,
	// SimAccepted, SimReorg, SimFault) as it happens.
	OnEmit func(simulation.Emitted)
}

// docs:end simconfig

func (c SimConfig) withDefaults() (SimConfig, error) {
	if c.Degree == 0 {
		c.Degree = DefaultSimDegree
	}
	if c.Interval == 0 {
		c.Interval = DefaultSimInterval
	}
	if c.Latency == nil {
		c.Latency = simulation.Constant{D: DefaultSimLatency}
	}
	if c.Bits == 0 {
		c.Bits = DefaultSimBits
	}
	if c.Hash == nil {
		c.Hash = slices.Repeat([]float64{1}, max(c.Nodes, 0))
	}
	var total float64
	for _, h := range c.Hash {
		if h < 0 || math.IsNaN(h) || math.IsInf(h, 0) {
			return c, fmt.Errorf("%w: hash share %v", ErrSim, h)
		}
		total += h
	}
	switch {
	case c.Nodes < 2 || c.Nodes > MaxSimNodes:
		return c, fmt.Errorf("%w: %d nodes, want 2 to %d", ErrSim, c.Nodes, MaxSimNodes)
	case c.Interval < 0 || c.MineFor < 0:
		return c, fmt.Errorf("%w: Interval %v, MineFor %v", ErrSim, c.Interval, c.MineFor)
	case len(c.Hash) != c.Nodes:
		return c, fmt.Errorf("%w: %d hash shares for %d nodes", ErrSim, len(c.Hash), c.Nodes)
	case total == 0:
		return c, fmt.Errorf("%w: no node has hash power", ErrSim)
	case c.BlockSize < 0 || c.BlockSize > MaxSimBlockSize:
		return c, fmt.Errorf("%w: BlockSize %d not in 0..%d", ErrSim, c.BlockSize, MaxSimBlockSize)
	case c.Bandwidth < 0 || math.IsNaN(c.Bandwidth):
		return c, fmt.Errorf("%w: Bandwidth %v", ErrSim, c.Bandwidth)
	}
	return c, nil
}

// SimNet is a running simulated mining network, and its record of
// every block: who mined it when, and when each node took it in.
type SimNet struct {
	Net    *simulation.Network
	Trees  []*Tree // by NodeID
	cfg    SimConfig
	blocks []*SimBlock
	byHash map[blocks.Hash]*SimBlock
	reorgs []int // the depth of each reorganisation, in order
	faults []error
	mined  int
	bytes  int // a block message's payload
}

// SimBlock is what the record holds of a mined block.
type SimBlock struct {
	SimBlockID
	Miner simulation.NodeID
	At    time.Duration // when it was mined, since the start
	// Arrived is when each node took it in, since it was mined; -1
	// for a node that has not. The miner's is 0.
	Arrived []time.Duration
}

// NewSimNet builds the network. Nothing happens until it runs.
func NewSimNet(cfg SimConfig) (*SimNet, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	var total float64
	for _, h := range cfg.Hash {
		total += h
	}
	s := &SimNet{Trees: make([]*Tree, cfg.Nodes), cfg: cfg,
		byHash: make(map[blocks.Hash]*SimBlock)}
	sc := simulation.Config{
		Nodes: cfg.Nodes, Seed: cfg.Seed,
		Topology: simulation.RandomRegular(cfg.Degree),
		Latency:  cfg.Latency, MaxEmitted: 1, OnEmit: s.record,
	}
	if cfg.Bandwidth > 0 {
		sc.Cost = simulation.Bandwidth(cfg.Bandwidth)
	}
	var buildErr error
	s.Net, err = simulation.New(sc, func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		m, err := s.newMiner(id, r, cfg.Hash[id]/total)
		if err != nil {
			buildErr = errors.Join(buildErr, err)
			return nil
		}
		return m
	})
	if err != nil || buildErr != nil {
		return nil, errors.Join(err, buildErr)
	}
	return s, nil
}

// newMiner is node id's machine, with its own tree and state.
func (s *SimNet) newMiner(id simulation.NodeID, r *rand.Rand, share float64) (*simMiner, error) {
	net := blocks.DevNet
	tree, err := New(Config{Network: net,
		State: transactions.NewState(net.Magic, nil), Choice: s.cfg.Choice})
	if err != nil {
		return nil, err
	}
	s.Trees[id] = tree
	m := &simMiner{tree: tree, net: net, r: r, until: s.cfg.MineFor,
		to: minerAddress(id), bits: s.cfg.Bits}
	if share > 0 {
		m.mean = time.Duration(float64(s.cfg.Interval) / share)
	}
	probe := BlockOn(tree.Tip(), net, m.to, nil, net.Genesis.Header.Timestamp(), m.bits)
	m.pad = max(0, s.cfg.BlockSize-encodedSize(probe))
	s.bytes = encodedSize(probe) + m.pad
	return m, nil
}

// record keeps what a node emitted.
func (s *SimNet) record(e simulation.Emitted) {
	at := e.At.Sub(simulation.Epoch)
	switch v := e.Value.(type) {
	case SimMined:
		s.mined++
		if len(s.blocks) < MaxSimBlocks {
			b := &SimBlock{SimBlockID: v.Block, Miner: e.Node, At: at,
				Arrived: slices.Repeat([]time.Duration{-1}, s.cfg.Nodes)}
			b.Arrived[e.Node] = 0
			s.blocks = append(s.blocks, b)
			s.byHash[b.Hash] = b
		}
	case SimAccepted:
		if b, ok := s.byHash[v.Block.Hash]; ok && b.Arrived[e.Node] < 0 {
			b.Arrived[e.Node] = at - b.At
		}
	case SimReorg:
		s.reorgs = append(s.reorgs, v.Off)
	case SimFault:
		s.faults = append(s.faults, fmt.Errorf("node %d at %v: %w", e.Node, at, v.Err))
	}
	if s.cfg.OnEmit != nil {
		s.cfg.OnEmit(e)
	}
}

// Err is every fault a node reported, or nil.
func (s *SimNet) Err() error { return errors.Join(s.faults...) }

// Run runs the network for d of virtual time.
func (s *SimNet) Run(d time.Duration) error {
	if err := s.Net.RunFor(d); err != nil {
		return err
	}
	return s.Err()
}

// Split partitions the network in two halves, nodes below Nodes/2 and
// the rest: each mines on alone until Heal.
func (s *SimNet) Split() error {
	var a, b []simulation.NodeID
	for id := range s.cfg.Nodes {
		if id < s.cfg.Nodes/2 {
			a = append(a, simulation.NodeID(id))
		} else {
			b = append(b, simulation.NodeID(id))
		}
	}
	return s.Net.Partition(a, b)
}

// Heal ends a partition.
func (s *SimNet) Heal() { s.Net.Heal() }

// docs:begin settle

// Settle lets every block on its way arrive, once mining has stopped
// (MineFor), for at most limit of virtual time. Nodes whose tips tie in
// work keep each the one they saw first, as Bitcoin's do, until the
// next block: so while tips differ, the node with the most work (the
// lowest of those) mines one block more, which every node then follows.
// It reports whether every node ended on the same tip.
func (s *SimNet) Settle(limit time.Duration) (bool, error) {
	quiet := func() bool { return s.Net.Pending() == 0 }
	for range maxSettleRounds {
		if _, err := s.Net.RunUntil(quiet, limit); err != nil {
			return false, err
		}
		if err := s.Err(); err != nil {
			return false, err
		}
		if s.Agree() {
			return true, nil
		}
		best := 0
		for id, t := range s.Trees {
			if t.Tip().Work.Cmp(s.Trees[best].Tip().Work) > 0 {
				best = id
			}
		}
		err := s.Net.Inject(simulation.NodeID(best), SimMineNow{})
		if err != nil {
			return false, err
		}
	}
	return s.Agree(), nil
}

// docs:end settle

// Agree says whether every node follows the same tip.
func (s *SimNet) Agree() bool {
	for _, t := range s.Trees[1:] {
		if t.Tip() != nil && t.Tip().Hash != s.Trees[0].Tip().Hash {
			return false
		}
	}
	return true
}

// Blocks is the record of every block mined, in the order mined (the
// first MaxSimBlocks).
func (s *SimNet) Blocks() []*SimBlock { return s.blocks }

// SimStats is what a run measured.
type SimStats struct {
	Mined      int // blocks found
	BlockBytes int // a block message's payload, the first block's
	// Main is how many of them are on node 0's main chain; Stale the
	// rest, and StaleRate Stale ÷ Mined.
	Main, Stale int
	StaleRate   float64
	// MeanDelay and MedianDelay are of a block's arrival delay at a
	// node: from its mining to the node's tree taking it in, over
	// every block and every node but its miner that took it in.
	MeanDelay, MedianDelay time.Duration
	Missing                int // (block, node) pairs never reached
	// Reorgs counts every node's reorganisations, MaxReorg the most
	// blocks one took off.
	Reorgs, MaxReorg int
}

// Stats is the record summed up: best after Settle.
func (s *SimNet) Stats() SimStats {
	st := SimStats{Mined: s.mined, BlockBytes: s.bytes, Reorgs: len(s.reorgs)}
	main := s.Trees[0]
	var delays []time.Duration
	var sum time.Duration
	for _, b := range s.blocks {
		if n, ok := main.Node(b.Hash); ok && main.OnMain(n) {
			st.Main++
		}
		for id, d := range b.Arrived {
			switch {
			case simulation.NodeID(id) == b.Miner:
			case d < 0:
				st.Missing++
			default:
				delays = append(delays, d)
				sum += d
			}
		}
	}
	st.Stale = len(s.blocks) - st.Main
	if len(s.blocks) > 0 {
		st.StaleRate = float64(st.Stale) / float64(len(s.blocks))
	}
	if len(delays) > 0 {
		st.MeanDelay = sum / time.Duration(len(delays))
		slices.Sort(delays)
		st.MedianDelay = delays[len(delays)/2]
	}
	if len(s.reorgs) > 0 {
		st.MaxReorg = slices.Max(s.reorgs)
	}
	return st
}

// StaleModel is the stale rate of a network whose every block takes
// delay to reach the others, with blocks every interval: the chance
// that another block is found meanwhile, 1 − e^(−Δ/T).
func StaleModel(delay, interval time.Duration) float64 {
	return 1 - math.Exp(-delay.Seconds()/interval.Seconds())
}
