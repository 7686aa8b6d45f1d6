package sync

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// The simulated download's network and bounds.
const (
	// SimBits is the devnet's easiest target: half of all hashes meet
	// it, so a block takes two tries and every header's proof of work
	// is checked for real, at no cost.
	SimBits = 0x207fffff
	// SimSpacing is the time between the simulated chain's blocks.
	SimSpacing = 5 * time.Second
	// SimClockOffset puts the simulator's start this long after the
	// genesis block, so that a chain of up to MaxSimBlocks is in the
	// past, as a node that comes to a running network finds it.
	SimClockOffset = MaxSimBlocks * SimSpacing
	MaxSimBlocks   = 100_000
	MaxSimPeers    = MaxPeers
)

// SimParams are the devnet's proof-of-work rules at SimBits, with no
// retarget.
var SimParams = func() pow.Params {
	target, _, _ := pow.CompactToBig(SimBits)
	return pow.Params{PowLimit: target, TargetTimespan: time.Minute,
		TargetSpacing: SimSpacing, NoRetargeting: true}
}()

// SimNetwork is the devnet with a genesis block of SimBits.
var SimNetwork = func() *blocks.Network {
	n := *blocks.DevNet
	n.Name = "devnet-sim"
	n.Genesis.Header.Bits = SimBits
	Solve(&n.Genesis.Header)
	return &n
}()

// Solve finds a nonce that meets the header's bits under SimParams'
// limit: about two tries at SimBits.
func Solve(h *blocks.Header) {
	for h.Nonce = 0; pow.CheckProofOfWork(h.BlockHash(), h.Bits,
		SimParams.PowLimit) != nil; h.Nonce++ {
	}
}

// SimTree is a block tree of SimNetwork, with its proof-of-work rule.
func SimTree() (*forkchoice.Tree, error) {
	return forkchoice.New(forkchoice.Config{Network: SimNetwork,
		State: transactions.NewState(SimNetwork.Magic, nil),
		Rules: []blocks.HeaderRule{pow.HeaderRule(SimParams)}})
}

// SimBlock is a coinbase-only block on parent paying an address named
// by tag, dated SimSpacing per height after genesis, solved.
func SimBlock(parent *forkchoice.Node, tag uint64) *blocks.Block {
	var to transactions.Address
	binary.BigEndian.PutUint64(to[:], tag)
	at := SimNetwork.Genesis.Header.Timestamp().Add(
		time.Duration(parent.Height+1) * SimSpacing)
	b := forkchoice.BlockOn(parent, SimNetwork, to, nil, at, SimBits)
	Solve(&b.Header)
	return b
}

// SimClock is the chain's time in the simulator: SimClockOffset after
// genesis at the start.
func SimClock(now time.Time) time.Time {
	return SimNetwork.Genesis.Header.Timestamp().Add(SimClockOffset +
		now.Sub(simulation.Epoch))
}

// SimConfig is a simulated initial block download: node 0 starts with
// genesis alone, nodes 1 to Peers hold a chain of Blocks blocks, every
// node linked to every other. The first Stallers peers never send a
// block (they answer headers); Latency and Bandwidth are each link's.
type SimConfig struct {
	Blocks, Peers, Stallers int
	Seed                    uint64
	Latency                 simulation.Latency // nil: 50 ms
	Bandwidth               float64            // bytes/s; 0: 1 MB/s
	Window                  int                // 0: DefaultWindow
	OnEmit                  func(simulation.Emitted)
}

// Sim is a running simulated download.
type Sim struct {
	Net   *simulation.Network
	Trees []*forkchoice.Tree // by NodeID
	Syncs []*Sync
	Tip   blocks.Hash // the chain's
}

// ErrSim is a simulation that cannot be built.
var ErrSim = errors.New("simulated download")

// NewSim mines the chain and builds the network.
func NewSim(cfg SimConfig) (*Sim, error) {
	switch {
	case cfg.Blocks < 1 || cfg.Blocks > MaxSimBlocks:
		return nil, fmt.Errorf("%w: %d blocks, want 1 to %d", ErrSim, cfg.Blocks, MaxSimBlocks)
	case cfg.Peers < 1 || cfg.Peers > MaxSimPeers:
		return nil, fmt.Errorf("%w: %d peers, want 1 to %d", ErrSim, cfg.Peers, MaxSimPeers)
	case cfg.Stallers < 0 || cfg.Stallers >= cfg.Peers:
		return nil, fmt.Errorf("%w: %d stallers of %d peers", ErrSim, cfg.Stallers, cfg.Peers)
	case cfg.Bandwidth < 0:
		return nil, fmt.Errorf("%w: bandwidth %v", ErrSim, cfg.Bandwidth)
	}
	if cfg.Latency == nil {
		cfg.Latency = simulation.Constant{D: 50 * time.Millisecond}
	}
	if cfg.Bandwidth == 0 {
		cfg.Bandwidth = 1e6
	}
	src, err := SimTree()
	if err != nil {
		return nil, err
	}
	chain := make([]*blocks.Block, 0, cfg.Blocks)
	for range cfg.Blocks {
		b := SimBlock(src.Tip(), 1)
		if _, err := src.Add(b, SimClock(simulation.Epoch)); err != nil {
			return nil, err
		}
		chain = append(chain, b)
	}
	s := &Sim{Tip: src.Tip().Hash}
	for id := range cfg.Peers + 1 {
		tree, err := SimTree()
		if err != nil {
			return nil, err
		}
		for i := 0; id > 0 && i < len(chain); i++ { // node 0: none
			if _, err := tree.Add(chain[i], SimClock(simulation.Epoch)); err != nil {
				return nil, err
			}
		}
		sy, err := New(Config{Tree: tree, Rules: []blocks.HeaderRule{pow.HeaderRule(SimParams)},
			Clock: SimClock, Window: cfg.Window})
		if err != nil {
			return nil, err
		}
		s.Trees, s.Syncs = append(s.Trees, tree), append(s.Syncs, sy)
	}
	reg, err := Registry()
	if err != nil {
		return nil, err
	}
	s.Net, err = simulation.New(simulation.Config{
		Nodes: cfg.Peers + 1, Seed: cfg.Seed, Topology: simulation.Complete(),
		Latency: cfg.Latency, Cost: simulation.Bandwidth(cfg.Bandwidth),
		Registry: reg, OnEmit: cfg.OnEmit,
	}, func(id simulation.NodeID, _ *rand.Rand) simulation.Machine { return s.Syncs[id] })
	if err != nil {
		return nil, err
	}
	s.Net.SetHook(func(m *simulation.InFlight) {
		if m.To == 0 && int(m.From) <= cfg.Stallers && m.Msg.Command() == blocks.CmdBlock {
			m.Drop = true
		}
	})
	return s, nil
}

// Run runs until node 0 is synced to the chain's tip, for at most
// limit of virtual time, and reports whether it got there.
func (s *Sim) Run(limit time.Duration) (bool, error) {
	return s.Net.RunUntil(func() bool {
		return s.Syncs[0].Synced() && s.Trees[0].Tip().Hash == s.Tip
	}, limit)
}
