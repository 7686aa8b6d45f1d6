package main

import (
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/fatih/color"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	bc "peerchain/chapters/06-broadcast"
	txn "peerchain/chapters/07-transactions"
	labtxn "peerchain/exercises/07-transactions"
)

// chain is the network the demo's transfers are signed for.
var chain = wire.DevNet

// The wallets and what they send.
const (
	walletFunds = 15_000 // each wallet's genesis balance
	minAmount   = 1_000
	maxAmount   = 5_000
	maxFeeRate  = 4 // units a byte a wallet offers, at most, above 1
	// stingyOdds: one transfer in stingyOdds offers half the minimum
	// fee, as a wallet with a stale fee estimate would.
	stingyOdds = 10
	// overlayLimit bounds the wait, after the warm-up, for the overlay
	// to reach every node: a transfer submitted at a node with no peer
	// would stay there.
	overlayLimit = 2 * time.Minute
	// drainLimit bounds the wait, once transfers stop, for every
	// mempool to hold every accepted one.
	drainLimit = time.Minute
)

// memos are what wallets write on their transfers: they make sizes,
// and so fee rates, differ.
var memos = []string{"", "", "coffee", "rent", "lunch with Ana", "invoice 2041", "thanks!"}

// holding is one node holding one transaction.
type holding struct {
	node simulation.NodeID
	id   bc.ID
}

// demo is one run: the network, the wallets, and what the nodes have
// emitted so far.
type demo struct {
	out     io.Writer
	o       options
	s       *txn.SimNet
	r       *rand.Rand
	keys    []txn.Key
	genesis map[txn.Address]uint64
	wallet  map[txn.Address]int // a key's index
	next    []uint64            // each wallet's next nonce, as it knows it
	start   time.Duration       // when transfers began

	held       map[bc.ID]int // how many mempools hold each transaction
	in         map[holding]bool
	most       map[bc.ID]int  // the most mempools each was ever in
	ours       map[bc.ID]bool // the transfers of the first part
	accepted   map[bc.ID]bool // of ours, accepted somewhere
	everywhere int            // of ours, in every mempool
	allAt      time.Duration  // when the last of ours reached the last mempool
	submitted  int
	refused    map[string]int // by reason
	bans       []simulation.Emitted

	// What the scenes made, for a test to check.
	spendA, spendB, bad *txn.Tx
	liarPeers           []simulation.NodeID
	block               []*txn.Tx

	err error // the simulator's first; every run stops at it
}

// simulate runs the whole demo.
func simulate(out io.Writer, o options) error {
	_, err := runDemo(out, o)
	return err
}

// runDemo runs the whole demo and returns it, for a test to look into
// its network.
func runDemo(out io.Writer, o options) (*demo, error) {
	d, err := newDemo(out, o)
	if err != nil {
		return nil, err
	}
	for _, part := range []func(){d.transfers, d.conflict, d.invalid} {
		if part(); d.err != nil {
			return d, d.err
		}
	}
	return d, d.nextBlock()
}

// newDemo builds the network and lets its overlay form.
func newDemo(out io.Writer, o options) (*demo, error) {
	keys, genesis := txn.Wallets(o.wallets, o.seed, walletFunds)
	d := &demo{out: out, o: o, r: rand.New(rand.NewPCG(o.seed, 0x7)),
		keys: keys, genesis: genesis, wallet: make(map[txn.Address]int, len(keys)),
		next: make([]uint64, len(keys)), held: map[bc.ID]int{}, in: map[holding]bool{},
		most: map[bc.ID]int{}, ours: map[bc.ID]bool{}, accepted: map[bc.ID]bool{},
		refused: map[string]int{}}
	for i, k := range keys {
		d.wallet[k.Address()] = i
	}
	rc := txn.RelayConfig{Chain: chain, Broadcast: o.policy.cfg}
	if o.stem {
		rc.Stem = &txn.StemConfig{}
	}
	if o.lab {
		rc.Mempool.Select = labtxn.Select
	}
	s, err := txn.NewSimNet(txn.SimConfig{Nodes: o.nodes, Seed: o.seed, Genesis: genesis,
		Relay: rc, OnEmit: d.onEmit})
	if err != nil {
		return nil, err
	}
	d.s = s
	for waited := time.Duration(0); len(d.hops(0)) < o.nodes && waited < overlayLimit; waited += time.Second {
		if err := s.Net.RunFor(time.Second); err != nil {
			return nil, err
		}
	}
	d.start = s.Net.Elapsed()
	return d, nil
}

// onEmit keeps count of what every mempool holds, what was refused
// and who was banned.
func (d *demo) onEmit(e simulation.Emitted) {
	switch v := e.Value.(type) {
	case txn.Accepted:
		d.hold(e.Node, v.Tx)
		if d.everywhere == len(d.accepted) {
			d.allAt = e.At.Sub(simulation.Epoch) - d.start
		}
	case txn.Dropped:
		for _, tx := range v.Txs {
			d.drop(e.Node, tx.ID())
		}
	case txn.Refused:
		d.refused[reason(v.Err)]++
	case discovery.Banned:
		d.bans = append(d.bans, e)
	}
}

func (d *demo) hold(node simulation.NodeID, tx *txn.Tx) {
	id := tx.ID()
	if w, ok := d.wallet[tx.Sender()]; ok && tx.Nonce >= d.next[w] {
		d.next[w] = tx.Nonce + 1
	}
	if d.in[holding{node, id}] {
		return
	}
	d.in[holding{node, id}] = true
	d.held[id]++
	d.most[id] = max(d.most[id], d.held[id])
	if d.ours[id] {
		d.accepted[id] = true
		if d.held[id] == d.o.nodes {
			d.everywhere++
		}
	}
}

func (d *demo) drop(node simulation.NodeID, id bc.ID) {
	if !d.in[holding{node, id}] {
		return
	}
	delete(d.in, holding{node, id})
	if d.ours[id] && d.held[id] == d.o.nodes {
		d.everywhere--
	}
	d.held[id]--
}

// reasons are the refusals a wallet can meet, by their short names.
var reasons = []struct {
	err  error
	name string
}{
	{txn.ErrFeeTooLow, "fee too low"},
	{txn.ErrInsufficient, "insufficient balance"},
	{txn.ErrNonceSkipped, "nonce skipped"},
	{txn.ErrNonceReused, "nonce reused"},
	{txn.ErrReplaceFee, "replacement fee too low"},
	{txn.ErrKnown, "already known"},
	{txn.ErrMempoolFull, "mempool full"},
	{txn.ErrSenderLimit, "too many pending"},
}

// reason names why a mempool refused a transaction.
func reason(err error) string {
	for _, r := range reasons {
		if errors.Is(err, r.err) {
			return r.name
		}
	}
	var re *txn.RuleError
	if errors.As(err, &re) {
		return re.Code.Error()
	}
	return err.Error()
}

// elapsed is the time since transfers began.
func (d *demo) elapsed() time.Duration { return d.s.Net.Elapsed() - d.start }

// runTo runs the network until at, since transfers began.
func (d *demo) runTo(at time.Duration) {
	if d.err != nil {
		return
	}
	if wait := at - d.elapsed(); wait > 0 {
		d.fail(d.s.Net.RunFor(wait))
	}
}

// runUntil runs the network until done, for at most limit, and
// reports whether done came.
func (d *demo) runUntil(done func() bool, limit time.Duration) bool {
	if d.err != nil {
		return false
	}
	ok, err := d.s.Net.RunUntil(done, limit)
	d.fail(err)
	return ok
}

// fail keeps the simulator's first error: the run stops there.
func (d *demo) fail(err error) {
	if err != nil && d.err == nil {
		d.err = fmt.Errorf("simulator: %w", err)
	}
}

// transfers is the first part: wallets submit transfers for the
// run's duration, a line each second, then the wait until every
// mempool holds every accepted one.
func (d *demo) transfers() {
	o := d.o
	stem := "none, each transfer is broadcast from the node it is submitted at"
	if o.stem {
		stem = fmt.Sprintf("Dandelion's, before the broadcast (each node ends it with chance %g)",
			txn.DefaultFluff)
	}
	fmt.Fprintf(d.out, "%d nodes, %v on every message, %d wallets of %d each; seed %d\n",
		o.nodes, txn.DefaultSimLatency, o.wallets, walletFunds, o.seed)
	fmt.Fprintf(d.out, "relay: %s\n", o.policy.name)
	fmt.Fprintf(d.out, "stem: %s\n", stem)
	if left := o.nodes - len(d.hops(0)); left > 0 {
		fmt.Fprintln(d.out, color.RedString("the overlay left %d nodes out after %v: "+
			"what they are given, they keep", left, d.start))
	}
	fmt.Fprintf(d.out, "the overlay forms in %v; then %d transfers a second for %v,\n",
		d.start, o.rate, o.duration)
	fmt.Fprintln(d.out, "each at a random node that has its wallet's previous one. Accepted: in")
	fmt.Fprintln(d.out, "at least one mempool; refused: by the node it was submitted at.")
	fmt.Fprintln(d.out)
	fmt.Fprintln(d.out, "  time  submitted  accepted  in every mempool  refused")
	secs := int(o.duration / time.Second)
	for sec := range secs {
		for k := range o.rate {
			d.runTo(time.Duration(sec)*time.Second + time.Duration(k)*time.Second/time.Duration(o.rate))
			d.submit()
		}
		d.runTo(time.Duration(sec+1) * time.Second)
		if d.err != nil {
			return
		}
		d.line()
	}
	if d.everywhere < len(d.accepted) {
		ok := d.runUntil(func() bool { return d.everywhere == len(d.accepted) }, drainLimit)
		if d.err != nil {
			return
		}
		fmt.Fprintln(d.out, "     …")
		d.line()
		if !ok {
			fmt.Fprintln(d.out, color.RedString("%d accepted transfers never reached every mempool in %v",
				len(d.accepted)-d.everywhere, drainLimit))
			return
		}
	}
	fmt.Fprintf(d.out, "every mempool holds all %d accepted transfers, %v after the last was submitted\n",
		len(d.accepted), (d.allAt - d.lastSubmit()).Round(time.Millisecond))
}

// lastSubmit is when the last transfer was submitted.
func (d *demo) lastSubmit() time.Duration {
	last := d.o.duration - time.Second
	return last + time.Duration(d.o.rate-1)*time.Second/time.Duration(d.o.rate)
}

// line prints the counts so far.
func (d *demo) line() {
	refused, why := 0, d.reasons()
	for _, n := range d.refused {
		refused += n
	}
	every := fmt.Sprintf("%16d", d.everywhere)
	if d.everywhere == len(d.accepted) {
		every = color.GreenString("%s", every)
	}
	no := fmt.Sprintf("%7d", refused)
	if refused > 0 {
		no = color.YellowString("%s", no) + "  " + why
	}
	fmt.Fprintf(d.out, "%6v  %9d  %8d  %s  %s\n", d.elapsed().Round(10*time.Millisecond),
		d.submitted, len(d.accepted), every, no)
}

// reasons counts the refusals by reason, the commonest first.
func (d *demo) reasons() string {
	names := make([]string, 0, len(d.refused))
	for name := range d.refused {
		names = append(names, name)
	}
	slices.SortFunc(names, func(a, b string) int {
		if d.refused[a] != d.refused[b] {
			return d.refused[b] - d.refused[a]
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(names))
	for i, name := range names {
		parts[i] = fmt.Sprintf("%d %s", d.refused[name], name)
	}
	return strings.Join(parts, ", ")
}

// submit has a random wallet sign a transfer with its next nonce and
// submit it at a random node that has its previous one.
func (d *demo) submit() {
	w := d.r.IntN(len(d.keys))
	k := d.keys[w]
	var at []simulation.NodeID
	for i, rl := range d.s.Relays {
		if rl.Mempool().NextNonce(k.Address()) == d.next[w] {
			at = append(at, simulation.NodeID(i))
		}
	}
	if len(at) == 0 {
		return // its previous one was dropped everywhere: it waits
	}
	node := at[d.r.IntN(len(at))]
	to := d.r.IntN(len(d.keys) - 1)
	if to >= w {
		to++
	}
	tx := &txn.Tx{Chain: chain, To: d.keys[to].Address(), Nonce: d.next[w],
		Amount: uint64(minAmount + d.r.IntN(maxAmount-minAmount+1)),
		Memo:   []byte(memos[d.r.IntN(len(memos))])}
	if len(tx.Memo) == 0 {
		tx.Memo = nil
	}
	size := tx.Size()
	tx.Fee = uint64(size*(1+d.r.IntN(maxFeeRate)) + d.r.IntN(size))
	if d.r.IntN(stingyOdds) == 0 {
		tx.Fee = uint64(size / 2)
	}
	tx.Sign(k)
	d.ours[tx.ID()] = true
	d.submitted++
	d.fail(d.s.Submit(node, tx))
}

// name is a wallet's short name, w0 to w39, or the address of one
// that is not a wallet's.
func (d *demo) name(a txn.Address) string {
	if w, ok := d.wallet[a]; ok {
		return fmt.Sprintf("w%d", w)
	}
	return a.String()
}

// plural is "1 peer", "4 peers".
func plural(n int, noun string) string {
	if n == 1 {
		return "1 " + noun
	}
	return fmt.Sprintf("%d %ss", n, noun)
}
