package discovery

import (
	"errors"
	"fmt"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
)

// TimerSpace is how many timer IDs each protocol in a Mux has: its
// TimerIDs are 0 to TimerSpace-1, and the mux maps them into a range of
// its own so that two protocols' timer 1 never meet.
const TimerSpace = 1 << 16

// Errors of the Mux.
var (
	ErrMuxConfig   = errors.New("invalid mux")
	ErrTimerRange  = errors.New("timer ID outside the protocol's space")
	ErrNoProtocol  = errors.New("no such protocol")
	errUnknownTime = errors.New("timer of no protocol")
)

// docs:begin protocol

// Protocol is one part of a node's logic, run by a Mux beside others:
// discovery, block relay, transaction relay, sync.
type Protocol interface {
	Name() string       // unique in a mux; Input.To names it
	Commands() []string // the messages it owns
	// Handle is Machine.Handle, with TimerIDs in the protocol's own
	// space, 0 to TimerSpace-1.
	Handle(now time.Time, ev simulation.Event) []simulation.Action
}

// Input is local input for one protocol of a Mux: deliver it as
// simulation.Local{Value: Input{To: "connmgr", Value: v}}.
type Input struct {
	To    string
	Value any
}

// docs:end protocol

// MuxError is what the mux emits when a protocol does something the
// mux cannot carry out: a timer outside its space, input for a protocol
// that is not there.
type MuxError struct {
	Protocol string
	Err      error
}

func (e MuxError) Error() string { return fmt.Sprintf("mux: %s: %v", e.Protocol, e.Err) }
func (e MuxError) Unwrap() error { return e.Err }

// Mux runs several protocols as one node's Machine. It is the
// infrastructure every chapter from here on plugs its protocol into.
type Mux struct {
	ps     []Protocol
	byName map[string]int
	owner  map[string]int // command → protocol
	out    []simulation.Action
}

// docs:begin mux-new

// NewMux returns a mux of the given protocols, in order. Two protocols
// of one name, or two owners of one command, are an error: a message
// must go to exactly one place.
func NewMux(ps ...Protocol) (*Mux, error) {
	m := &Mux{ps: ps, byName: make(map[string]int), owner: make(map[string]int)}
	for i, p := range ps {
		if p == nil {
			return nil, fmt.Errorf("%w: protocol %d is nil", ErrMuxConfig, i)
		}
		if j, dup := m.byName[p.Name()]; dup {
			return nil, fmt.Errorf("%w: protocols %d and %d are both %q",
				ErrMuxConfig, j, i, p.Name())
		}
		m.byName[p.Name()] = i
		for _, c := range p.Commands() {
			if j, dup := m.owner[c]; dup {
				return nil, fmt.Errorf("%w: %q is owned by both %s and %s",
					ErrMuxConfig, c, ps[j].Name(), p.Name())
			}
			m.owner[c] = i
		}
	}
	return m, nil
}

// docs:end mux-new

// Protocols returns the mux's protocols, in order.
func (m *Mux) Protocols() []Protocol { return m.ps }

// docs:begin mux-handle

// Handle implements simulation.Machine. A message goes to the protocol
// that owns its command, and one nobody owns becomes UnknownMessage. A
// timer goes to the protocol whose space holds it, with its own ID.
// Input goes to the protocol it names; any other local value, and every
// other event, goes to every protocol in order, except that
// PeerDisconnected goes in reverse order, so a protocol built on an
// earlier one forgets a peer before the earlier one does. Actions come
// out in protocol order.
func (m *Mux) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	m.out = m.out[:0]
	switch e := ev.(type) {
	case simulation.MessageReceived:
		if e.Msg == nil {
			break
		}
		i, ok := m.owner[e.Msg.Command()]
		if !ok {
			m.all(now, simulation.UnknownMessage{From: e.From,
				Command: e.Msg.Command(), Size: wire.EncodedSize(e.Msg)}, false)
			break
		}
		m.one(now, i, ev)
	case simulation.TimerFired:
		i := int(e.Timer) / TimerSpace
		if e.Timer < 0 || i >= len(m.ps) {
			m.fail("", fmt.Errorf("%w: %d", errUnknownTime, e.Timer))
			break
		}
		m.one(now, i, simulation.TimerFired{Timer: e.Timer % TimerSpace})
	case simulation.Local:
		in, ok := e.Value.(Input)
		if !ok {
			m.all(now, ev, false)
			break
		}
		i, ok := m.byName[in.To]
		if !ok {
			m.fail(in.To, ErrNoProtocol)
			break
		}
		m.one(now, i, simulation.Local{Value: in.Value})
	case simulation.PeerDisconnected:
		m.all(now, ev, true)
	default:
		m.all(now, ev, false)
	}
	return m.out
}

// docs:end mux-handle

// AcceptInbound implements simulation.Acceptor: every protocol that is
// an acceptor must accept; the first refusal wins.
func (m *Mux) AcceptInbound(now time.Time, remote simulation.Addr) error {
	for _, p := range m.ps {
		if a, ok := p.(simulation.Acceptor); ok {
			if err := a.AcceptInbound(now, remote); err != nil {
				return err
			}
		}
	}
	return nil
}

func (m *Mux) all(now time.Time, ev simulation.Event, reverse bool) {
	for k := range m.ps {
		i := k
		if reverse {
			i = len(m.ps) - 1 - k
		}
		m.one(now, i, ev)
	}
}

// one hands an event to protocol i, and moves its timers into its space.
func (m *Mux) one(now time.Time, i int, ev simulation.Event) {
	base := simulation.TimerID(i * TimerSpace)
	for _, a := range m.ps[i].Handle(now, ev) {
		switch t := a.(type) {
		case simulation.SetTimer:
			if t.Timer < 0 || t.Timer >= TimerSpace {
				m.fail(m.ps[i].Name(), fmt.Errorf("%w: %d", ErrTimerRange, t.Timer))
				continue
			}
			t.Timer += base
			a = t
		case simulation.StopTimer:
			if t.Timer < 0 || t.Timer >= TimerSpace {
				m.fail(m.ps[i].Name(), fmt.Errorf("%w: %d", ErrTimerRange, t.Timer))
				continue
			}
			t.Timer += base
			a = t
		}
		m.out = append(m.out, a)
	}
}

func (m *Mux) fail(protocol string, err error) {
	m.out = append(m.out, simulation.Emit{Value: MuxError{Protocol: protocol, Err: err}})
}
