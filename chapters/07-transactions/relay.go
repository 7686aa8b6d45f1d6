package transactions

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
)

// Name is the relay's name in a mux: where Submit goes.
const Name = "tx"

// The relay's own timers sit at the top of its timer space: chapter
// 06's protocol, inside it, counts up from 0, two a peer, and would
// reach these only past 32,000 peers, far beyond chapter 05's limits.
const (
	timerExpire simulation.TimerID = discovery.TimerSpace - 1 - iota
	timerEmbargo
	timerEpoch
)

// InvalidTxPoints is what relaying an invalid transaction costs a peer,
// in points of discovery.BanThreshold: a ban, as chapter 06's invalid
// items. A transaction this node only declines (its nonce is not next
// here, its sender cannot pay) costs nothing: another node's state may
// differ.
const InvalidTxPoints = broadcast.InvalidPoints

// docs:begin local

// Submit is local input: a transaction made here, from a wallet or the
// API. Deliver it as discovery.Input{To: transactions.Name, Value:
// transactions.Submit{Tx: tx}}.
type Submit struct{ Tx *Tx }

// Accepted is emitted when a transaction enters the mempool.
type Accepted struct {
	Tx   *Tx
	From simulation.PeerID // 0 when submitted here
	Stem bool              // it came along a stem, not broadcast
}

// Refused is emitted when a Submit is refused, with why.
type Refused struct {
	ID  broadcast.ID
	Err error
}

// Dropped is emitted when transactions leave the mempool unmined.
type Dropped struct {
	Txs []*Tx
	Why string // "replaced", "evicted", "expired"
}

// docs:end local

// stemmed is a transaction passed along a stem: when to broadcast it
// if it has not come back by then.
type stemmed struct {
	tx  *Tx
	due time.Time
}

// Relay is the transaction relay, one discovery.Protocol: a mempool, a
// chapter 06 broadcast whose transactions the mempool checks, and the
// optional stem phase before it.
type Relay struct {
	cfg    RelayConfig
	pool   *Mempool
	b      *broadcast.Protocol
	r      *rand.Rand
	scorer broadcast.Scorer

	now      time.Time
	outbound map[simulation.PeerID]bool // connected full peers: true if we dialed them
	relay    simulation.PeerID          // the stem relay, 0 when none
	stem     map[broadcast.ID]stemmed
	orphans  *orphans
	ready    []*Tx             // orphans adopted, to broadcast
	armedAt  time.Time         // when the embargo timer fires; zero: not set
	from     simulation.PeerID // whose message the broadcast handles
	extra    []simulation.Action
	out      []simulation.Action
}

// NewRelay returns a relay. r is its only randomness, shared with its
// broadcast protocol.
func NewRelay(cfg RelayConfig, r *rand.Rand) (*Relay, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: no random source", ErrRelay)
	}
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	pool, err := NewMempool(cfg.Mempool, cfg.State)
	if err != nil {
		return nil, err
	}
	rl := &Relay{cfg: cfg, pool: pool, r: r,
		outbound: make(map[simulation.PeerID]bool), stem: make(map[broadcast.ID]stemmed),
		orphans: newOrphans()}
	bc := cfg.Broadcast
	bc.Types = append(slices.Clone(bc.Types), broadcast.ItemType{
		Code: TxItem, Name: "tx", MaxSize: MaxTxSize, Check: rl.check})
	rl.b, err = broadcast.New(bc, r)
	if err != nil {
		return nil, err
	}
	return rl, nil
}

// SetScorer sets where bad peers are reported, for the relay and its
// broadcast: chapter 05's PeerTable.
func (rl *Relay) SetScorer(s broadcast.Scorer) {
	rl.scorer = s
	rl.b.SetScorer(s)
}

// Mempool is the relay's mempool, to read between events.
func (rl *Relay) Mempool() *Mempool { return rl.pool }

// State is the chain state the mempool builds on.
func (rl *Relay) State() *State { return rl.cfg.State }

// Broadcast is the chapter 06 protocol inside the relay.
func (rl *Relay) Broadcast() *broadcast.Protocol { return rl.b }

// StemRelay is the peer new transactions go to, 0 when none.
func (rl *Relay) StemRelay() simulation.PeerID { return rl.relay }

func (rl *Relay) Name() string { return Name }
func (rl *Relay) Commands() []string {
	return append(rl.b.Commands(), CmdTx)
}

// docs:begin handle

// Handle implements discovery.Protocol: a stem transaction, a Submit
// and the relay's timers are its own; everything else is the
// broadcast's, whose deliveries it turns into Accepted.
func (rl *Relay) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	rl.now, rl.out = now, nil
	switch e := ev.(type) {
	case simulation.Start:
		rl.set(timerExpire, rl.cfg.ExpireInterval)
		if rl.cfg.Stem != nil {
			rl.set(timerEpoch, rl.cfg.Stem.Epoch)
		}
		rl.pass(now, ev)
	case simulation.PeerConnected:
		rl.connected(e)
		rl.pass(now, ev)
	case simulation.PeerDisconnected:
		rl.disconnected(e.Peer)
		rl.pass(now, ev)
	case simulation.MessageReceived:
		if m, ok := e.Msg.(*MsgTx); ok {
			rl.stemReceived(now, e.From, &m.Tx)
			break
		}
		rl.pass(now, ev)
	case simulation.TimerFired:
		rl.timer(now, e)
	case simulation.Local:
		if s, ok := e.Value.(Submit); ok {
			rl.submit(now, s.Tx)
			break
		}
		rl.pass(now, ev)
	}
	return rl.out
}

// docs:end handle

// pass hands an event to the broadcast, and takes its actions: its
// deliveries become Accepted, and what its checks displaced, Dropped.
func (rl *Relay) pass(now time.Time, ev simulation.Event) {
	rl.from = 0
	if m, ok := ev.(simulation.MessageReceived); ok {
		rl.from = m.From // whose items the checks see
	}
	for _, a := range rl.b.Handle(now, ev) {
		emit, ok := a.(simulation.Emit)
		if !ok {
			rl.out = append(rl.out, a)
			continue
		}
		d, ok := emit.Value.(broadcast.Delivered)
		if !ok || d.Item.Type != TxItem {
			rl.out = append(rl.out, a)
			continue
		}
		if d.From == 0 {
			continue // submitted or stemmed here: Accepted already
		}
		if _, ok := rl.stem[d.Item.ID]; ok {
			delete(rl.stem, d.Item.ID) // our stem came back, broadcast
			continue
		}
		if tx, ok := rl.pool.Get(d.Item.ID); ok {
			rl.emit(Accepted{Tx: tx, From: d.From})
		}
	}
	rl.out = append(rl.out, rl.extra...)
	rl.extra = nil
	rl.flushReady(now)
}

// docs:begin check

// check is the transaction item type's check in the broadcast: the
// mempool's Add. A transaction the mempool takes is one the broadcast
// relays; one that breaks a rule no state can change is invalid, and
// its peer is scored; one the mempool only declines goes no further.
func (rl *Relay) check(id broadcast.ID, data []byte) error {
	if tx, ok := rl.pool.Get(id); ok {
		if raw, err := tx.Bytes(); err == nil && bytes.Equal(raw, data) {
			return nil // ours already: a stem's, or a Submit's
		}
	}
	tx, err := ParseTx(data)
	if err != nil {
		return err
	}
	if tx.ID() != id {
		return fmt.Errorf("%w: %s sent as %s", broadcast.ErrItemID, tx.ID(), id)
	}
	if rl.b.Has(id) {
		return nil // seen, and dropped since: the broadcast takes it no further
	}
	added, err := rl.pool.Add(tx, rl.now)
	if err != nil && !Invalid(err) {
		if errors.Is(err, ErrNonceSkipped) {
			rl.orphans.add(rl.now, tx, rl.from)
		}
		return fmt.Errorf("%w: %w", broadcast.ErrDeclined, err)
	}
	if err != nil {
		return err
	}
	rl.displaced(added, &rl.extra)
	rl.adopt(tx, &rl.extra)
	return nil
}

// adopt takes the orphans that tx's arrival makes next: its sender's
// following nonces, one after another, each then broadcast.
func (rl *Relay) adopt(tx *Tx, out *[]simulation.Action) {
	sender := tx.Sender()
	for nonce := tx.Nonce + 1; ; nonce++ {
		o, ok := rl.orphans.take(sender, nonce)
		if !ok {
			return
		}
		added, err := rl.pool.Add(o.tx, rl.now)
		if err != nil {
			return
		}
		*out = append(*out, simulation.Emit{Value: Accepted{Tx: o.tx, From: o.from}})
		rl.displaced(added, out)
		rl.ready = append(rl.ready, o.tx)
	}
}

// docs:end check

// displaced emits what an Add replaced or evicted.
func (rl *Relay) displaced(a Added, out *[]simulation.Action) {
	if a.Replaced != nil {
		*out = append(*out, simulation.Emit{Value: Dropped{Txs: []*Tx{a.Replaced}, Why: "replaced"}})
	}
	if len(a.Evicted) > 0 {
		*out = append(*out, simulation.Emit{Value: Dropped{Txs: a.Evicted, Why: "evicted"}})
	}
}

// submit takes a local transaction: into the mempool, then along the
// stem, if there is one, or broadcast.
func (rl *Relay) submit(now time.Time, tx *Tx) {
	added, err := rl.pool.Add(tx, now)
	if err != nil {
		rl.emit(Refused{ID: tx.ID(), Err: err})
		return
	}
	rl.emit(Accepted{Tx: tx})
	rl.displaced(added, &rl.out)
	rl.adopt(tx, &rl.out)
	defer rl.flushReady(now)
	if rl.cfg.Stem != nil && rl.relay != 0 {
		rl.stemTo(now, tx, rl.relay)
		return
	}
	rl.fluff(now, tx)
}

// docs:begin stem

// stemReceived takes a transaction along a stem: checked as any, then,
// by a coin's toss, broadcast here or passed on to our stem relay.
func (rl *Relay) stemReceived(now time.Time, from simulation.PeerID, tx *Tx) {
	id := tx.ID()
	if rl.pool.Has(id) || rl.b.Has(id) {
		return // it came round a loop, or was broadcast already
	}
	added, err := rl.pool.Add(tx, now)
	if errors.Is(err, ErrNonceSkipped) {
		rl.orphans.add(now, tx, from)
	}
	if err != nil {
		if Invalid(err) && rl.scorer != nil {
			rl.out = append(rl.out, rl.scorer.Misbehaving(now, from, InvalidTxPoints,
				fmt.Sprintf("invalid transaction: %v", err))...)
		}
		return
	}
	rl.emit(Accepted{Tx: tx, From: from, Stem: true})
	rl.displaced(added, &rl.out)
	rl.adopt(tx, &rl.out)
	defer rl.flushReady(now)
	to := rl.relay
	if rl.cfg.Stem == nil || to == 0 || to == from || rl.r.Float64() < rl.cfg.Stem.Fluff {
		rl.fluff(now, tx)
		return
	}
	rl.stemTo(now, tx, to)
}

// stemTo passes tx to the next node of the stem, and starts its
// embargo: if it has not come back by broadcast in time, we broadcast
// it ourselves.
func (rl *Relay) stemTo(now time.Time, tx *Tx, to simulation.PeerID) {
	rl.out = append(rl.out, simulation.Send{To: to, Msg: &MsgTx{Tx: *tx}})
	if len(rl.stem) >= MaxStem {
		return // no embargo: the stem must not fail, as it rarely does
	}
	mean := rl.cfg.Stem.Embargo
	due := now.Add(mean/2 + time.Duration(rl.r.Int64N(int64(mean))))
	rl.stem[tx.ID()] = stemmed{tx: tx, due: due}
	rl.armEmbargo(now, due)
}

// docs:end stem

// flushReady broadcasts the orphans adopted outside a broadcast check.
func (rl *Relay) flushReady(now time.Time) {
	for len(rl.ready) > 0 {
		tx := rl.ready[0]
		rl.ready = rl.ready[1:]
		rl.fluff(now, tx)
	}
}

// fluff broadcasts a transaction held in the mempool.
func (rl *Relay) fluff(now time.Time, tx *Tx) {
	data, err := tx.Bytes()
	if err != nil {
		return // Add took it: it encodes
	}
	item := broadcast.Item{Type: TxItem, ID: tx.ID(), Data: data}
	rl.pass(now, simulation.Local{Value: broadcast.Publish{Item: item}})
}

// armEmbargo sets the embargo timer for a stem due then, unless it is
// set for sooner: each stem's embargo ends at its own due.
func (rl *Relay) armEmbargo(now, due time.Time) {
	if !rl.armedAt.IsZero() && !due.Before(rl.armedAt) {
		return
	}
	rl.armedAt = due
	rl.set(timerEmbargo, max(due.Sub(now), 0))
}

func (rl *Relay) timer(now time.Time, e simulation.TimerFired) {
	switch e.Timer {
	case timerExpire:
		if gone := rl.pool.Expire(now); len(gone) > 0 {
			rl.emit(Dropped{Txs: gone, Why: "expired"})
		}
		rl.set(timerExpire, rl.cfg.ExpireInterval)
	case timerEmbargo:
		rl.armedAt = time.Time{}
		var next time.Time // the earliest due still to come
		for _, id := range slices.SortedFunc(maps.Keys(rl.stem), compareID) {
			s := rl.stem[id]
			if s.due.After(now) {
				if next.IsZero() || s.due.Before(next) {
					next = s.due
				}
				continue
			}
			delete(rl.stem, id)
			if rl.pool.Has(id) && !rl.b.Has(id) {
				rl.fluff(now, s.tx)
			}
		}
		if !next.IsZero() {
			rl.armEmbargo(now, next)
		}
	case timerEpoch:
		rl.pickRelay()
		rl.set(timerEpoch, rl.cfg.Stem.Epoch)
	default:
		rl.pass(now, e)
	}
}

func compareID(a, b broadcast.ID) int { return bytes.Compare(a[:], b[:]) }

// kinds is what a scorer may also say: what a connection is for.
type kinds interface {
	Get(simulation.PeerID) (discovery.PeerInfo, bool)
}

// connected notes a full peer; the first outbound one, if we have no
// stem relay yet, becomes it.
func (rl *Relay) connected(e simulation.PeerConnected) {
	info, known := discovery.PeerInfo{}, false
	if k, ok := rl.scorer.(kinds); ok {
		info, known = k.Get(e.Peer)
	}
	if known && (info.Kind == discovery.Feeler || info.Kind == discovery.OneShot) {
		return
	}
	// Without a peer table, the event says who dialed.
	rl.outbound[e.Peer] = info.Kind == discovery.Outbound
	if !known {
		rl.outbound[e.Peer] = !e.Inbound
	}
	if rl.relay == 0 {
		rl.pickRelay()
	}
}

func (rl *Relay) disconnected(id simulation.PeerID) {
	delete(rl.outbound, id)
	if rl.relay == id {
		rl.pickRelay()
	}
}

// docs:begin pick-relay

// pickRelay chooses the stem relay: an outbound peer, one we chose, so
// that a spy cannot make itself every node's relay by connecting to it.
func (rl *Relay) pickRelay() {
	rl.relay = 0
	if rl.cfg.Stem == nil {
		return
	}
	var candidates []simulation.PeerID
	for _, id := range slices.Sorted(maps.Keys(rl.outbound)) {
		if rl.outbound[id] {
			candidates = append(candidates, id)
		}
	}
	if len(candidates) > 0 {
		rl.relay = candidates[rl.r.IntN(len(candidates))]
	}
}

// docs:end pick-relay

func (rl *Relay) emit(v any) { rl.out = append(rl.out, simulation.Emit{Value: v}) }
func (rl *Relay) set(t simulation.TimerID, d time.Duration) {
	rl.out = append(rl.out, simulation.SetTimer{Timer: t, After: d})
}

// Registry is chapter 02's registry with discovery's, broadcast's and
// this chapter's messages.
func Registry() (*wire.Registry, error) {
	r, err := broadcast.Registry()
	if err != nil {
		return nil, err
	}
	if err := r.Register(Messages()...); err != nil {
		return nil, err
	}
	return r, nil
}

// NewNode is a discovery node with the relay in its mux, scored by the
// connection manager's peer table.
func NewNode(nc discovery.NodeConfig, rc RelayConfig, r *rand.Rand) (*discovery.Node, *Relay, error) {
	rl, err := NewRelay(rc, r)
	if err != nil {
		return nil, nil, err
	}
	nc.Extra = append(nc.Extra, rl)
	n, err := discovery.NewNode(nc, r)
	if err != nil {
		return nil, nil, err
	}
	rl.SetScorer(n.ConnManager().Table())
	return n, rl, nil
}
