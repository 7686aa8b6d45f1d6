package transactions

import (
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
)

// Helpers of the relay's unit tests. Their names start with rt so that
// the other tests of this package do not meet them.

// rtChain is the network of the relay's unit tests.
var rtChain = wire.DevNet

// rtT0 is when the relay's unit stories start.
var rtT0 = simulation.Epoch

// rtFunds is what the genesis gives each of rtKeys.
const rtFunds = 1_000_000

// rtKeys are the wallets of the stories, each funded in rtGenesis.
var rtKeys, rtGenesis = Wallets(4, 70, rtFunds)

// rtSink is where the stories' transfers go: no one's wallet.
var rtSink = Address{0xaa}

// rtFee is a fee over the minimum rate for a transfer with no memo.
const rtFee = 1_000

// rtTx is a transfer of 10 from rtKeys[from], signed.
func rtTx(from int, nonce, fee uint64) *Tx {
	return Transfer(rtChain, rtKeys[from], rtSink, 10, fee, nonce)
}

// rtBadSig is rtTx with its signature broken.
func rtBadSig(from int, nonce uint64) *Tx {
	tx := rtTx(from, nonce, rtFee)
	tx.Sig = slices.Clone(tx.Sig)
	tx.Sig[0] ^= 1
	return tx
}

// rtBroadcast is the relay's broadcast without the periodic inventory,
// so that the only messages are the ones a story provokes.
func rtBroadcast() broadcast.Config {
	c := TxBroadcast()
	c.NoSync = true
	return c
}

// rtConfig is a relay of rtChain on a fresh genesis state, with stem
// (nil: none).
func rtConfig(stem *StemConfig) RelayConfig {
	return RelayConfig{Chain: rtChain, State: NewState(rtChain, rtGenesis),
		Broadcast: rtBroadcast(), Stem: stem}
}

// rtNoFluff is a stem whose nodes (almost) never end it: Fluff 0
// would be the default.
func rtNoFluff() *StemConfig { return &StemConfig{Fluff: 1e-12} }

// rtTable is a fake peer table: it records the points each peer is
// given, and says what kind of connection each peer is on.
type rtTable struct {
	kinds   map[simulation.PeerID]discovery.ConnKind
	points  map[simulation.PeerID]int
	reasons map[simulation.PeerID][]string
}

func newRtTable() *rtTable {
	return &rtTable{kinds: map[simulation.PeerID]discovery.ConnKind{},
		points: map[simulation.PeerID]int{}, reasons: map[simulation.PeerID][]string{}}
}

func (tb *rtTable) Misbehaving(_ time.Time, p simulation.PeerID, points int, reason string) []simulation.Action {
	tb.points[p] += points
	tb.reasons[p] = append(tb.reasons[p], reason)
	return nil
}

func (tb *rtTable) Get(id simulation.PeerID) (discovery.PeerInfo, bool) {
	k, ok := tb.kinds[id]
	return discovery.PeerInfo{ID: id, Kind: k}, ok
}

// rtPeer is a peer a story connects, and the kind of its connection.
type rtPeer struct {
	id   simulation.PeerID
	kind discovery.ConnKind
}

func rtOut(id simulation.PeerID) rtPeer     { return rtPeer{id, discovery.Outbound} }
func rtIn(id simulation.PeerID) rtPeer      { return rtPeer{id, discovery.Inbound} }
func rtFeeler(id simulation.PeerID) rtPeer  { return rtPeer{id, discovery.Feeler} }
func rtOneShot(id simulation.PeerID) rtPeer { return rtPeer{id, discovery.OneShot} }

// rtRig drives one Relay by hand, event by event, as chapter 06's rig
// drives a Protocol: it keeps the clock, and fires the timers the relay
// sets as time is advanced, as a driver would.
type rtRig struct {
	t      *testing.T
	rl     *Relay
	table  *rtTable
	now    time.Time
	timers map[simulation.TimerID]time.Time
}

// newRtRig starts a relay of cfg, its randomness seeded with seed,
// scored by a fake table, and connects peers.
func newRtRig(t *testing.T, cfg RelayConfig, seed uint64, peers ...rtPeer) *rtRig {
	t.Helper()
	rl, err := NewRelay(cfg, rand.New(rand.NewPCG(seed, 71)))
	require.NoError(t, err)
	r := &rtRig{t: t, rl: rl, table: newRtTable(), now: rtT0,
		timers: map[simulation.TimerID]time.Time{}}
	rl.SetScorer(r.table)
	r.handle(simulation.Start{})
	for _, p := range peers {
		r.connect(p)
	}
	return r
}

// handle gives the relay an event now, notes the timers it sets or
// stops, and returns a copy of its actions.
func (r *rtRig) handle(ev simulation.Event) []simulation.Action {
	acts := slices.Clone(r.rl.Handle(r.now, ev))
	for _, a := range acts {
		switch a := a.(type) {
		case simulation.SetTimer:
			r.timers[a.Timer] = r.now.Add(a.After)
		case simulation.StopTimer:
			delete(r.timers, a.Timer)
		}
	}
	return acts
}

// connect tells the table the peer's kind, then the relay that it
// connected.
func (r *rtRig) connect(p rtPeer) []simulation.Action {
	r.table.kinds[p.id] = p.kind
	return r.handle(simulation.PeerConnected{Peer: p.id, Inbound: p.kind == discovery.Inbound})
}

// disconnect tells the relay a peer left, then the table.
func (r *rtRig) disconnect(id simulation.PeerID) []simulation.Action {
	acts := r.handle(simulation.PeerDisconnected{Peer: id})
	delete(r.table.kinds, id)
	return acts
}

// recv delivers messages from a peer, now.
func (r *rtRig) recv(from simulation.PeerID, msgs ...wire.Message) []simulation.Action {
	var out []simulation.Action
	for _, m := range msgs {
		out = append(out, r.handle(simulation.MessageReceived{From: from, Msg: m})...)
	}
	return out
}

// submit gives the relay transactions from its own wallet, now.
func (r *rtRig) submit(txs ...*Tx) []simulation.Action {
	var out []simulation.Action
	for _, tx := range txs {
		out = append(out, r.handle(simulation.Local{Value: Submit{Tx: tx}})...)
	}
	return out
}

// stem passes a transaction to the relay along a stem, from a peer.
func (r *rtRig) stem(from simulation.PeerID, tx *Tx) []simulation.Action {
	return r.recv(from, &MsgTx{Tx: *tx})
}

// offer has a peer announce transactions by broadcast, and answer the
// getdata the relay sends it with the transactions: chapter 06's
// announce and fetch, from the peer's side. It returns every action.
func (r *rtRig) offer(from simulation.PeerID, txs ...*Tx) []simulation.Action {
	r.t.Helper()
	inv := &broadcast.MsgInv{}
	items := &broadcast.MsgItems{}
	for _, tx := range txs {
		inv.List = append(inv.List, broadcast.InvVect{Type: TxItem, ID: tx.ID()})
		items.Items = append(items.Items, rtItem(r.t, tx))
	}
	acts := r.recv(from, inv)
	asked := rtSends[*broadcast.MsgGetData](acts)[from]
	require.Len(r.t, asked, 1, "the relay asks the announcer at once")
	require.Len(r.t, asked[0].List, len(txs), "for every transaction announced")
	return append(acts, r.recv(from, items)...)
}

// advance moves the clock on by d, firing every timer that falls due
// on the way, earliest first, and returns what the relay did.
func (r *rtRig) advance(d time.Duration) []simulation.Action {
	end := r.now.Add(d)
	var out []simulation.Action
	for {
		var next simulation.TimerID
		var at time.Time
		found := false
		for id, when := range r.timers {
			if when.After(end) {
				continue
			}
			if !found || when.Before(at) || (when.Equal(at) && id < next) {
				next, at, found = id, when, true
			}
		}
		if !found {
			break
		}
		delete(r.timers, next)
		r.now = at
		out = append(out, r.handle(simulation.TimerFired{Timer: next})...)
	}
	r.now = end
	return out
}

// rtItem is a transaction as a chapter 06 item.
func rtItem(t testing.TB, tx *Tx) broadcast.Item {
	t.Helper()
	data, err := tx.Bytes()
	require.NoError(t, err)
	return broadcast.Item{Type: TxItem, ID: tx.ID(), Data: data}
}

// rtEmitted lists the values of type T that acts emit.
func rtEmitted[T any](acts []simulation.Action) []T {
	var out []T
	for _, a := range acts {
		if e, ok := a.(simulation.Emit); ok {
			if v, ok := e.Value.(T); ok {
				out = append(out, v)
			}
		}
	}
	return out
}

// rtSends lists the messages of type M in acts, by the peer they go to.
func rtSends[M wire.Message](acts []simulation.Action) map[simulation.PeerID][]M {
	out := map[simulation.PeerID][]M{}
	for _, a := range acts {
		if s, ok := a.(simulation.Send); ok {
			if m, ok := s.Msg.(M); ok {
				out[s.To] = append(out[s.To], m)
			}
		}
	}
	return out
}

// rtStems is the transactions acts pass along a stem, as rtIDs, by
// the peer they go to.
func rtStems(acts []simulation.Action) map[simulation.PeerID][]string {
	out := map[simulation.PeerID][]string{}
	for to, ms := range rtSends[*MsgTx](acts) {
		for _, m := range ms {
			out[to] = append(out[to], m.Tx.ID().String())
		}
	}
	return out
}

// rtAnnounced is the IDs acts announce by broadcast, as rtIDs, by the
// peer they go to: in inv messages and riding on items messages.
func rtAnnounced(acts []simulation.Action) map[simulation.PeerID][]string {
	out := map[simulation.PeerID][]string{}
	for _, a := range acts {
		s, ok := a.(simulation.Send)
		if !ok {
			continue
		}
		var list []broadcast.InvVect
		switch m := s.Msg.(type) {
		case *broadcast.MsgInv:
			list = m.List
		case *broadcast.MsgItems:
			list = m.Inv
		}
		for _, v := range list {
			out[s.To] = append(out[s.To], v.ID.String())
		}
	}
	return out
}

// rtIDs is the IDs of transactions, in order, each as its short
// string: a failure prints one line a transaction, not a dump of bytes.
func rtIDs(txs ...*Tx) []string {
	out := make([]string, len(txs))
	for i, tx := range txs {
		out[i] = tx.ID().String()
	}
	return out
}

// rtAcc is an Accepted, its transaction named by its rtIDs string.
type rtAcc struct {
	ID   string
	From simulation.PeerID
	Stem bool
}

// rtAccepted is the Accepted that acts emit, in order.
func rtAccepted(acts []simulation.Action) []rtAcc {
	var out []rtAcc
	for _, a := range rtEmitted[Accepted](acts) {
		out = append(out, rtAcc{ID: a.Tx.ID().String(), From: a.From, Stem: a.Stem})
	}
	return out
}

// rtDropped is the transactions of the Dropped that acts emit, as
// rtIDs, by why.
func rtDropped(acts []simulation.Action) map[string][]string {
	out := map[string][]string{}
	for _, d := range rtEmitted[Dropped](acts) {
		out[d.Why] = append(out[d.Why], rtIDs(d.Txs...)...)
	}
	return out
}

// rtTrickle is past the longest wait of an announcement: 3/2 of the
// mean, and the broadcast's request tick.
const rtTrickle = DefaultAnnounceDelay*3/2 + 50*time.Millisecond
