package sockets

// EventKind says what happened to a node.
type EventKind int

// The things a node reports to its handler.
const (
	PeerConnected    EventKind = iota + 1 // a connection opened
	LineReceived                          // a peer sent a line
	PeerDisconnected                      // a connection closed; Err says why
	PeerRefused                           // a connection was closed at once; Err says why
)

func (k EventKind) String() string {
	switch k {
	case PeerConnected:
		return "connected"
	case LineReceived:
		return "line"
	case PeerDisconnected:
		return "disconnected"
	case PeerRefused:
		return "refused"
	}
	return "unknown"
}

// Event is what a node hands to its handler. The node calls the handler
// from its connection goroutines, so a handler must be safe to call
// concurrently, and should return quickly: while it runs, that peer's
// reader waits.
type Event struct {
	Kind    EventKind
	Peer    string // the peer's address, as the socket reports it
	Inbound bool   // the peer dialed us
	Line    string // the line, for LineReceived
	Err     error  // why the connection closed, for PeerDisconnected and PeerRefused
}
