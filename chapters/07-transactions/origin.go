package transactions

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
)

// docs:begin origin-config

// The origin experiment's defaults: a spy connected to every node of
// a network of OriginNodes guesses where each of OriginTxs
// transactions started.
const (
	OriginNodes = 100
	OriginTxs   = 200
	// OriginSpacing is the time between two submissions: a few are on
	// their way at once, so that batches hold more than one.
	OriginSpacing = 100 * time.Millisecond
	// OriginDrain bounds how long the run goes on after the last
	// submission for every transaction to reach every node.
	OriginDrain = time.Minute
)

// OriginLatency is each message's delay: log-normal around 100 ms, as
// measured internet latencies are. A constant delay would make
// flooding's origin always first (its message to the spy takes one
// hop, any other node's two), and the spy right every time; with a
// spread, a neighbour close to both may beat the origin.
var OriginLatency = simulation.LogNormal{
	Median: 100 * time.Millisecond, Sigma: 0.5}

// OriginMode is a way to relay transactions.
type OriginMode string

// The modes compared.
const (
	// OriginFlood pushes each transaction to every peer at once.
	OriginFlood OriginMode = "flood"
	// OriginBatched announces it on a trickle: TxBroadcast.
	OriginBatched OriginMode = "batched"
	// OriginDandelion passes it along a stem first, then as batched.
	OriginDandelion OriginMode = "dandelion"
)

// OriginModes are the modes, in the order the experiment shows them.
var OriginModes = []OriginMode{OriginFlood, OriginBatched, OriginDandelion}

// OriginConfig is one run. Zero values take the defaults above.
type OriginConfig struct {
	Mode    OriginMode
	Seed    uint64
	Nodes   int
	Txs     int
	Spacing time.Duration
	Latency simulation.Latency
}

// OriginResult is what a run measured.
type OriginResult struct {
	Mode    OriginMode
	Txs     int // submitted
	Seen    int // the spy heard of
	Correct int // the spy's guess was the origin
	// Precision is Correct / Seen: how often the spy is right.
	Precision float64
	// Median and Max are the times from a submission until every
	// honest node's mempool holds the transaction.
	Median, Max time.Duration
	Missing     int // transactions that never reached every node
}

// docs:end origin-config

// originJoinLimit bounds the wait, after SimWarmup, for the spy to be
// connected to every node: it dials again every SpyRedial.
const originJoinLimit = 10 * time.Second

// ErrOriginConfig is an OriginConfig that cannot work.
var ErrOriginConfig = errors.New("invalid origin experiment config")

// originChain is the network the experiment's transactions are for.
var originChain = wire.DevNet

// The experiment's transfers: each wallet sends one, well funded.
const (
	originFunds  = 1_000_000
	originAmount = 10
	originFee    = 300
)

// relay is the mode's relay config.
func (m OriginMode) relay() (RelayConfig, error) {
	rc := RelayConfig{Chain: originChain, Broadcast: TxBroadcast()}
	switch m {
	case OriginFlood:
		// Only the policy differs from the others' broadcast.
		rc.Broadcast.Policy = broadcast.FloodPolicy{}
	case OriginBatched:
	case OriginDandelion:
		rc.Stem = &StemConfig{}
	default:
		return rc, fmt.Errorf("%w: mode %q, want one of %v", ErrOriginConfig, m, OriginModes)
	}
	return rc, nil
}

func (c OriginConfig) withDefaults() (OriginConfig, error) {
	if c.Nodes == 0 {
		c.Nodes = OriginNodes
	}
	if c.Txs == 0 {
		c.Txs = OriginTxs
	}
	if c.Spacing == 0 {
		c.Spacing = OriginSpacing
	}
	if c.Latency == nil {
		c.Latency = OriginLatency
	}
	if c.Nodes < 2 || c.Txs < 1 || c.Spacing < 0 {
		return c, fmt.Errorf("%w: %d nodes, %d transactions, spacing %v", ErrOriginConfig,
			c.Nodes, c.Txs, c.Spacing)
	}
	return c, nil
}

// originTx is one transaction as the run follows it.
type originTx struct {
	id      broadcast.ID
	origin  simulation.NodeID
	at      time.Time
	reached []bool // by node
	count   int
	took    time.Duration // until the last node had it
}

// originRun follows every transaction to every node.
type originRun struct {
	nodes int
	txs   []*originTx
	byID  map[broadcast.ID]*originTx
	full  int // transactions every node holds
}

func (o *originRun) onEmit(e simulation.Emitted) {
	a, ok := e.Value.(Accepted)
	if !ok || int(e.Node) >= o.nodes {
		return
	}
	t, ok := o.byID[a.Tx.ID()]
	if !ok || t.reached[e.Node] {
		return
	}
	t.reached[e.Node] = true
	t.count++
	if t.count == o.nodes {
		t.took = e.At.Sub(t.at)
		o.full++
	}
}

// docs:begin origin

// Origin runs the experiment: the overlay forms with the spy connected
// to every node, then each wallet submits one transaction at a random
// node, Spacing apart, and the run goes on until every node holds every
// transaction and the spy has heard of each.
func Origin(cfg OriginConfig) (OriginResult, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return OriginResult{}, err
	}
	rc, err := cfg.Mode.relay()
	if err != nil {
		return OriginResult{}, err
	}
	keys, genesis := Wallets(cfg.Txs, cfg.Seed, originFunds)
	spy := NewSpy(cfg.Nodes)
	spyNode := func(simulation.NodeID, *rand.Rand) simulation.Machine {
		return spy
	}
	run := &originRun{nodes: cfg.Nodes,
		byID: make(map[broadcast.ID]*originTx, cfg.Txs)}
	// The spy dials every node as the network boots, and each node
	// has a slot more than SimNet's default for it: the honest overlay
	// has the room it would have without a spy. (A spy that dialed
	// later would find the busiest nodes full.)
	s, err := NewSimNet(SimConfig{Nodes: cfg.Nodes, Seed: cfg.Seed,
		Latency: cfg.Latency, MaxInbound: DefaultSimMaxInbound + 1,
		Relay: rc, Genesis: genesis, OnEmit: run.onEmit,
		Extra: []func(simulation.NodeID, *rand.Rand) simulation.Machine{
			spyNode}})
	if err != nil {
		return OriginResult{}, err
	}
	joined := func() bool { return spy.Connected() == cfg.Nodes }
	ok, err := s.Net.RunUntil(joined, originJoinLimit)
	if err != nil || !ok {
		return OriginResult{}, errors.Join(err, fmt.Errorf(
			"origin: the spy reached %d of %d nodes",
			spy.Connected(), cfg.Nodes))
	}
	r := rand.New(rand.NewPCG(cfg.Seed, 8))
	for i, k := range keys {
		tx := Transfer(originChain, k, keys[(i+1)%len(keys)].Address(),
			originAmount, originFee, 0)
		t := &originTx{id: tx.ID(), origin: simulation.NodeID(r.IntN(cfg.Nodes)),
			at: s.Net.Now(), reached: make([]bool, cfg.Nodes)}
		run.txs, run.byID[t.id] = append(run.txs, t), t
		if err := s.Submit(t.origin, tx); err != nil {
			return OriginResult{}, err
		}
		if err := s.Net.RunFor(cfg.Spacing); err != nil {
			return OriginResult{}, err
		}
	}
	done := func() bool { return run.full == cfg.Txs && spy.Seen() == cfg.Txs }
	if _, err := s.Net.RunUntil(done, OriginDrain); err != nil {
		return OriginResult{}, err
	}
	return run.result(cfg.Mode, spy), nil
}

// docs:end origin

// result scores the spy's guesses and the transactions' times.
func (o *originRun) result(mode OriginMode, spy *Spy) OriginResult {
	res := OriginResult{Mode: mode, Txs: len(o.txs)}
	var took []time.Duration
	for _, t := range o.txs {
		if guess, ok := spy.Guess(t.id); ok {
			res.Seen++
			if guess == t.origin {
				res.Correct++
			}
		}
		if t.count == o.nodes {
			took = append(took, t.took)
		}
	}
	res.Missing = len(o.txs) - len(took)
	if res.Seen > 0 {
		res.Precision = float64(res.Correct) / float64(res.Seen)
	}
	slices.Sort(took)
	if len(took) > 0 {
		res.Median, res.Max = took[len(took)/2], took[len(took)-1]
	}
	return res
}

// String is the result in one line.
func (r OriginResult) String() string {
	return fmt.Sprintf("%s: precision %.2f (%d of %d seen, of %d), median %v, max %v, missing %d",
		r.Mode, r.Precision, r.Correct, r.Seen, r.Txs, r.Median, r.Max, r.Missing)
}
