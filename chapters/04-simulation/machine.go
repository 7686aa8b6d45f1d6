// Package simulation is chapter 04: a node's protocol logic written as a
// deterministic state machine, a simulated network that runs thousands of
// them in virtual time, and a driver that runs the same machine over real
// TCP peers.
//
// A state machine is handed events (a peer connected, a message arrived, a
// timer fired) and returns actions (send this, dial that, set a timer). It
// never reads a clock, a socket or a global random source: the time comes
// with each event and randomness from its constructor. Every protocol
// chapter after this one (discovery, broadcast, transactions, fork choice,
// sync, attacks) is written this way.
package simulation

import (
	"time"
)

// docs:begin machine

// Machine is a node's protocol logic. Handle takes one event, which
// happened at now, and returns what the node should do about it.
//
// A Machine must be deterministic: given the same events at the same
// times, and the same random source at construction, it returns the same
// actions. So it must not read the clock, touch the network or the disk,
// use a global random source, or start goroutines. The driver calls
// Handle from one goroutine at a time.
//
// The driver is done with the returned slice before it calls Handle
// again, so a machine may reuse it. A message is never changed after it
// is sent: the simulator hands the same value to every receiver.
type Machine interface {
	Handle(now time.Time, ev Event) []Action
}

// docs:end machine

// docs:begin acceptor

// Acceptor is a Machine that chooses which inbound connections to take.
// Both drivers ask it, between two events, before an inbound
// connection's handshake, and refuse the connection when it returns an
// error: a node that is full, or has banned the address, never sees a
// PeerConnected for it. remote is the far end of the connection. It must
// not change the machine's state: it is a question, not an event.
type Acceptor interface {
	Machine
	AcceptInbound(now time.Time, remote Addr) error
}

// docs:end acceptor

// docs:begin ids

// PeerID names one connection, as one node sees it. Both drivers number
// a node's connections 1, 2, 3, ... in the order they open, and never
// reuse a number: a peer that reconnects is a new PeerID. 0 is never a
// peer, so a machine may use it for "none". A machine only compares and
// stores them.
type PeerID uint64

// Addr is where a node listens, in a form its driver can dial:
// "127.0.0.1:7001" for real nodes, "sim-42" in the simulator.
type Addr string

// TimerID names one of a machine's timers. Each machine picks its own.
type TimerID int

// docs:end ids
