package transactions

import (
	"errors"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	broadcast "peerchain/chapters/06-broadcast"
)

// Bounds of the spy.
const (
	// MaxSpyRecords bounds the transactions a spy remembers the first
	// announcer of; past it, new ones go unrecorded.
	MaxSpyRecords = 1 << 20
	// SpyRedial is how long the spy waits to dial a node again after
	// a failed dial or a lost connection.
	SpyRedial = time.Second
)

// ErrSpyRefuses is the spy's answer to every inbound dial.
var ErrSpyRefuses = errors.New("the spy takes no inbound connections")

// docs:begin spy

// Spy is an observer connected to every honest node: it dials each
// one, never relays, and guesses that a transaction started at the
// first node to tell it of the transaction, by an inv or by pushing it
// (the "first-spy estimator" of Fanti et al.'s Dandelion papers).
type Spy struct {
	nodes int                                     // it dials nodes 0 to nodes-1
	peers map[simulation.PeerID]simulation.NodeID // whom each connection reaches
	first map[broadcast.ID]simulation.NodeID
	out   []simulation.Action
}

// NewSpy returns a spy of a simulated network whose honest nodes are
// 0 to nodes-1, at their simulation.SimAddr.
func NewSpy(nodes int) *Spy {
	return &Spy{nodes: nodes, peers: make(map[simulation.PeerID]simulation.NodeID),
		first: make(map[broadcast.ID]simulation.NodeID)}
}

// Handle implements simulation.Machine.
func (s *Spy) Handle(_ time.Time, ev simulation.Event) []simulation.Action {
	s.out = s.out[:0]
	switch e := ev.(type) {
	case simulation.Start:
		for id := range s.nodes {
			s.dial(simulation.NodeID(id))
		}
	case simulation.PeerConnected:
		// The address dialed is the node's: it says which one this is.
		if id, err := simulation.ParseSimAddr(e.Addr, s.nodes); err == nil {
			s.peers[e.Peer] = id
		}
	case simulation.PeerDisconnected:
		if id, ok := s.peers[e.Peer]; ok {
			delete(s.peers, e.Peer)
			s.redial(id)
		}
	case simulation.DialFailed:
		if id, err := simulation.ParseSimAddr(e.Addr, s.nodes); err == nil {
			s.redial(id)
		}
	case simulation.TimerFired:
		s.dial(simulation.NodeID(e.Timer))
	case simulation.MessageReceived:
		s.heard(e.From, e.Msg)
	}
	return s.out
}

// heard notes the transactions a message tells of, from whichever node
// sent it. A message of any other kind needs no answer: chapter 05's
// nodes do not hang up on a quiet peer.
func (s *Spy) heard(from simulation.PeerID, msg wire.Message) {
	node, ok := s.peers[from]
	if !ok {
		return
	}
	switch m := msg.(type) {
	case *broadcast.MsgInv:
		s.announced(node, m.List)
	case *broadcast.MsgItems:
		for _, it := range m.Items {
			if it.Type == TxItem {
				s.record(node, it.ID)
			}
		}
		s.announced(node, m.Inv)
	}
}

func (s *Spy) announced(node simulation.NodeID, list []broadcast.InvVect) {
	for _, v := range list {
		if v.Type == TxItem {
			s.record(node, v.ID)
		}
	}
}

func (s *Spy) record(node simulation.NodeID, id broadcast.ID) {
	if _, ok := s.first[id]; !ok && len(s.first) < MaxSpyRecords {
		s.first[id] = node
	}
}

// docs:end spy

// AcceptInbound implements simulation.Acceptor: the spy refuses every
// dial, so that it observes and no honest node picks it as a peer of
// its own (its stem relay among them).
func (s *Spy) AcceptInbound(time.Time, simulation.Addr) error { return ErrSpyRefuses }

// dial connects to an honest node; its redial timer is the node's ID.
func (s *Spy) dial(id simulation.NodeID) {
	s.out = append(s.out, simulation.Dial{Addr: simulation.SimAddr(id)})
}

func (s *Spy) redial(id simulation.NodeID) {
	s.out = append(s.out, simulation.SetTimer{Timer: simulation.TimerID(id), After: SpyRedial})
}

// Guess is the node the spy takes for a transaction's origin: the
// first to tell it of the transaction. ok is false if none has.
func (s *Spy) Guess(id broadcast.ID) (node simulation.NodeID, ok bool) {
	node, ok = s.first[id]
	return node, ok
}

// Seen is how many transactions the spy has heard of.
func (s *Spy) Seen() int { return len(s.first) }

// Connected is how many honest nodes the spy is connected to.
func (s *Spy) Connected() int { return len(s.peers) }
