package main

import (
	"fmt"
	"time"

	"github.com/fatih/color"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	bc "peerchain/chapters/06-broadcast"
	txn "peerchain/chapters/07-transactions"
)

// invalidWait is how long the peers have to check the bad transfer.
const invalidWait = 5 * time.Second

// invalid has the last node hand its peers in the overlay, as a
// broadcast push, a transfer whose signature is wrong: each bans it, and no
// mempool holds the transfer.
func (d *demo) invalid() {
	liar := simulation.NodeID(d.o.nodes - 1)
	n, ok := d.s.Net.Machine(liar).(*discovery.Node)
	if !ok {
		d.fail(fmt.Errorf("node %d is not a discovery node", liar))
		return
	}
	var peers []simulation.PeerID
	for _, p := range n.Peers() {
		node, ok := nodeOf(p.Addr)
		if ok && (p.Kind == discovery.Outbound || p.Kind == discovery.Inbound && d.dialed(node, liar)) {
			peers = append(peers, p.ID)
			d.liarPeers = append(d.liarPeers, node)
		}
	}
	bad := txn.Transfer(chain, d.keys[0], d.keys[1].Address(), 10, 300, d.next[0])
	bad.Sig[0] ^= 1
	d.bad = bad
	data, err := bad.Bytes()
	if err != nil {
		d.fail(err)
		return
	}
	fmt.Fprintf(d.out, "\nAn invalid transfer: node %d pushes %s, its signature broken, to its %s\n",
		liar, bad.ID(), plural(len(peers), "peer"))
	items := &bc.MsgItems{Items: []bc.Item{{Type: txn.TxItem, ID: bad.ID(), Data: data}}}
	bansBefore := len(d.bans)
	for _, p := range peers {
		d.fail(d.s.Net.Act(liar, simulation.Send{To: p, Msg: items}))
	}
	d.runTo(d.elapsed() + invalidWait)
	if d.err != nil {
		return
	}
	banned := map[simulation.NodeID]bool{}
	for _, e := range d.bans[bansBefore:] {
		b, ok := e.Value.(discovery.Banned)
		if !ok || b.Addr != simulation.SimAddr(liar) {
			continue
		}
		banned[e.Node] = true
		fmt.Fprintf(d.out, "  %8v  node %d bans %s: %s\n",
			(e.At.Sub(simulation.Epoch) - d.start).Round(time.Millisecond), e.Node, b.Addr, b.Reason)
	}
	holders := 0
	for _, rl := range d.s.Relays {
		if rl.Mempool().Has(bad.ID()) {
			holders++
		}
	}
	line := fmt.Sprintf("  %d of %s banned node %d; %s is in %d of %d mempools",
		len(banned), plural(len(peers), "peer"), liar, bad.ID(), holders, d.o.nodes)
	if len(banned) == len(peers) && holders == 0 {
		fmt.Fprintln(d.out, color.GreenString("%s", line))
		return
	}
	fmt.Fprintln(d.out, color.RedString("%s", line))
}

// dialed says whether node from holds an outbound connection to node
// to: a full one, which an inbound one at to may not be.
func (d *demo) dialed(from, to simulation.NodeID) bool {
	n, ok := d.s.Net.Machine(from).(*discovery.Node)
	if !ok {
		return false
	}
	for _, p := range n.Peers() {
		if p.Kind == discovery.Outbound && p.Addr == simulation.SimAddr(to) {
			return true
		}
	}
	return false
}
