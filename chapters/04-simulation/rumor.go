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
}

// docs:end rumor-config

// roundTimer is the Rumor machine's only timer.
const roundTimer TimerID = 1

// Rumor is push gossip as a Machine. What does not change from one
// machine to the next (the config, the buffer Handle returns) is in
// cfg, which the machines of one Spread share (rumor_shared.go).
type Rumor struct {
	cfg    *rumorShared
	rng    *rand.Rand
	rumor  *MsgRumor // nil until informed
	pushed int       // rounds pushed so far
}

// NewRumor returns a push-gossip machine.
func NewRumor(cfg RumorConfig, r *rand.Rand) *Rumor {
	return &Rumor{cfg: newRumorShared(cfg), rng: r}
}

// Informed reports whether the node knows the rumor.
func (m *Rumor) Informed() bool { return m.rumor != nil }

// docs:begin rumor-handle

// Handle implements Machine.
func (m *Rumor) Handle(now time.Time, ev Event) []Action {
	out := m.cfg.out[:0]
	switch ev := ev.(type) {
	case Start:
		if m.cfg.Rumor != nil {
			out = m.learn(out, now, m.cfg.Rumor)
		}
	case PeerConnected:
		m.meet(ev.Peer)
	case PeerDisconnected:
		m.forget(ev.Peer)
	case MessageReceived:
		if r, ok := ev.Msg.(*MsgRumor); ok && m.rumor == nil {
			out = m.learn(out, now, r)
		}
	case TimerFired:
		if ev.Timer == roundTimer && m.rumor != nil {
			out = m.push(out)
		}
	}
	m.cfg.out = out
	return out
}

// learn takes the rumor in and waits for the next round to pass it on.
// Rounds start at multiples of Round, the same instants on every node.
func (m *Rumor) learn(out []Action, now time.Time, r *MsgRumor) []Action {
	m.rumor = r
	if m.cfg.OnInformed != nil {
		m.cfg.OnInformed(now)
	}
	next := now.Truncate(m.cfg.Round).Add(m.cfg.Round)
	return append(out, m.wait(next.Sub(now)))
}

// push tells Fanout random peers, then waits a round.
func (m *Rumor) push(out []Action) []Action {
	if m.cfg.Rounds > 0 && m.pushed >= m.cfg.Rounds {
		return out
	}
	m.pushed++
	for range m.cfg.Fanout {
		if p, ok := m.randomPeer(); ok {
			out = append(out, m.send(p))
		}
	}
	return append(out, m.wait(m.cfg.Round))
}

// docs:end rumor-handle
