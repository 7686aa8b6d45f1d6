package simulation

import (
	"fmt"
	"time"

	wire "peerchain/chapters/02-wire"
)

// docs:begin actions

// Action is something a machine asks its driver to do. It is one of the
// types below.
type Action interface{ isAction() }

// Send sends a message to a connected peer. A send to a peer that is
// gone is dropped: the machine hears of it as PeerDisconnected.
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

// docs:end actions

func (Send) isAction()       {}
func (Dial) isAction()       {}
func (Disconnect) isAction() {}
func (SetTimer) isAction()   {}
func (StopTimer) isAction()  {}

func (a Send) String() string { return fmt.Sprintf("send %s to peer %d", describe(a.Msg), a.To) }
func (a Dial) String() string { return fmt.Sprintf("dial %s", a.Addr) }
func (a Disconnect) String() string {
	return fmt.Sprintf("disconnect peer %d: %v", a.Peer, a.Err)
}
func (a SetTimer) String() string  { return fmt.Sprintf("set timer %d in %v", a.Timer, a.After) }
func (a StopTimer) String() string { return fmt.Sprintf("stop timer %d", a.Timer) }
