package simulation

import (
	"time"

	wire "peerchain/chapters/02-wire"
)

// docs:begin costs

// Bandwidth returns a Config.Cost for links that each carry
// bytesPerSecond: a 1 MB block on a 10 MB/s link takes 100 ms to send,
// and what is sent after it on that link waits for it.
func Bandwidth(bytesPerSecond float64) func(from, to NodeID, size int) time.Duration {
	return func(_, _ NodeID, size int) time.Duration {
		return time.Duration(float64(size) / bytesPerSecond * float64(time.Second))
	}
}

// InFlight is a message on its way, as a Hook sees it.
type InFlight struct {
	From, To NodeID
	Msg      wire.Message  // replace it to rewrite the message
	Delay    time.Duration // add to delay it (and, FIFO, what follows it)
	Drop     bool          // set to lose it
}

// Hook sees every message a node sends, once it has passed the sender's
// checks, and before loss and partitions: a test or an attack experiment
// watches, drops, delays or rewrites messages with one, as etcd raft's
// test network does.
type Hook func(m *InFlight)

// docs:end costs

// SetHook installs a hook for the messages sent from now on; nil removes
// it.
func (n *Network) SetHook(h Hook) {
	n.hook = h
	n.fifo = true // a delayed message holds back what follows it
}

// intercept runs the hook, if any, on a message about to be sent.
func (n *Network) intercept(from, to NodeID, msg wire.Message) (wire.Message, time.Duration, bool) {
	if n.hook == nil {
		return msg, 0, false
	}
	m := InFlight{From: from, To: to, Msg: msg}
	n.hook(&m)
	if m.Msg == nil {
		m.Drop = true
	}
	return m.Msg, max(m.Delay, 0), m.Drop
}
