// Package node puts the final node together: chapter 05's discovery
// node (its connection manager, address relay and peer table, in its
// mux) with chapter 07's transaction relay (which holds chapter 06's
// broadcast protocol) and the operator protocol of this package, run by
// chapter 04's real driver over chapter 03's peers, with the store's
// database and the API's server beside it.
package node

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
	chainsync "peerchain/chapters/11-sync"
	"peerchain/final/api"
)

// MachineConfig is what the node's logic is built from: the same for a
// real node and for a simulated one.
type MachineConfig struct {
	Self           simulation.Addr   // where it listens
	Seeds          []simulation.Addr // nodes to ask for addresses
	OutboundTarget int               // 0: discovery.DefaultOutboundTarget
	MaxInbound     int               // 0: discovery.DefaultMaxInbound
	// SeedTimeout is how long a seed connection may wait for the
	// seed's addresses; 0: discovery.DefaultOneShotTimeout (30 s).
	SeedTimeout time.Duration
	// BookKey is the address book's secret; Book, Bans and Anchors are
	// what the node had when it stopped (empty for a new node).
	BookKey [32]byte
	Book    []discovery.KnownAddr
	Bans    []discovery.Ban
	Anchors []simulation.Addr
	// Chain is the network the node runs (zero: wire.DevNet), and
	// Genesis its accounts at the start (nil: the devnet wallets on
	// wire.DevNet, DevnetGenesis).
	Chain   wire.Magic
	Genesis map[transactions.Address]uint64
	Lab     Lab
}

// Lab is learner's code the node runs instead of the chapters': how
// `peerchain node --lab` puts a lab into a live network. Nil fields
// keep the chapters' own.
type Lab struct {
	// Backoff is chapter 05's retry schedule (exercises/05-discovery).
	Backoff func(base, limit time.Duration, attempt int, r *rand.Rand) time.Duration
	// Policy is chapter 06's announce policy (exercises/06-broadcast).
	Policy broadcast.Policy
	// Select is chapter 07's mempool selection
	// (exercises/07-transactions).
	Select transactions.SelectFunc
	// Retarget is chapter 09's difficulty retarget (exercises/09-pow):
	// the bits the node's blocks must have, and its miner's.
	Retarget pow.RetargetFunc
	// Choice is chapter 10's fork choice (exercises/10-forkchoice):
	// the tip the node's tree follows, and the way to it.
	Choice forkchoice.Choice
	// Scheduler is chapter 11's download scheduler
	// (exercises/11-sync): which peer fetches which block.
	Scheduler chainsync.Scheduler
}

// Machine is the node's logic, one simulation.Machine: chapter 05's
// discovery node, with chapter 07's transaction relay (chapter 06's
// broadcast inside it) and the final node's operator protocol
// (operator.go) in its mux, and its chain (chain.go), which the
// broadcast's block type checks against.
type Machine struct {
	*discovery.Node
	cfg    MachineConfig
	relay  *transactions.Relay
	sync   *chainsync.Sync
	ledger *ledger
	items  *itemLog // the newest items delivered, for the API
	blobs  int      // items delivered: the relay's broadcast counts txs too
	// txChanges counts what changed the mempool, so that the node
	// saves it only when it changed.
	txChanges uint64
}

// docs:begin compose

// NewMachine builds the node's logic. r is its only randomness.
func NewMachine(cfg MachineConfig, r *rand.Rand) (*Machine, error) {
	target := cfg.OutboundTarget
	if target == 0 {
		target = discovery.DefaultOutboundTarget
	}
	if cfg.Chain == (wire.Magic{}) {
		cfg.Chain = wire.DevNet
	}
	if cfg.Genesis == nil {
		cfg.Genesis = genesisOf(cfg.Chain)
	}
	op := &operator{}
	bc := broadcast.DefaultConfig()
	if cfg.Lab.Policy != nil {
		bc.Policy = cfg.Lab.Policy
	}
	state := transactions.NewState(cfg.Chain, cfg.Genesis)
	lg, err := newLedger(state, cfg.Lab.Retarget, cfg.Lab.Choice)
	if err != nil {
		return nil, err
	}
	// The relay adds its transactions' type.
	bc.Types = []broadcast.ItemType{Blob, blockType(lg.check)}
	rl, err := transactions.NewRelay(transactions.RelayConfig{
		Chain:     cfg.Chain,
		State:     state, // the chain's: blocks change it
		Broadcast: bc,
		Mempool:   transactions.MempoolConfig{Select: cfg.Lab.Select},
	}, r)
	if err != nil {
		return nil, err
	}
	lg.pool = rl.Mempool()
	sy, err := chainsync.New(chainsync.Config{Tree: lg.tree, Accept: lg.accept,
		Rules:     []blocks.HeaderRule{pow.HeaderRuleWith(lg.params, lg.next)},
		Scheduler: cfg.Lab.Scheduler})
	if err != nil {
		return nil, err
	}
	nc := discovery.NodeConfig{
		Conn: discovery.ConnConfig{
			Self:           cfg.Self,
			Seeds:          cfg.Seeds,
			Anchors:        cfg.Anchors,
			Bans:           cfg.Bans,
			OutboundTarget: cfg.OutboundTarget,
			MaxInbound:     cfg.MaxInbound,
			OneShotTimeout: cfg.SeedTimeout,
			Backoff:        cfg.Lab.Backoff,
		},
		Book:  discovery.BookConfig{Key: cfg.BookKey},
		Extra: []discovery.Protocol{rl, sy, op},
	}
	if len(cfg.Book) > 0 {
		nc.Restore = &discovery.BookSnapshot{Key: cfg.BookKey, Addrs: cfg.Book}
	}
	n, err := discovery.NewNode(nc, r)
	if err != nil {
		return nil, err
	}
	op.cm = n.ConnManager()
	rl.SetScorer(n.ConnManager().Table()) // bad input costs points
	sy.SetScorer(n.ConnManager().Table())
	cfg.OutboundTarget = target
	return &Machine{Node: n, cfg: cfg, relay: rl, sync: sy, ledger: lg,
		items: newItemLog(maxItemLog)}, nil
}

// docs:end compose

// Handle implements simulation.Machine: the mux's, noting each item
// delivered, as it is emitted, for the API, and answering a
// transaction the API submitted with what the relay said of it.
func (m *Machine) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	sub, ev := unwrapSubmit(ev)
	m.ledger.now = now
	out := m.handle(now, ev)
	for _, a := range out {
		e, ok := a.(simulation.Emit)
		if !ok {
			continue
		}
		switch v := e.Value.(type) {
		case broadcast.Delivered:
			if v.Item.Type == Blob.Code {
				m.items.add(now, v)
				m.blobs++
			}
		case transactions.Accepted:
			m.txChanges++
			if sub != nil && v.From == 0 && v.Tx.ID() == sub.id {
				sub.reply <- nil
				sub = nil
			}
		case transactions.Refused:
			if sub != nil && v.ID == sub.id {
				sub.reply <- v.Err
				sub = nil
			}
		case transactions.Dropped, BlockConnected:
			m.txChanges++ // a block takes its transactions out
		}
	}
	if sub != nil { // the relay answers every Submit: this is a bug
		sub.reply <- errNoAnswer
	}
	return out
}

// handle is the mux's Handle, with what the ledger did: the orphans it
// took in published, to relay, and the parents of those it could not
// asked of the peers.
func (m *Machine) handle(now time.Time, ev simulation.Event) []simulation.Action {
	// A copy: the mux returns the same buffer from every Handle, and
	// the loop below calls it again.
	out := append(slices.Clone(m.Node.Handle(now, ev)), m.ledger.takeOut()...)
	for len(m.ledger.republish) > 0 || len(m.ledger.wants) > 0 {
		var in any
		if len(m.ledger.republish) > 0 {
			in = broadcast.Publish{Item: m.ledger.republish[0]}
			m.ledger.republish = m.ledger.republish[1:]
		} else {
			in = broadcast.Want{Type: blocks.BlockItem, ID: broadcast.ID(m.ledger.wants[0])}
			m.ledger.wants = m.ledger.wants[1:]
		}
		local := simulation.Local{Value: discovery.Input{To: transactions.Name, Value: in}}
		out = append(out, m.Node.Handle(now, local)...)
		out = append(out, m.ledger.takeOut()...)
	}
	return syncedLast(out)
}

// syncedLast moves chapter 11's Synced after the ledger's emits: the
// ledger's blocks, connected inside the sync's Handle, come out after
// it, and Synced should follow the blocks it counts.
func syncedLast(out []simulation.Action) []simulation.Action {
	var synced []simulation.Action
	kept := out[:0]
	for _, a := range out {
		if e, ok := a.(simulation.Emit); ok {
			if _, ok := e.Value.(chainsync.Synced); ok {
				synced = append(synced, a)
				continue
			}
		}
		kept = append(kept, a)
	}
	return append(kept, synced...)
}

// Broadcast is the node's broadcast protocol, inside its relay, for
// tests and the simulator. Only the loop may use it.
func (m *Machine) Broadcast() *broadcast.Protocol { return m.relay.Broadcast() }

// Relay is the node's transaction relay. Only the loop may use it.
func (m *Machine) Relay() *transactions.Relay { return m.relay }

// OutboundTarget is how many outbound connections the node keeps.
func (m *Machine) OutboundTarget() int { return m.cfg.OutboundTarget }

// Status is what the node knows at now, in the API's terms, less what
// only the program running it knows (its API address, start, name).
// Only the loop may call it: it reads the machine.
func (m *Machine) Status(now time.Time) api.Status {
	tip := m.ledger.chain.TipHeader()
	s := api.Status{
		Listen:         string(m.ConnManager().Self()),
		OutboundTarget: m.cfg.OutboundTarget,
		Bans:           len(m.Bans(now)),
		Items:          m.blobs,
		Mempool:        m.relay.Mempool().Len(),
		Height:         m.ledger.chain.Height(),
		Tip:            m.ledger.chain.Tip().String(),
		TipTime:        tip.Timestamp(),
		LastInterval:   m.ledger.lastInterval().Seconds(),
		Aside:          m.ledger.aside(),
		Reorgs:         m.ledger.reorgs,
		DeepestReorg:   m.ledger.deepest,
		ChainWork:      fmt.Sprintf("%064x", m.ledger.tree.Tip().Work),
		// The header tree learns of a block the broadcast brought at
		// the sync's next event: it is never behind the chain.
		Headers: max(m.sync.Headers().Best().Height, m.ledger.chain.Height()),
		Synced:  m.sync.Synced(),
	}
	for _, p := range m.Peers() {
		switch p.Kind {
		case discovery.Outbound:
			s.Outbound++
		case discovery.Inbound:
			s.Inbound++
		}
	}
	b := m.BookSummary()
	s.Book = api.Book{New: b.New, Tried: b.Tried}
	return s
}

// PeerList is the connected peers, in the API's terms, oldest first.
func (m *Machine) PeerList() []api.Peer {
	var out []api.Peer
	for _, p := range m.Peers() {
		out = append(out, api.Peer{
			ID: uint64(p.ID), Addr: string(p.Addr), Remote: string(p.Remote),
			Inbound: p.Kind == discovery.Inbound, Kind: p.Kind.String(),
			UserAgent: p.Version.UserAgent, Since: p.Since, Score: p.Score,
		})
	}
	return out
}

// BanList is the bans in force at now, in the API's terms.
func (m *Machine) BanList(now time.Time) []api.Ban {
	var out []api.Ban
	for _, b := range m.Bans(now) {
		out = append(out, api.Ban{Key: b.Key, Until: b.Until, Reason: b.Reason})
	}
	return out
}

// docs:begin ready

// Ready reports whether a node in a network of n nodes has all the
// connections it can get: its outbound target, or every other node.
func Ready(s api.Status, n int) bool {
	return s.Outbound >= s.OutboundTarget || s.Peers() >= n-1
}

// docs:end ready
