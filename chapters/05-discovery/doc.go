// Package discovery is chapter 05: how a node finds the others. It
// starts from a few seed addresses, asks its peers for more (getaddr and
// addr), keeps what it hears in an address book of bucketed "new" and
// "tried" tables, and keeps a set of outbound connections spread over
// many network groups, so that no single operator can surround it.
//
// It is the first chapter that runs several protocols in one node: a Mux
// (mux.go) runs them as one simulation.Machine, and a PeerTable
// (peertable.go) scores misbehaving peers and bans them. Both are
// infrastructure that later chapters plug into; the chapter proper is
// the address book, the connection manager and the address relay.
package discovery
