package discovery

import (
	"fmt"

	simulation "peerchain/chapters/04-simulation"
)

// ConnKind is what a connection is for.
type ConnKind int

// The kinds of connection, after Bitcoin Core's.
const (
	// Outbound is a connection we dialed and keep: OutboundTarget of
	// them, in different network groups.
	Outbound ConnKind = iota
	// Inbound is a connection a peer dialed, up to MaxInbound.
	Inbound
	// Feeler is a short dial that tests an address: does a node
	// answer there? It ends as soon as the handshake does.
	Feeler
	// OneShot is a dial to a seed node: ask it for addresses, then
	// hang up, so that seeds are not kept busy by everyone.
	OneShot
)

func (k ConnKind) String() string {
	switch k {
	case Outbound:
		return "outbound"
	case Inbound:
		return "inbound"
	case Feeler:
		return "feeler"
	case OneShot:
		return "seed"
	}
	return fmt.Sprintf("kind %d", int(k))
}

// What the connection manager emits, for the node's own side: its logs,
// its API, the demo's output, the tests.
type (
	// PeerUp: a connection opened.
	PeerUp struct {
		Peer simulation.PeerID
		Addr simulation.Addr
		Kind ConnKind
	}
	// PeerDown: a connection closed.
	PeerDown struct {
		Peer simulation.PeerID
		Addr simulation.Addr
		Kind ConnKind
		Err  error
	}
	// Anchors: the outbound connections to try first after a
	// restart changed. Save them; give them back in ConnConfig.
	Anchors struct {
		Addrs []simulation.Addr
	}
	// SelfLearned: a node listening on an unspecified address learned,
	// from its peers, the address they reach it at.
	SelfLearned struct {
		Addr simulation.Addr
	}
)

func (e PeerUp) String() string { return fmt.Sprintf("+ %s %s", e.Kind, e.Addr) }
func (e PeerDown) String() string {
	return fmt.Sprintf("- %s %s: %v", e.Kind, e.Addr, e.Err)
}
