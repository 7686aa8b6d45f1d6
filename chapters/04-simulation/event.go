package simulation

import (
	"fmt"

	wire "peerchain/chapters/02-wire"
)

// docs:begin events

// Event is something that happened to a node. It is one of the types
// below; a machine switches on them and ignores the ones it does not use.
type Event interface{ isEvent() }

// Start is the first event a machine gets, when its node starts (or
// restarts after a crash).
type Start struct{}

// PeerConnected says a connection opened and finished its handshake.
type PeerConnected struct {
	Peer PeerID
	// Addr is where the peer listens: the address we dialed, or, for a
	// peer that dialed us, the address its version message gave, with
	// an unspecified host (0.0.0.0, ::) replaced by the IP the
	// connection comes from. Empty if an inbound peer gave none.
	Addr Addr
	// Remote is the far end of the connection itself. For an inbound
	// peer that is not where it listens: its port is the one its
	// operating system picked for the dial.
	Remote  Addr
	Inbound bool        // the peer dialed us
	Version PeerVersion // what the peer said about itself
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

// UnknownMessage says a peer sent a message of a command this node
// does not know. The driver skipped its payload, as Bitcoin nodes do so
// that new messages can be added to a running network; a machine may
// still count it against the peer, since a stream of them costs
// bandwidth and gives nothing.
type UnknownMessage struct {
	From    PeerID
	Command string
	Size    int // bytes on the wire, envelope included
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

// SendFailed says a Send was not carried out because the message cannot
// go on the wire: it does not encode, it is over its size limit, or its
// command is not in the node's registry. The connection stays open: the
// fault is this node's, not the peer's.
type SendFailed struct {
	To  PeerID
	Msg wire.Message
	Err error
}

// Local is input from the node's own side rather than from the network:
// a transaction from its wallet, a block from its miner, a command from
// its operator. A later chapter's machine defines the values it takes;
// the drivers deliver it with Inject.
type Local struct {
	Value any
}

// docs:end events

// docs:begin peer-version

// PeerVersion is what a peer said about itself in its version message.
type PeerVersion struct {
	ProtocolVersion uint32 // the version it speaks
	Services        uint64 // service bits it offers
	StartHeight     int32  // the height of its best block
	UserAgent       string // its software, e.g. "/peerchain:0.1/"
	Relay           bool   // it wants transactions relayed to it
	// SeenAs is the address the peer sees this node at (the addr_recv
	// of its version): how a node that listens on an unspecified
	// address, such as 0.0.0.0, learns which IP others reach it on.
	SeenAs Addr
}

// docs:end peer-version

func (Start) isEvent()            {}
func (PeerConnected) isEvent()    {}
func (PeerDisconnected) isEvent() {}
func (MessageReceived) isEvent()  {}
func (UnknownMessage) isEvent()   {}
func (TimerFired) isEvent()       {}
func (DialFailed) isEvent()       {}
func (SendFailed) isEvent()       {}
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
func (e UnknownMessage) String() string {
	return fmt.Sprintf("unknown %q (%d bytes) from peer %d", e.Command, e.Size, e.From)
}
func (e TimerFired) String() string { return fmt.Sprintf("timer %d fired", e.Timer) }
func (e Local) String() string      { return fmt.Sprintf("local %v", e.Value) }
func (e DialFailed) String() string {
	return fmt.Sprintf("dial %s failed: %v", e.Addr, e.Err)
}
func (e SendFailed) String() string {
	return fmt.Sprintf("send %s to peer %d failed: %v", describe(e.Msg), e.To, e.Err)
}

// describe names a message, in detail if it says how.
func describe(m wire.Message) string {
	if isNil(m) {
		return "nil message"
	}
	if s, ok := m.(fmt.Stringer); ok {
		return s.String()
	}
	return m.Command()
}
