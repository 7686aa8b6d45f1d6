package simulation

import (
	"fmt"

	wire "peerchain/chapters/02-wire"
)

// Counter counts messages and their bytes on the wire (envelope included).
type Counter struct {
	Messages uint64
	Bytes    uint64
}

func (c *Counter) add(size int) {
	c.Messages++
	c.Bytes += uint64(size)
}

// NodeStats is what one node sent and received.
type NodeStats struct {
	Sent, Received Counter
}

// Stats counts what happened in a network so far.
type Stats struct {
	Events        uint64             // events handled by machines
	Sent          Counter            // messages machines sent
	Delivered     Counter            // messages that arrived
	Lost          uint64             // sent, then lost to Loss
	Dropped       uint64             // sent, then dropped by the Hook
	Cut           uint64             // sent, then lost to a partition
	Undeliverable uint64             // sent, then the connection closed or the receiver crashed
	InFlight      uint64             // sent, not arrived yet
	NoConnection  uint64             // not sent: no open connection to that peer
	ByType        map[string]Counter // sent, by command
	ByNode        []NodeStats        // by NodeID
	Emitted       uint64             // Emit actions
}

// Stats returns a copy of the network's counters.
func (n *Network) Stats() Stats {
	s := n.finalStats()
	s.ByNode = append([]NodeStats(nil), n.stats.ByNode...)
	return s
}

// finalStats is Stats for a network that is done with, such as Spread's:
// its ByNode is the network's own, not a copy, which at a million nodes
// is 32 MB not allocated at the very end of a run.
func (n *Network) finalStats() Stats {
	s := n.stats
	s.ByType = make(map[string]Counter, len(n.byType))
	for _, t := range n.byType {
		s.ByType[t.command] = t.Counter
	}
	n.queue.each(func(it *item) {
		if it.kind.delivers() && !it.cut {
			s.InFlight++
		}
	})
	return s
}

// tracef writes a line of the trace, stamped with the virtual time.
func (n *Network) tracef(format string, args ...any) {
	if n.cfg.Trace == nil {
		return
	}
	fmt.Fprintf(n.cfg.Trace, "%12.6f "+format+"\n", append([]any{n.now.Seconds()}, args...)...)
}

// drop traces a message that will not arrive.
func (n *Network) drop(from, to NodeID, msg wire.Message, why string) {
	if n.cfg.Trace == nil {
		return // before the arguments are boxed for tracef
	}
	n.tracef("drop %s %d -> %d: %s", msg.Command(), from, to, why)
}
