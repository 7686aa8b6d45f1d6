package simulation

import (
	"fmt"
	"time"

	wire "peerchain/chapters/02-wire"
)

// docs:begin actions

// Action is something a machine asks its driver to do. It is one of the
// types below, or a later chapter's own (see CustomAction).
type Action interface{ isAction() }

// Send sends a message to a connected peer. A send to a peer that is
// gone is dropped: the machine hears of it as PeerDisconnected. A
// message that cannot go on the wire comes back as SendFailed.
type Send struct {
	To  PeerID
	Msg wire.Message
}

// Dial opens a connection. Success comes back as PeerConnected, failure
// as DialFailed.
type Dial struct {
	Addr Addr
}

// Disconnect closes a connection; Err is the reason, for the far end's
// logs and the trace.
type Disconnect struct {
	Peer PeerID
	Err  error
}

// SetTimer makes TimerFired{Timer} happen After from now. Setting a
// timer that is already set moves it.
type SetTimer struct {
	Timer TimerID
	After time.Duration
}

// StopTimer cancels a timer; stopping one that is not set does nothing.
type StopTimer struct {
	Timer TimerID
}

// Emit is output to the node's own side: a block accepted, a
// transaction refused, a peer banned. The simulator records it for
// tests and experiments; the real driver hands it to the program that
// runs the node, for its API, logs and dashboard.
type Emit struct {
	Value any
}

// Advertise sets what the node says about itself in the version message
// of every connection it makes or accepts from now on: a node whose
// chain grows advertises its real height.
type Advertise struct {
	Services    uint64
	StartHeight int32
}

// docs:end actions

// docs:begin custom-action

// CustomAction, embedded in a struct, makes it an Action that neither
// driver knows. A later chapter defines an action of its own this way
// (the final node's "store this block") and handles it in the driver's
// OnAction hook, before the driver would refuse it:
//
//	type Persist struct {
//		simulation.CustomAction
//		Block *Block
//	}
//
// An action that no hook takes stops the driver with ErrUnknownAction,
// the same on both drivers: a machine's request is never lost quietly.
type CustomAction struct{}

func (CustomAction) isAction() {}

// docs:end custom-action

func (Send) isAction()       {}
func (Dial) isAction()       {}
func (Disconnect) isAction() {}
func (SetTimer) isAction()   {}
func (StopTimer) isAction()  {}
func (Emit) isAction()       {}
func (Advertise) isAction()  {}

func (a Send) String() string { return fmt.Sprintf("send %s to peer %d", describe(a.Msg), a.To) }
func (a Dial) String() string { return fmt.Sprintf("dial %s", a.Addr) }
func (a Disconnect) String() string {
	return fmt.Sprintf("disconnect peer %d: %v", a.Peer, a.Err)
}
func (a SetTimer) String() string  { return fmt.Sprintf("set timer %d in %v", a.Timer, a.After) }
func (a StopTimer) String() string { return fmt.Sprintf("stop timer %d", a.Timer) }
func (a Emit) String() string      { return fmt.Sprintf("emit %v", a.Value) }
func (a Advertise) String() string {
	return fmt.Sprintf("advertise services %#x, height %d", a.Services, a.StartHeight)
}
