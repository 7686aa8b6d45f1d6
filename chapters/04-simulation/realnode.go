package simulation

import (
	"context"
	"errors"
	"fmt"
	"net"
	"sync"
	"sync/atomic"
	"time"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
)

// ErrStopped is what Inject returns once the node has stopped.
var ErrStopped = errors.New("node stopped")

// DefaultInboxSize bounds the events waiting for a real node's machine.
// When it is full, peers' readers wait: the machine sets the pace.
const DefaultInboxSize = 1024

// RealConfig configures a machine's run over real TCP.
type RealConfig struct {
	// Peers configures the handshake and keepalive of every connection.
	// Its OnMessage is the node's own and is overwritten.
	Peers peers.Config
	// InboxSize bounds the events waiting for the machine; 0 means
	// DefaultInboxSize.
	InboxSize int
}

// docs:begin real-node

// RealNode runs a Machine for real: connections are chapter 03 peers
// over TCP, time is the wall clock, timers are Go timers. One goroutine,
// the loop in Run, calls the machine and carries out its actions; every
// other goroutine (accepting, dialing, reading, timers) only sends it
// events through the inbox. So the machine sees one event at a time, as
// it does in the simulator.
type RealNode struct {
	cfg   RealConfig
	m     Machine
	inbox chan Event // bounded by cfg.InboxSize
	quit  chan struct{}
	wg    sync.WaitGroup // every goroutine but the loop
	ids   atomic.Uint64  // the last PeerID handed out

	// Only the loop touches these.
	conns    map[PeerID]*peers.Peer
	timers   map[TimerID]*time.Timer
	timerGen uint64 // timer settings so far, to tell a moved timer's old firing
	settings map[TimerID]uint64
}

// docs:end real-node

// Events only the real driver sends itself: a peer is ready, or a timer
// went off (it may have been moved since).
type (
	peerUp struct {
		id      PeerID
		p       *peers.Peer
		addr    Addr
		inbound bool
	}
	peerDown struct {
		id  PeerID
		err error
	}
	timerDue struct {
		timer TimerID
		gen   uint64
	}
)

func (peerUp) isEvent()   {}
func (peerDown) isEvent() {}
func (timerDue) isEvent() {}

// NewRealNode returns a node that will run m.
func NewRealNode(cfg RealConfig, m Machine) (*RealNode, error) {
	if cfg.InboxSize == 0 {
		cfg.InboxSize = DefaultInboxSize
	}
	if cfg.InboxSize < 1 {
		return nil, fmt.Errorf("%w: InboxSize %d", ErrConfig, cfg.InboxSize)
	}
	if cfg.Peers.Registry == nil {
		return nil, fmt.Errorf("%w: Peers.Registry is nil", ErrConfig)
	}
	return &RealNode{
		cfg:      cfg,
		m:        m,
		inbox:    make(chan Event, cfg.InboxSize),
		quit:     make(chan struct{}),
		conns:    make(map[PeerID]*peers.Peer),
		timers:   make(map[TimerID]*time.Timer),
		settings: make(map[TimerID]uint64),
	}, nil
}

// docs:begin real-run

// Run accepts connections on ln and runs the machine until ctx is
// cancelled; then it closes every connection and returns once every
// goroutine the node started has.
func (n *RealNode) Run(ctx context.Context, ln net.Listener) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		n.accept(ctx, ln)
	}()
	n.do(ctx, n.m.Handle(time.Now(), Start{}))
	for {
		select {
		case ev := <-n.inbox:
			if ev, ok := n.translate(ev); ok {
				n.do(ctx, n.m.Handle(time.Now(), ev))
			}
		case <-ctx.Done():
			n.shutdown(ln)
			return nil
		}
	}
}

// docs:end real-run

// docs:begin real-translate

// translate turns what the driver's goroutines report into the event the
// machine sees, keeping the table of connections and timers up to date.
// It drops what no longer applies: a timer moved since it was set, a
// message from a peer already gone.
func (n *RealNode) translate(ev Event) (Event, bool) {
	switch ev := ev.(type) {
	case peerUp:
		n.conns[ev.id] = ev.p
		n.watch(ev.id, ev.p)
		return PeerConnected{Peer: ev.id, Addr: ev.addr, Inbound: ev.inbound}, true
	case peerDown:
		delete(n.conns, ev.id)
		return PeerDisconnected{Peer: ev.id, Err: ev.err}, true
	case MessageReceived:
		_, ok := n.conns[ev.From]
		return ev, ok
	case timerDue:
		if gen, ok := n.settings[ev.timer]; !ok || gen != ev.gen {
			return nil, false
		}
		n.stopTimer(ev.timer)
		return TimerFired{Timer: ev.timer}, true
	}
	return ev, true // DialFailed
}

// docs:end real-translate

// docs:begin real-do

// do carries out a machine's actions. None of them blocks the loop:
// sends are queued by the peer, dials run in their own goroutines.
func (n *RealNode) do(ctx context.Context, actions []Action) {
	for _, a := range actions {
		switch a := a.(type) {
		case Send:
			if p, ok := n.conns[a.To]; ok {
				p.Send(a.Msg) // a failure closes the peer: peerDown follows
			}
		case Dial:
			n.wg.Add(1)
			go func() {
				defer n.wg.Done()
				n.dial(ctx, a.Addr)
			}()
		case Disconnect:
			if p, ok := n.conns[a.Peer]; ok {
				p.Disconnect(a.Err)
			}
		case SetTimer:
			n.stopTimer(a.Timer)
			n.timerGen++
			due := timerDue{timer: a.Timer, gen: n.timerGen}
			n.settings[a.Timer] = due.gen
			n.timers[a.Timer] = time.AfterFunc(a.After, func() { n.post(due) })
		case StopTimer:
			n.stopTimer(a.Timer)
		}
	}
}

// docs:end real-do

func (n *RealNode) stopTimer(id TimerID) {
	if t, ok := n.timers[id]; ok {
		t.Stop()
		delete(n.timers, id)
		delete(n.settings, id)
	}
}

// Inject hands the machine a Local event, from any goroutine: the node's
// wallet, miner or operator. It waits while the inbox is full, and fails
// once the node has stopped or ctx is done.
func (n *RealNode) Inject(ctx context.Context, value any) error {
	select {
	case <-n.quit: // first, or a stopped node's empty inbox would take it
		return ErrStopped
	default:
	}
	select {
	case n.inbox <- Local{Value: value}:
		return nil
	case <-n.quit:
		return ErrStopped
	case <-ctx.Done():
		return ctx.Err()
	}
}

// post hands an event to the loop, waiting while the inbox is full,
// unless the node is shutting down.
func (n *RealNode) post(ev Event) bool {
	select {
	case n.inbox <- ev:
		return true
	case <-n.quit:
		return false
	}
}

// accept runs a handshake on every connection ln accepts.
func (n *RealNode) accept(ctx context.Context, ln net.Listener) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			if !errors.Is(err, net.ErrClosed) {
				select { // a passing failure, such as too many open files
				case <-time.After(acceptRetry):
					continue
				case <-ctx.Done():
				}
			}
			return
		}
		n.wg.Add(1)
		go func() {
			defer n.wg.Done()
			// A failed inbound handshake concerns nobody: the peer
			// has been told by the closed connection.
			n.open(conn.RemoteAddr().String(), func(cfg peers.Config) (*peers.Peer, error) {
				return peers.New(ctx, conn, true, cfg)
			})
		}()
	}
}

// acceptRetry is how long the accept loop waits after a failed Accept.
const acceptRetry = 50 * time.Millisecond

// dial connects to addr; the machine hears of a failure as DialFailed.
func (n *RealNode) dial(ctx context.Context, addr Addr) {
	err := n.open(string(addr), func(cfg peers.Config) (*peers.Peer, error) {
		return peers.Dial(ctx, string(addr), cfg)
	})
	if err != nil {
		n.post(DialFailed{Addr: addr, Err: err})
	}
}

// startFunc runs the handshake of a new connection with the given config.
type startFunc func(peers.Config) (*peers.Peer, error)

// docs:begin real-open

// open runs a handshake, through start, for a connection that gets the
// next PeerID. The peer reports itself up from OnConnect, which runs
// before it reads another message, so the loop always hears
// PeerConnected before that peer's first MessageReceived.
func (n *RealNode) open(addr string, start startFunc) error {
	id := PeerID(n.ids.Add(1))
	announced := false
	cfg := n.cfg.Peers
	cfg.OnConnect = func(p *peers.Peer) {
		info := p.Info()
		listen := Addr(addr)
		a := info.Version.AddrFrom.Addr
		if info.Inbound && a.IsValid() && a.Port() != 0 {
			listen = Addr(a.String()) // where it listens
		}
		announced = n.post(peerUp{id: id, p: p, addr: listen,
			inbound: info.Inbound})
	}
	cfg.OnMessage = func(_ *peers.Peer, msg wire.Message) {
		n.post(MessageReceived{From: id, Msg: msg})
	}
	p, err := start(cfg)
	if err == nil && !announced {
		p.Close() // shutting down: the loop will never know it
	}
	return err
}

// docs:end real-open

// watch reports when a peer closes.
func (n *RealNode) watch(id PeerID, p *peers.Peer) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		select {
		case <-p.Done():
			n.post(peerDown{id: id, err: p.Err()})
		case <-n.quit:
		}
	}()
}

// shutdown stops everything the node started and waits for it.
func (n *RealNode) shutdown(ln net.Listener) {
	close(n.quit)
	ln.Close()
	for id := range n.timers {
		n.stopTimer(id)
	}
	for _, p := range n.conns {
		p.Disconnect(peers.ErrClosed)
	}
	n.wg.Wait()
	// Peers whose handshake ended as we shut down reached the inbox but
	// not the loop: close them too.
	for len(n.inbox) > 0 {
		if up, ok := (<-n.inbox).(peerUp); ok {
			up.p.Close()
		}
	}
	for _, p := range n.conns {
		<-p.Done()
	}
}
