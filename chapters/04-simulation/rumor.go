package simulation

import (
	"encoding/binary"
	"fmt"
	"io"
	"math/rand/v2"
	"time"

	wire "peerchain/chapters/02-wire"
)

// CmdRumor is the command of MsgRumor.
const CmdRumor = "rumor"

// MaxRumorBody bounds a rumor's body.
const MaxRumorBody = 256

// MsgRumor is a piece of news that spreads by gossip: an ID and a short
// body. It is this chapter's own message, added to the wire registry
// with RumorMessages.
type MsgRumor struct {
	ID   uint64
	Body []byte
}

// RumorMessages is the messages this chapter adds to chapter 02's.
func RumorMessages() []func() wire.Message {
	return []func() wire.Message{func() wire.Message { return &MsgRumor{} }}
}

func (m *MsgRumor) Command() string    { return CmdRumor }
func (m *MsgRumor) String() string     { return fmt.Sprintf("rumor %d", m.ID) }
func (m *MsgRumor) MaxPayload() uint32 { return 8 + 3 + MaxRumorBody }

func (m *MsgRumor) Encode(w io.Writer) error {
	if len(m.Body) > MaxRumorBody {
		return fmt.Errorf("rumor body: %w: %d bytes, limit %d", wire.ErrTooLong, len(m.Body), MaxRumorBody)
	}
	if _, err := w.Write(binary.LittleEndian.AppendUint64(nil, m.ID)); err != nil {
		return err
	}
	return wire.WriteVarBytes(w, m.Body)
}

func (m *MsgRumor) Decode(r io.Reader) error {
	var id [8]byte
	if _, err := io.ReadFull(r, id[:]); err != nil {
		return err
	}
	m.ID = binary.LittleEndian.Uint64(id[:])
	body, err := wire.ReadVarBytes(r, MaxRumorBody)
	m.Body = body
	return err
}

// docs:begin rumor-config

// RumorConfig sets up push gossip: once a node knows the rumor, at the
// start of every round it tells Fanout peers chosen at random.
type RumorConfig struct {
	Round  time.Duration // how often an informed node pushes
	Fanout int           // how many peers it tells each round
	Rounds int           // it stops after this many rounds; 0: never
	// Population is peers known from the start, for AnyToAny networks
	// where no PeerConnected events come (AnyPeer names them). Machines
	// may share one slice; Self, if in it, is skipped.
	Population []PeerID
	Self       PeerID
	// Rumor, if set, is known from the start: this node is the origin.
	Rumor *MsgRumor
	// OnInformed, if set, is called when the node learns the rumor. It
	// lets a test or an experiment watch a run; the protocol ignores it.
	OnInformed func(now time.Time)

	sends *sendBoxes // shared by the machines Spread makes; nil: none
}

// docs:end rumor-config

// roundTimer is the Rumor machine's only timer.
const roundTimer TimerID = 1

// Rumor is push gossip as a Machine.
type Rumor struct {
	cfg    RumorConfig
	rng    *rand.Rand
	peers  []PeerID       // learned from PeerConnected, in order
	index  map[PeerID]int // position of each in peers; made with the first
	rumor  *MsgRumor      // nil until informed
	pushed int            // rounds pushed so far
	out    []Action       // reused by every Handle
	buf    [2]Action      // out's room, for a fanout of one
	again  Action         // SetTimer for the next round, made once
}

// NewRumor returns a push-gossip machine.
func NewRumor(cfg RumorConfig, r *rand.Rand) *Rumor {
	return &Rumor{cfg: cfg, rng: r}
}

// Informed reports whether the node knows the rumor.
func (m *Rumor) Informed() bool { return m.rumor != nil }

// docs:begin rumor-handle

// Handle implements Machine.
func (m *Rumor) Handle(now time.Time, ev Event) []Action {
	m.out = m.buf[:0]
	switch ev := ev.(type) {
	case Start:
		if m.cfg.Rumor != nil {
			m.learn(now, m.cfg.Rumor)
		}
	case PeerConnected:
		if m.index == nil {
			m.index = make(map[PeerID]int)
		}
		m.index[ev.Peer] = len(m.peers)
		m.peers = append(m.peers, ev.Peer)
	case PeerDisconnected:
		m.forget(ev.Peer)
	case MessageReceived:
		if r, ok := ev.Msg.(*MsgRumor); ok && m.rumor == nil {
			m.learn(now, r)
		}
	case TimerFired:
		m.push()
	}
	return m.out
}

// learn takes the rumor in and waits for the next round to pass it on.
// Rounds start at multiples of Round, the same instants on every node.
func (m *Rumor) learn(now time.Time, r *MsgRumor) {
	m.rumor = r
	if m.cfg.OnInformed != nil {
		m.cfg.OnInformed(now)
	}
	next := now.Truncate(m.cfg.Round).Add(m.cfg.Round)
	m.out = append(m.out, m.wait(next.Sub(now)))
}

// push tells Fanout random peers, then waits a round.
func (m *Rumor) push() {
	if m.cfg.Rounds > 0 && m.pushed >= m.cfg.Rounds {
		return
	}
	m.pushed++
	for range m.cfg.Fanout {
		if p, ok := m.randomPeer(); ok {
			m.out = append(m.out, m.send(p))
		}
	}
	m.out = append(m.out, m.wait(m.cfg.Round))
}

// docs:end rumor-handle

// wait is SetTimer for the round timer, after d. The usual wait, a whole
// round, is made into an Action once, not every round.
func (m *Rumor) wait(d time.Duration) Action {
	if d != m.cfg.Round {
		return SetTimer{Timer: roundTimer, After: d}
	}
	if m.again == nil {
		m.again = SetTimer{Timer: roundTimer, After: d}
	}
	return m.again
}

// send is Send of the rumor to p, boxed once per peer when the machines
// share a table of them (Spread's do).
func (m *Rumor) send(p PeerID) Action {
	if m.cfg.sends == nil {
		return Send{To: p, Msg: m.rumor}
	}
	return m.cfg.sends.get(p, m.rumor)
}

// randomPeer picks a peer uniformly from Population and the peers met
// since, never Self.
func (m *Rumor) randomPeer() (PeerID, bool) {
	pop := m.cfg.Population
	total := len(pop) + len(m.peers)
	for range 64 { // Self is at most one of them: 64 misses in a row means no one else
		if total == 0 {
			return 0, false
		}
		i := m.rng.IntN(total)
		var p PeerID
		if i < len(pop) {
			p = pop[i]
		} else {
			p = m.peers[i-len(pop)]
		}
		if p != m.cfg.Self || i >= len(pop) {
			return p, true
		}
	}
	return 0, false
}

// forget drops a peer, moving the last one into its place.
func (m *Rumor) forget(p PeerID) {
	i, ok := m.index[p]
	if !ok {
		return
	}
	last := m.peers[len(m.peers)-1]
	m.peers[i] = last
	m.index[last] = i
	m.peers = m.peers[:len(m.peers)-1]
	delete(m.index, p)
}

// sendBoxes holds, for the machines of one Spread, the Send of the rumor
// to each node of an any-to-any population, made into an Action once:
// every machine sends the same message, and a Send made once can be
// returned again and again.
type sendBoxes struct {
	msg   *MsgRumor
	boxes []Action // by AnyPeer(id) - 1, all sending msg
}

func newSendBoxes(nodes int) *sendBoxes { return &sendBoxes{boxes: make([]Action, nodes)} }

func (b *sendBoxes) get(p PeerID, msg *MsgRumor) Action {
	i := int(p) - 1
	if i < 0 || i >= len(b.boxes) {
		return Send{To: p, Msg: msg}
	}
	if msg != b.msg { // another rumor: start over
		clear(b.boxes)
		b.msg = msg
	}
	if b.boxes[i] == nil {
		b.boxes[i] = Send{To: p, Msg: msg}
	}
	return b.boxes[i]
}
