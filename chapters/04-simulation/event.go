package simulation

import (
	"fmt"

	wire "peerchain/chapters/02-wire"
)

// docs:begin events

// Event is something that happened to a node. It is one of the types
// below; a machine switches on them.
type Event interface{ isEvent() }

// Start is the first event a machine gets, when its node starts (or
// restarts after a crash).
type Start struct{}

// PeerConnected says a connection opened and finished its handshake.
type PeerConnected struct {
	Peer    PeerID
	Addr    Addr // where the peer listens
	Inbound bool // the peer dialed us
}

// PeerDisconnected says a connection closed. Err says why.
type PeerDisconnected struct {
	Peer PeerID
	Err  error
}

// MessageReceived says a peer sent a message.
type MessageReceived struct {
	From PeerID
	Msg  wire.Message
}

// TimerFired says a timer the machine set has gone off.
type TimerFired struct {
	Timer TimerID
}

// DialFailed says a Dial action could not connect.
type DialFailed struct {
	Addr Addr
	Err  error
}

// Local is input from the node's own side rather than from the network:
// a transaction from its wallet, a block from its miner, a command from
// its operator. A later chapter's machine defines the values it takes;
// the drivers deliver it with Inject.
type Local struct {
	Value any
}

// docs:end events

func (Start) isEvent()            {}
func (PeerConnected) isEvent()    {}
func (PeerDisconnected) isEvent() {}
func (MessageReceived) isEvent()  {}
func (TimerFired) isEvent()       {}
func (DialFailed) isEvent()       {}
func (Local) isEvent()            {}

func (Start) String() string { return "start" }
func (e PeerConnected) String() string {
	return fmt.Sprintf("connected peer %d (%s, inbound %t)", e.Peer, e.Addr, e.Inbound)
}
func (e PeerDisconnected) String() string {
	return fmt.Sprintf("disconnected peer %d: %v", e.Peer, e.Err)
}
func (e MessageReceived) String() string {
	return fmt.Sprintf("%s from peer %d", describe(e.Msg), e.From)
}

// describe names a message, in detail if it says how.
func describe(m wire.Message) string {
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	return m.Command()
}
func (e TimerFired) String() string { return fmt.Sprintf("timer %d fired", e.Timer) }
func (e Local) String() string      { return fmt.Sprintf("local %v", e.Value) }
func (e DialFailed) String() string {
	return fmt.Sprintf("dial %s failed: %v", e.Addr, e.Err)
}
