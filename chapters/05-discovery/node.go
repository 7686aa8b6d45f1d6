package discovery

import (
	"fmt"
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin node-config

// NodeConfig configures a discovery node.
type NodeConfig struct {
	Conn ConnConfig
	Book BookConfig
	// Restore, if set, is the book the node had before it stopped
	// (from Book().Snapshot()); it starts with that instead of an
	// empty one.
	Restore *BookSnapshot
	// AddressBook, if set, replaces the bucketed book: how an
	// experiment measures what the buckets are worth.
	AddressBook AddressBook
	// Extra are later chapters' protocols, run after discovery's in
	// the node's mux: block relay, transaction relay, sync.
	Extra []Protocol
}

// docs:end node-config

// Node is a discovery node: a Mux of the connection manager, the
// address relay and any Extra protocols, as one simulation.Machine and
// simulation.Acceptor. It is what later chapters extend and what the
// final node runs.
type Node struct {
	*Mux
	cm    *ConnManager
	relay *AddrRelay
	book  *AddrBook // nil when NodeConfig.AddressBook replaced it
}

// NewNode builds a node. r is its only source of randomness.
func NewNode(cfg NodeConfig, r *rand.Rand) (*Node, error) {
	if r == nil {
		return nil, fmt.Errorf("%w: no random source", ErrConnConfig)
	}
	n := &Node{}
	book := cfg.AddressBook
	if book == nil {
		var err error
		if cfg.Restore != nil {
			n.book, err = RestoreBook(cfg.Book, *cfg.Restore, r)
		} else {
			n.book, err = NewAddrBook(cfg.Book, r)
		}
		if err != nil {
			return nil, err
		}
		book = n.book
	}
	cm, err := NewConnManager(cfg.Conn, book, r)
	if err != nil {
		return nil, err
	}
	n.cm, n.relay = cm, NewAddrRelay(cm, r)
	n.Mux, err = NewMux(append([]Protocol{cm, n.relay}, cfg.Extra...)...)
	if err != nil {
		return nil, err
	}
	return n, nil
}

// ConnManager is the node's connection manager, for protocols and
// tests that need it.
func (n *Node) ConnManager() *ConnManager { return n.cm }

// Peers lists the connected peers.
func (n *Node) Peers() []PeerInfo { return n.cm.Table().Peers() }

// Outbound lists the addresses of the full outbound connections.
func (n *Node) Outbound() []simulation.Addr {
	var out []simulation.Addr
	for _, p := range n.Peers() {
		if p.Kind == Outbound {
			out = append(out, p.Addr)
		}
	}
	return out
}

// Book is the node's bucketed address book, or nil if NodeConfig
// replaced it.
func (n *Node) Book() *AddrBook { return n.book }

// BookSummary is how full the book is.
type BookSummary struct{ New, Tried int }

// BookSummary counts the book's tables (zero for a replaced book).
func (n *Node) BookSummary() BookSummary {
	if n.book == nil {
		return BookSummary{}
	}
	nw, tr := n.book.Counts()
	return BookSummary{New: nw, Tried: tr}
}

// Bans lists the bans in force at now.
func (n *Node) Bans(now time.Time) []Ban { return n.cm.Table().Bans(now) }

// Anchors are the connections to save for a restart.
func (n *Node) Anchors() []simulation.Addr { return n.cm.Anchors() }
