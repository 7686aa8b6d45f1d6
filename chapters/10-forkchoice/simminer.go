package forkchoice

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"slices"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

// What a simulated miner emits, for the SimNet's record and the demo.
type (
	// SimMined: the node found a block and added it to its tree.
	SimMined struct{ Block SimBlockID }
	// SimAccepted: the node's tree took in a block from a peer (or
	// from its orphans, once its parent came); Main says whether the
	// node follows it now or keeps it on a side branch.
	SimAccepted struct {
		Block SimBlockID
		From  simulation.PeerID
		Main  bool
	}
	// SimReorg: the node's chain changed branch, taking Off blocks off
	// and putting On on, to Tip.
	SimReorg struct {
		Off, On int
		Fork    SimBlockID // the last block the two branches share
		Tip     SimBlockID
	}
	// SimFault: something the simulation should never see, such as a
	// block refused. A test fails on it.
	SimFault struct{ Err error }
)

// SimBlockID names a block in what the nodes emit.
type SimBlockID struct {
	Hash   blocks.Hash
	Height uint64
}

func idOf(n *Node) SimBlockID { return SimBlockID{Hash: n.Hash, Height: n.Height} }

// SimMineNow, injected as a Local event, makes a node find a block at
// once: how a test makes a chosen node mine, and how SimNet.Settle
// breaks a tie that no more mining would.
type SimMineNow struct{}

// ErrSim is a fault of the simulated network.
var ErrSim = errors.New("simulated mining network")

const mineTimer simulation.TimerID = 1

// docs:begin simminer

// simMiner is one node of the simulated network: a Tree, a miner that
// finds blocks at random as a Poisson process, and the relay of every
// block its tree takes in.
type simMiner struct {
	tree  *Tree
	net   *blocks.Network
	r     *rand.Rand
	mean  time.Duration // mean time to find a block; 0: never
	until time.Duration // mining stops this long after the start
	peers []simulation.PeerID
	to    transactions.Address
	bits  uint32
	pad   int // BlockSize, less the block's own encoding
	out   []simulation.Action
}

func (m *simMiner) Handle(now time.Time,
	ev simulation.Event) []simulation.Action {
	m.out = m.out[:0]
	switch ev := ev.(type) {
	case simulation.Start:
		m.arm()
	case simulation.PeerConnected:
		m.peers = append(m.peers, ev.Peer)
	case simulation.PeerDisconnected:
		m.peers = slices.DeleteFunc(m.peers,
			func(p simulation.PeerID) bool { return p == ev.Peer })
	case simulation.TimerFired:
		if m.until == 0 || now.Sub(simulation.Epoch) < m.until {
			m.mine(now)
			m.arm()
		}
	case simulation.Local:
		if _, ok := ev.Value.(SimMineNow); ok {
			m.mine(now)
		}
	case simulation.MessageReceived:
		m.receive(now, ev.From, ev.Msg)
	}
	return m.out
}

// arm sets the time to the next block: exponential, so that the
// network's blocks come as a Poisson process whatever came before.
func (m *simMiner) arm() {
	if m.mean > 0 {
		after := time.Duration(m.r.ExpFloat64() * float64(m.mean))
		m.out = append(m.out,
			simulation.SetTimer{Timer: mineTimer, After: after})
	}
}

// mine finds a block on the tip, takes it in and sends it to every peer.
func (m *simMiner) mine(now time.Time) {
	parent := m.tree.Tip()
	// Headers count whole seconds.
	at := chainTime(m.net, now).Truncate(time.Second)
	mtp := time.Unix(int64(blocks.MedianTimePast(m.tree.Chain())), 0)
	if !at.After(mtp) {
		at = mtp.Add(time.Second)
	}
	b := BlockOn(parent, m.net, m.to, nil, at, m.bits)
	c, err := m.tree.Add(b, chainTime(m.net, now))
	if err != nil {
		m.emit(SimFault{Err: err})
		return
	}
	m.emit(SimMined{Block: SimBlockID{Hash: b.Hash(),
		Height: parent.Height + 1}})
	m.changed(c)
	m.relay(b, 0)
}

// docs:end simminer

// docs:begin simreceive

// receive takes in a peer's block, relays what the tree accepted, and
// asks the peer for the parent of an orphan.
func (m *simMiner) receive(now time.Time, from simulation.PeerID,
	msg wire.Message) {
	switch msg := msg.(type) {
	case *msgSimGetBlock:
		if b, ok := m.tree.Block(msg.Hash); ok {
			m.send(from, newMsgSimBlock(b, m.pad))
		}
	case *msgSimBlock:
		if _, ok := m.tree.Node(msg.hash); ok {
			return // seen already: from another peer, or ours
		}
		c, err := m.tree.Add(msg.Block, chainTime(m.net, now))
		switch {
		case errors.Is(err, ErrDuplicate):
			return // seen already: from another peer, or ours
		case err != nil:
			m.emit(SimFault{Err: err})
			return
		case c.Orphaned:
			m.send(from, &msgSimGetBlock{Hash: msg.Block.Header.PrevBlock})
			return
		}
		for _, n := range c.Added {
			m.emit(SimAccepted{Block: idOf(n), From: from,
				Main: m.tree.OnMain(n)})
		}
		m.changed(c)
		for _, n := range c.Added {
			b, _ := m.tree.Block(n.Hash)
			m.relay(b, from)
		}
	}
}

// docs:end simreceive

// changed emits a reorganisation, and what should never happen.
func (m *simMiner) changed(c *Change) {
	if c.Reorg() {
		tip := m.tree.Tip()
		fork := tip.Ancestor(tip.Height - uint64(len(c.Connected)))
		m.emit(SimReorg{Off: len(c.Disconnected), On: len(c.Connected),
			Fork: idOf(fork), Tip: idOf(tip)})
	}
	for _, bad := range c.Invalid {
		m.emit(SimFault{Err: bad.Err})
	}
}

// relay sends a block to every peer but the one it came from.
func (m *simMiner) relay(b *blocks.Block, from simulation.PeerID) {
	msg := newMsgSimBlock(b, m.pad)
	for _, p := range m.peers {
		if p != from {
			m.send(p, msg)
		}
	}
}

func (m *simMiner) send(to simulation.PeerID, msg wire.Message) {
	m.out = append(m.out, simulation.Send{To: to, Msg: msg})
}

func (m *simMiner) emit(v any) { m.out = append(m.out, simulation.Emit{Value: v}) }

// chainTime is the simulation's clock as the chain counts time: the
// genesis block's time, plus the virtual time since the start.
func chainTime(net *blocks.Network, now time.Time) time.Time {
	return net.Genesis.Header.Timestamp().Add(now.Sub(simulation.Epoch))
}

// minerAddress is the address node id's coinbase pays: each miner its
// own, so two miners' blocks on one parent in one second still differ.
func minerAddress(id simulation.NodeID) transactions.Address {
	var a transactions.Address
	binary.BigEndian.PutUint64(a[:], uint64(id)+1)
	return a
}
