package node

import (
	"errors"
	"fmt"
	"net/netip"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
)

// operatorName is the operator protocol's name in the node's mux.
const operatorName = "operator"

// Errors of the operator's requests: the caller's to fix.
var (
	// ErrRefused: a connect the node will not make.
	ErrRefused = errors.New("will not connect")
)

// operator is the protocol through which the node's operator acts on
// it (the API's ban and connect), added to chapter 05's mux as one of
// its Extra protocols: a machine changes only by handling events, so an
// API call becomes local input (simulation.Local{Value:
// discovery.Input{To: "operator", ...}}), and what it decides comes
// out as actions, like any protocol's.
type operator struct {
	cm *discovery.ConnManager
}

// Requests the operator takes. Each carries a reply channel with room
// for its one answer, so Handle never waits on it.
type (
	banRequest struct {
		addr   simulation.Addr
		reason string
		reply  chan banReply
	}
	banReply struct {
		ban discovery.Ban
		err error
	}
	connectRequest struct {
		addr  simulation.Addr
		reply chan error
	}
	// unbanRequest's reply says whether there was a ban.
	unbanRequest struct {
		addr  simulation.Addr
		reply chan bool
	}
)

func (o *operator) Name() string       { return operatorName }
func (o *operator) Commands() []string { return nil }

// docs:begin operator-handle

func (o *operator) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	local, ok := ev.(simulation.Local)
	if !ok {
		return nil
	}
	switch req := local.Value.(type) {
	case banRequest:
		return o.ban(now, req)
	case unbanRequest:
		req.reply <- o.cm.Table().Unban(req.addr)
		return nil
	case connectRequest:
		err := o.canConnect(now, req.addr)
		req.reply <- err
		if err != nil {
			return nil
		}
		return []simulation.Action{simulation.Dial{Addr: req.addr}}
	}
	return nil
}

// docs:end operator-handle

// canConnect says why the node will not dial an address, if it will
// not: the connection manager would hang up on it at once.
func (o *operator) canConnect(now time.Time, a simulation.Addr) error {
	if _, err := netip.ParseAddrPort(string(a)); err != nil {
		return fmt.Errorf("%w: %q is not IP:PORT", ErrRefused, a)
	}
	if a == o.cm.Self() {
		return fmt.Errorf("%w: %s is this node", ErrRefused, a)
	}
	if o.cm.Table().IsBanned(now, a) {
		return fmt.Errorf("%w: %s is banned", ErrRefused, a)
	}
	for _, p := range o.cm.Table().Peers() {
		if p.Addr == a {
			return fmt.Errorf("%w: connected to %s already, as peer %d", ErrRefused, a, p.ID)
		}
	}
	return nil
}

// ban bans the address for BanDuration through chapter 05's peer
// table, which drops every connected peer it bans and emits the ban.
func (o *operator) ban(now time.Time, req banRequest) []simulation.Action {
	until := now.Add(discovery.BanDuration)
	out := o.cm.Table().Ban(now, req.addr, until, req.reason)
	req.reply <- banReply{ban: discovery.Ban{Key: discovery.BanKey(req.addr),
		Until: until, Reason: req.reason}}
	return out
}
