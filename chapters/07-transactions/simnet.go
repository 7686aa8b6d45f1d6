package transactions

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
)

// The simulated network's defaults.
const (
	DefaultSimOutbound   = 4
	DefaultSimMaxInbound = 16
	DefaultSimLatency    = 100 * time.Millisecond
	// SimWarmup is how long the overlay is given to form before
	// transactions start: at 100 nodes a quarter of them still lack a
	// full connection after 10 s, as seeds answer one at a time.
	SimWarmup = 20 * time.Second
)

// SimConfig is a simulated network of relays: chapter 05's discovery
// builds the overlay, every node runs a Relay of Relay's config on its
// own copy of the genesis state.
type SimConfig struct {
	Nodes   int
	Seed    uint64
	Latency simulation.Latency // nil: DefaultSimLatency on every message
	Loss    float64
	// Outbound and MaxInbound are each node's connections.
	Outbound, MaxInbound int
	Relay                RelayConfig // its State is each node's own
	Genesis              map[Address]uint64
	// Extra, if set, builds node Nodes and up: an observer, a spy.
	// Each dials no one unless it does so itself.
	Extra  []func(id simulation.NodeID, r *rand.Rand) simulation.Machine
	OnEmit func(simulation.Emitted)
}

// SimNet is a running simulated network of relays.
type SimNet struct {
	Net    *simulation.Network
	Relays []*Relay // by NodeID, the first Nodes
}

// NewSimNet builds the network and lets its overlay form for
// SimWarmup. Every node's signatures go through one SigCache, since a
// signature checked in one simulated node teaches nothing new in the
// next.
func NewSimNet(cfg SimConfig) (*SimNet, error) {
	if cfg.Nodes < 2 {
		return nil, fmt.Errorf("%w: %d nodes, want at least 2", ErrRelay, cfg.Nodes)
	}
	if cfg.Latency == nil {
		cfg.Latency = simulation.Constant{D: DefaultSimLatency}
	}
	if cfg.Outbound == 0 {
		cfg.Outbound = DefaultSimOutbound
	}
	if cfg.MaxInbound == 0 {
		cfg.MaxInbound = DefaultSimMaxInbound
	}
	if cfg.Relay.SigCache == nil {
		cfg.Relay.SigCache = NewSigCache(0)
	}
	reg, err := Registry()
	if err != nil {
		return nil, err
	}
	var seeds []simulation.Addr
	for id := range cfg.Nodes {
		seeds = append(seeds, simulation.SimAddr(simulation.NodeID(id)))
	}
	s := &SimNet{Relays: make([]*Relay, cfg.Nodes)}
	var buildErr error
	s.Net, err = simulation.New(simulation.Config{
		Nodes: cfg.Nodes + len(cfg.Extra), Seed: cfg.Seed, Topology: simulation.NoLinks(),
		Latency: cfg.Latency, Loss: cfg.Loss, Registry: reg, MaxEmitted: 1, OnEmit: cfg.OnEmit,
	}, func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		if int(id) >= cfg.Nodes {
			return cfg.Extra[int(id)-cfg.Nodes](id, r)
		}
		rc := cfg.Relay
		rc.State = NewState(rc.Chain, cfg.Genesis)
		n, rl, err := NewNode(discovery.NodeConfig{Conn: discovery.ConnConfig{
			Self: simulation.SimAddr(id), Seeds: seeds,
			OutboundTarget: cfg.Outbound, MaxInbound: cfg.MaxInbound,
			SeedInterval: time.Second, ConnectInterval: 100 * time.Millisecond,
		}}, rc, r)
		if err != nil {
			buildErr = errors.Join(buildErr, err)
			return nil
		}
		s.Relays[id] = rl
		return n
	})
	if err != nil {
		return nil, errors.Join(err, buildErr)
	}
	if buildErr != nil {
		return nil, buildErr
	}
	if err := s.Net.RunFor(SimWarmup); err != nil {
		return nil, err
	}
	return s, nil
}

// Submit gives a transaction to one node, as its wallet would.
func (s *SimNet) Submit(node simulation.NodeID, tx *Tx) error {
	return s.Net.Inject(node, discovery.Input{To: Name, Value: Submit{Tx: tx}})
}

// Wallets are n keys from a seed, and a genesis that gives each funds.
func Wallets(n int, seed uint64, funds uint64) ([]Key, map[Address]uint64) {
	r := rand.New(rand.NewPCG(seed, 7))
	keys := make([]Key, n)
	genesis := make(map[Address]uint64, n)
	for i := range keys {
		var s [32]byte
		for j := range s {
			s[j] = byte(r.Uint32())
		}
		keys[i] = KeyFromSeed(s)
		genesis[keys[i].Address()] = funds
	}
	return keys, genesis
}

// Transfer is a signed transaction from a key.
func Transfer(chain wire.Magic, from Key, to Address, amount, fee, nonce uint64) *Tx {
	tx := &Tx{Chain: chain, To: to, Amount: amount, Fee: fee, Nonce: nonce}
	tx.Sign(from)
	return tx
}
