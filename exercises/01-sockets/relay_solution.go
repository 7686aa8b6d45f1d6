//go:build solution

package sockets

// Outbox is one peer's queue of lines waiting to be written to it.
type Outbox struct {
	Peer  string      // the peer's address
	Lines chan string // its queue; a full channel means a slow peer
}

// Relay passes a line that arrived from the peer named from on to every
// other peer, by putting it in their outboxes, and returns the names of
// the peers whose outbox was full. It never blocks.
func Relay(line, from string, outboxes []Outbox) (slow []string) {
	for _, o := range outboxes {
		if o.Peer == from {
			continue // the sender has the line already
		}
		select {
		case o.Lines <- line:
		default:
			slow = append(slow, o.Peer)
		}
	}
	return slow
}
