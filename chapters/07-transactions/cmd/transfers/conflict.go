package main

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/fatih/color"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	txn "peerchain/chapters/07-transactions"
)

// The conflicting pair: the first spend's fee, and how long to wait
// for the one that pays the bump to win everywhere.
const (
	conflictAmount = 500
	conflictFee    = 300
	conflictLimit  = time.Minute
)

// conflict has one wallet sign two spends of its next nonce and submit
// them at once at node 0 and at the node farthest from it, the second
// paying the replacement bump: every mempool ends with the second.
func (d *demo) conflict() {
	far, hops := d.farthest(0)
	w, ok := d.conflictWallet(far)
	if !ok {
		fmt.Fprintln(d.out, color.YellowString("\nno wallet has the funds left for two spends of one nonce"))
		return
	}
	k, nonce := d.keys[w], d.next[w]
	to1, to2 := (w+1)%len(d.keys), (w+2)%len(d.keys)
	if to2 == w {
		to2 = to1 // two wallets: both pay the other
	}
	bumped := uint64(conflictFee + conflictFee*txn.DefaultReplaceBump/100)
	a := txn.Transfer(chain, k, d.keys[to1].Address(), conflictAmount, conflictFee, nonce)
	b := txn.Transfer(chain, k, d.keys[to2].Address(), conflictAmount+1, bumped, nonce)
	fmt.Fprintf(d.out, "\nTwo spends of one nonce: w%d signs nonce %d twice, at node 0 and node %d, %s apart\n",
		w, nonce, far, plural(hops, "hop"))
	fmt.Fprintf(d.out, "  A  %s  at node %-3d  w%d pays w%d %d, fee %d\n",
		a.ID(), 0, w, to1, a.Amount, a.Fee)
	fmt.Fprintf(d.out, "  B  %s  at node %-3d  w%d pays w%d %d, fee %d: A's and the %d%% bump\n",
		b.ID(), far, w, to2, b.Amount, b.Fee, txn.DefaultReplaceBump)
	d.spendA, d.spendB = a, b
	d.fail(d.s.Submit(0, a))
	d.fail(d.s.Submit(far, b))
	began := d.elapsed()
	settled := d.runUntil(func() bool {
		return d.held[b.ID()] == d.o.nodes && d.held[a.ID()] == 0
	}, conflictLimit)
	if d.err != nil {
		return
	}
	both := 0
	for _, rl := range d.s.Relays {
		if rl.Mempool().Has(a.ID()) && rl.Mempool().Has(b.ID()) {
			both++
		}
	}
	after := (d.elapsed() - began).Round(time.Millisecond)
	line := fmt.Sprintf("  after %v: B %s in %d of %d mempools, A in %d, both in %d",
		after, b.ID(), d.held[b.ID()], d.o.nodes, d.held[a.ID()], both)
	if settled && both == 0 {
		line = color.GreenString("%s", line)
	} else {
		line = color.RedString("%s", line)
	}
	fmt.Fprintln(d.out, line)
	fmt.Fprintf(d.out, "  (A reached %s before B replaced it)\n", plural(d.most[a.ID()], "mempool"))
}

// conflictWallet picks a wallet whose next nonce node 0 and node far
// agree on, with the funds for either spend.
func (d *demo) conflictWallet(far simulation.NodeID) (int, bool) {
	zero, there := d.s.Relays[0].Mempool(), d.s.Relays[far].Mempool()
	need := uint64(conflictAmount + 1 + conflictFee + conflictFee*txn.DefaultReplaceBump/100)
	start := d.r.IntN(len(d.keys))
	for i := range d.keys {
		w := (start + i) % len(d.keys)
		a := d.keys[w].Address()
		if zero.NextNonce(a) == d.next[w] && there.NextNonce(a) == d.next[w] &&
			zero.Spendable(a) >= need && there.Spendable(a) >= need {
			return w, true
		}
	}
	return 0, false
}

// farthest is the node farthest from node from in the overlay, by
// hops, and how many; ties go to the lowest ID.
func (d *demo) farthest(from simulation.NodeID) (simulation.NodeID, int) {
	dist := d.hops(from)
	best, hops := from, 0
	for id, n := range dist {
		if n > hops || (n == hops && id < best) {
			best, hops = id, n
		}
	}
	return best, hops
}

// hops is how far each node the overlay reaches is from node from.
func (d *demo) hops(from simulation.NodeID) map[simulation.NodeID]int {
	links := d.overlay()
	dist := map[simulation.NodeID]int{from: 0}
	queue := []simulation.NodeID{from}
	for len(queue) > 0 {
		id := queue[0]
		queue = queue[1:]
		for _, peer := range links[id] {
			if _, seen := dist[peer]; !seen {
				dist[peer] = dist[id] + 1
				queue = append(queue, peer)
			}
		}
	}
	return dist
}

// overlay is each node's neighbours over full connections. Only the
// dialer knows that a connection is one (an inbound one may be a
// feeler's or a seed query's), so each node's outbound ones make the
// links, both ways.
func (d *demo) overlay() map[simulation.NodeID][]simulation.NodeID {
	links := map[simulation.NodeID][]simulation.NodeID{}
	for i := range d.o.nodes {
		id := simulation.NodeID(i)
		n, ok := d.s.Net.Machine(id).(*discovery.Node)
		if !ok {
			continue
		}
		for _, p := range n.Peers() {
			if peer, ok := nodeOf(p.Addr); ok && p.Kind == discovery.Outbound && int(peer) < d.o.nodes {
				links[id] = append(links[id], peer)
				links[peer] = append(links[peer], id)
			}
		}
	}
	return links
}

// nodeOf reads the node of a simulated address, sim-N.
func nodeOf(a simulation.Addr) (simulation.NodeID, bool) {
	s, ok := strings.CutPrefix(string(a), "sim-")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return simulation.NodeID(n), err == nil && n >= 0
}
