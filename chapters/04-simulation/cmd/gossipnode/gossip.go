package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"time"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
	simulation "peerchain/chapters/04-simulation"
)

// MaxPeerFlags bounds -peer: a node dials at most the real driver's
// outbound limit.
const MaxPeerFlags = simulation.DefaultMaxOutbound

// options are the command's flags, checked.
type options struct {
	listen string
	peers  []simulation.Addr
	origin string // "" unless this node starts with the rumor
	fanout int
	round  time.Duration
	rounds int
	redial time.Duration
}

func optionsOf(c *cli.Context) (options, error) {
	o := options{
		listen: c.String("listen"),
		origin: c.String("origin"),
		fanout: c.Int("fanout"),
		round:  c.Duration("round"),
		rounds: c.Int("rounds"),
		redial: c.Duration("redial"),
	}
	for _, p := range c.StringSlice("peer") {
		if _, err := netip.ParseAddrPort(p); err != nil {
			return o, fmt.Errorf("-peer %q: want IP:PORT, such as 127.0.0.1:7001", p)
		}
		o.peers = append(o.peers, simulation.Addr(p))
	}
	switch {
	case len(o.peers) > MaxPeerFlags:
		return o, fmt.Errorf("%d -peer flags, at most %d", len(o.peers), MaxPeerFlags)
	case o.fanout < 1 || o.round <= 0 || o.redial <= 0:
		return o, fmt.Errorf("-fanout, -round and -redial must be positive")
	case o.rounds < 0:
		return o, fmt.Errorf("-rounds must not be negative")
	case len(o.origin) > simulation.MaxRumorBody:
		return o, fmt.Errorf("-origin is %d bytes, at most %d", len(o.origin), simulation.MaxRumorBody)
	}
	return o, nil
}

// rumorID is the ID of the demo's one rumor.
const rumorID = 1

// gossip runs one node until ctx ends.
func gossip(ctx context.Context, o options, stdout io.Writer) error {
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	reg, err := wire.NewRegistry(append(wire.BaseMessages(), simulation.RumorMessages()...)...)
	if err != nil {
		ln.Close()
		return err
	}
	pc := peers.DefaultConfig()
	pc.Registry = reg
	pc.Nonce = peers.RandomNonce()
	pc.ListenAddr, err = netip.ParseAddrPort(ln.Addr().String())
	if err != nil {
		ln.Close()
		return err
	}

	start := time.Now()
	cfg := simulation.RumorConfig{Round: o.round, Fanout: o.fanout, Rounds: o.rounds}
	if o.origin != "" {
		cfg.Rumor = &simulation.MsgRumor{ID: rumorID, Body: []byte(o.origin)}
	}
	m := newReporter(simulation.NewRumor(cfg, rand.New(rand.NewPCG(pc.Nonce, 0))), o)
	p := printer{w: stdout, start: start}
	node, err := simulation.NewRealNode(simulation.RealConfig{Peers: pc, OnEmit: p.print}, m)
	if err != nil {
		ln.Close()
		return err
	}
	p.line("listening on %s", ln.Addr())
	if err := node.Run(ctx, ln); err != nil {
		return err
	}
	p.line("stopped")
	return nil
}

// printer writes what the node emits, one line each, with the time since
// the node started.
type printer struct {
	w     io.Writer
	start time.Time
}

func (p printer) line(format string, args ...any) {
	at := time.Since(p.start).Truncate(time.Millisecond)
	fmt.Fprintf(p.w, "%s %s\n", color.New(color.Faint).Sprintf("%8v", at), fmt.Sprintf(format, args...))
}

// print is the node's OnEmit: it runs on the node's loop.
func (p printer) print(v any) {
	switch v := v.(type) {
	case learned:
		p.line("%s", color.GreenString("learned the rumor %q %s", v.body, v.from))
	default:
		p.line("%v", v)
	}
}

// learned is what the reporter emits when the node learns the rumor.
type learned struct {
	body string
	from string // "from peer 2 (127.0.0.1:7001)", or "at the start"
}

// reporter wraps the Rumor machine: it dials the -peer addresses, dials
// them again after a failure, and emits a line for every connection and
// for the rumor. The Rumor machine itself knows nothing of this: it is
// the one the simulator runs.
type reporter struct {
	rumor  *simulation.Rumor
	dials  []simulation.Addr
	redial time.Duration
	origin string // the rumor's text, if this node starts with it
	addrs  map[simulation.PeerID]simulation.Addr
	out    []simulation.Action
}

// redialTimer is the first of the reporter's timers, one per -peer; the
// Rumor machine uses timer 1.
const redialTimer simulation.TimerID = 100

func newReporter(r *simulation.Rumor, o options) *reporter {
	return &reporter{rumor: r, dials: o.peers, redial: o.redial, origin: o.origin,
		addrs: make(map[simulation.PeerID]simulation.Addr)}
}

func (r *reporter) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	knew := r.rumor.Informed()
	r.out = r.out[:0]
	if t, ok := ev.(simulation.TimerFired); !ok || t.Timer < redialTimer {
		r.out = append(r.out, r.rumor.Handle(now, ev)...) // the rumor's own timer, not ours
	}
	emit := func(format string, args ...any) {
		r.out = append(r.out, simulation.Emit{Value: fmt.Sprintf(format, args...)})
	}
	switch ev := ev.(type) {
	case simulation.Start:
		for _, a := range r.dials {
			r.out = append(r.out, simulation.Dial{Addr: a})
		}
	case simulation.PeerConnected:
		r.addrs[ev.Peer] = ev.Addr
		way := "dialed"
		if ev.Inbound {
			way = "dialed us from " + string(ev.Remote)
		}
		emit("peer %d connected: %s (%s, %s, height %d)", ev.Peer, ev.Addr, way, ev.Version.UserAgent, ev.Version.StartHeight)
	case simulation.PeerDisconnected:
		emit("peer %d disconnected: %v", ev.Peer, ev.Err)
		delete(r.addrs, ev.Peer)
	case simulation.DialFailed:
		emit("dial %s failed: %v", ev.Addr, ev.Err)
		if i := r.index(ev.Addr); i >= 0 && !errors.Is(ev.Err, simulation.ErrAlreadyConnected) {
			r.out = append(r.out, simulation.SetTimer{Timer: redialTimer + simulation.TimerID(i), After: r.redial})
		}
	case simulation.TimerFired:
		if i := int(ev.Timer - redialTimer); i >= 0 && i < len(r.dials) {
			r.out = append(r.out, simulation.Dial{Addr: r.dials[i]})
		}
	}
	if !knew && r.rumor.Informed() {
		r.out = append(r.out, simulation.Emit{Value: r.learned(ev)})
	}
	return r.out
}

// index returns where addr is among the -peer addresses, or -1.
func (r *reporter) index(addr simulation.Addr) int {
	for i, a := range r.dials {
		if a == addr {
			return i
		}
	}
	return -1
}

// learned describes how the node came to know the rumor.
func (r *reporter) learned(ev simulation.Event) learned {
	msg, ok := ev.(simulation.MessageReceived)
	if !ok {
		return learned{body: r.origin, from: "at the start: this node is its origin"}
	}
	return learned{body: string(msg.Msg.(*simulation.MsgRumor).Body),
		from: fmt.Sprintf("from peer %d (%s)", msg.From, r.addrs[msg.From])}
}
