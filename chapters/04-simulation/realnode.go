package simulation

import (
	"context"
	"errors"
	"fmt"
	"net"
	"reflect"
	"sync"
	"sync/atomic"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
)

// ErrStopped is what Inject and Do return once the node has stopped.
var ErrStopped = errors.New("node stopped")

// docs:begin real-config

// RealConfig configures a machine's run over real TCP. Zero values take
// the defaults noted.
type RealConfig struct {
	// Peers configures the handshake and keepalive of every connection.
	// The driver owns three of its fields and overwrites them: OnConnect
	// and OnMessage, which feed the machine, and Advertise, which says
	// what the machine's last Advertise action set (before any, Services
	// and StartHeight). A nil Connected means a new NonceSet with room
	// for MaxInbound+MaxOutbound peers.
	Peers peers.Config
	// Connection limits (see DefaultMaxInbound): peers that dialed us,
	// peers we dialed, and inbound handshakes under way at once.
	MaxInbound    int
	MaxOutbound   int
	MaxHandshakes int
	// InboxSize bounds the node's own lane of events (timers, Inject,
	// Do, the driver's); PeerInboxSize bounds each peer's. Zero means
	// DefaultInboxSize and DefaultPeerInboxSize.
	InboxSize     int
	PeerInboxSize int
	// OnEmit, if set, gets the value of every Emit action, on the loop:
	// the node's API, logs and dashboard read the machine's output
	// here. It must not block long, for the machine waits.
	OnEmit func(value any)
	// OnAction, if set, is offered every action the driver does not
	// know (a later chapter's CustomAction), on the loop, and reports
	// whether it took it. One that nobody takes stops Run with an error
	// that wraps ErrUnknownAction.
	OnAction func(a Action) bool
}

// docs:end real-config

// docs:begin real-node

// RealNode runs a Machine for real: connections are chapter 03 peers
// over TCP, time is the wall clock, timers are Go timers. One goroutine,
// the loop in Run, calls the machine and carries out its actions; every
// other goroutine (accepting, dialing, reading, timers) only leaves it
// events in the inbox. So the machine sees one event at a time, as it
// does in the simulator.
type RealNode struct {
	cfg        RealConfig
	m          Machine
	in         *inbox
	quit       chan struct{} // closed when the node stops
	running    atomic.Bool   // Run was called
	wg         sync.WaitGroup
	ids        atomic.Uint64                    // the last PeerID handed out
	advertised atomic.Pointer[peers.Advertised] // what versions say
	handshakes chan struct{}                    // a token per inbound handshake
	clock      clock

	// Only the loop touches these.
	conns    map[PeerID]realConn
	dialing  map[Addr]bool // dials under way
	inbound  int           // admitted inbound: shaking hands or connected
	outbound int           // connected outbound
	timers   map[TimerID]realTimer
	timerGen uint64 // timer settings so far, to tell a moved timer's old firing
	frame    struct {
		msg wire.Message // the last message encoded,
		f   peers.Frame  // and its frame, for the next peer it goes to
	}
}

// docs:end real-node

// realConn is what the loop knows of a connected peer.
type realConn struct {
	p       *peers.Peer
	addr    Addr // where it listens; "" if an inbound peer did not say
	inbound bool
}

// realTimer is a timer the machine has set.
type realTimer struct {
	stop func() bool
	gen  uint64 // which setting it is
}

// Events only the real driver sends itself: a peer is ready or gone, a
// dial failed, an inbound connection asks to be admitted or failed its
// handshake, a timer went off (it may have been moved since).
type (
	peerUp struct {
		lane *peerLane
		ev   PeerConnected
	}
	peerDown struct {
		id  PeerID
		err error
	}
	dialFailed struct {
		addr Addr
		err  error
	}
	admitRequest struct {
		remote Addr
		reply  chan error // buffered: the loop never waits on it
	}
	inboundFailed struct{}
	timerDue      struct {
		timer TimerID
		gen   uint64
	}
)

func (peerUp) isEvent()        {}
func (peerDown) isEvent()      {}
func (dialFailed) isEvent()    {}
func (admitRequest) isEvent()  {}
func (inboundFailed) isEvent() {}
func (timerDue) isEvent()      {}

// NewRealNode returns a node that will run m.
func NewRealNode(cfg RealConfig, m Machine) (*RealNode, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	n := &RealNode{
		cfg:        cfg,
		m:          m,
		quit:       make(chan struct{}),
		handshakes: make(chan struct{}, cfg.MaxHandshakes),
		clock:      wallClock{},
		conns:      make(map[PeerID]realConn),
		dialing:    make(map[Addr]bool),
		timers:     make(map[TimerID]realTimer),
	}
	n.in = newInbox(cfg.InboxSize, cfg.PeerInboxSize, n.quit)
	n.advertised.Store(&peers.Advertised{Services: cfg.Peers.Services,
		StartHeight: cfg.Peers.StartHeight})
	n.cfg.Peers.Advertise = func() peers.Advertised { return *n.advertised.Load() }
	return n, nil
}

// docs:begin real-run

// Run accepts connections on ln and runs the machine until ctx is
// cancelled, or an action fails the run; then it closes every connection
// and returns once every goroutine the node started has. A node runs
// once: a second Run returns ErrAlreadyRunning and leaves ln alone.
func (n *RealNode) Run(ctx context.Context, ln net.Listener) error {
	if !n.running.CompareAndSwap(false, true) {
		return ErrAlreadyRunning
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	n.spawn(func() { n.accept(ctx, ln) })
	err := n.do(ctx, n.m.Handle(n.clock.now(), Start{}))
	for err == nil && ctx.Err() == nil {
		ev, ok := n.in.next() // each lane in turn
		if !ok {
			select {
			case <-n.in.wake:
			case <-ctx.Done():
			}
			continue
		}
		if ev, ok := n.translate(ev); ok {
			err = n.do(ctx, n.m.Handle(n.clock.now(), ev))
		}
	}
	cancel() // handshakes and dials under way give up
	n.shutdown(ln)
	return err
}

// docs:end real-run

// docs:begin real-translate

// translate turns what the driver's goroutines report into the event the
// machine sees, keeping the tables of connections, dials and timers up
// to date. It handles the driver's own business (admitting a connection,
// a Do) itself, and drops what no longer applies: a timer moved since
// it was set.
func (n *RealNode) translate(ev Event) (Event, bool) {
	switch ev := ev.(type) {
	case peerUp:
		c := realConn{p: ev.lane.p, addr: ev.ev.Addr, inbound: ev.ev.Inbound}
		n.conns[ev.ev.Peer] = c
		if !c.inbound {
			delete(n.dialing, c.addr)
			n.outbound++
		}
		n.watch(ev.lane)
		return ev.ev, true
	case peerDown:
		if n.conns[ev.id].inbound {
			n.inbound--
		} else {
			n.outbound--
		}
		delete(n.conns, ev.id)
		n.in.remove(ev.id)
		return PeerDisconnected{Peer: ev.id, Err: ev.err}, true
	case dialFailed:
		delete(n.dialing, ev.addr)
		return DialFailed{Addr: ev.addr, Err: ev.err}, true
	case admitRequest:
		ev.reply <- n.admit(ev.remote)
		return nil, false
	case inboundFailed:
		n.inbound--
		return nil, false
	case *doRequest:
		ev.run(n.m)
		return nil, false
	case timerDue:
		if t, ok := n.timers[ev.timer]; !ok || t.gen != ev.gen {
			return nil, false
		}
		delete(n.timers, ev.timer)
		return TimerFired{Timer: ev.timer}, true
	}
	// MessageReceived, Local, and what the loop owed: SendFailed, a
	// refused Dial's DialFailed.
	return ev, true
}

// docs:end real-translate

// docs:begin real-do

// do carries out a machine's actions. None of them blocks the loop:
// sends are queued by the peer, dials run in their own goroutines, and
// what fails at once (a message that cannot go on the wire, a dial to
// a peer we have) comes back as an event after this one. An action the
// driver does not know, and OnAction does not take, ends the run.
func (n *RealNode) do(ctx context.Context, actions []Action) error {
	for _, a := range actions {
		var err error
		switch a := a.(type) {
		case Send:
			err = n.send(a)
		case Dial:
			err = n.dial(ctx, a.Addr)
		case Disconnect:
			if c, ok := n.conns[a.Peer]; ok {
				c.p.Disconnect(a.Err) // peerDown follows
			}
		case SetTimer:
			n.stopTimer(a.Timer)
			n.timerGen++
			due := timerDue{timer: a.Timer, gen: n.timerGen}
			stop := n.clock.afterFunc(a.After, func() { n.in.post(due) })
			n.timers[a.Timer] = realTimer{stop: stop, gen: due.gen}
		case StopTimer:
			n.stopTimer(a.Timer)
		case Emit:
			if n.cfg.OnEmit != nil {
				n.cfg.OnEmit(a.Value)
			}
		case Advertise:
			n.advertised.Store(&peers.Advertised{Services: a.Services,
				StartHeight: a.StartHeight})
		default:
			if n.cfg.OnAction == nil || !n.cfg.OnAction(a) {
				err = fmt.Errorf("%w: %T", ErrUnknownAction, a)
			}
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// docs:end real-do

// send queues a message for a peer. One to a peer that is gone is
// dropped: PeerDisconnected is on its way. One that cannot go on the
// wire comes back as SendFailed, and the peer stays open: as in the
// simulator, a nil message or a command the node's registry does not
// know is ErrNotRegistered, and an encoding error or a payload over its
// limit is the wire package's error.
func (n *RealNode) send(a Send) error {
	c, ok := n.conns[a.To]
	if !ok {
		return nil
	}
	var err error
	switch {
	case isNil(a.Msg):
		err = fmt.Errorf("%w: nil message", ErrNotRegistered)
	default:
		if _, known := n.cfg.Peers.Registry.New(a.Msg.Command()); known != nil {
			err = fmt.Errorf("%w: %q", ErrNotRegistered, a.Msg.Command())
		} else if err = n.encode(a.Msg); err == nil {
			err = c.p.SendFrame(n.frame.f)
		}
	}
	if err == nil || errors.Is(err, peers.ErrClosed) || errors.Is(err, peers.ErrSlowPeer) {
		return nil // sent, or the peer is closing: peerDown follows
	}
	return n.in.owe(SendFailed{To: a.To, Msg: a.Msg, Err: err})
}

// encode encodes a message for the wire, once for all the peers a
// machine sends it to: the frame of the last message encoded is kept.
func (n *RealNode) encode(msg wire.Message) error {
	if sameMessage(msg, n.frame.msg) {
		return nil // a message is never changed once sent
	}
	f, err := peers.EncodeFrame(n.cfg.Peers.Magic, msg)
	if err != nil {
		return err
	}
	n.frame.msg, n.frame.f = msg, f
	return nil
}

// dial starts a dial to addr, unless the node must refuse it at once
// (see canDial). A handshake the other side refuses as a duplicate, the
// loser of two nodes dialing each other at once, fails as
// ErrAlreadyConnected too.
func (n *RealNode) dial(ctx context.Context, addr Addr) error {
	if err := n.canDial(addr); err != nil {
		return n.in.owe(DialFailed{Addr: addr, Err: err})
	}
	n.dialing[addr] = true
	n.spawn(func() {
		err := n.open(addr, func(cfg peers.Config) (*peers.Peer, error) {
			return peers.Dial(ctx, string(addr), cfg)
		})
		if errors.Is(err, peers.ErrDuplicateConnection) {
			err = fmt.Errorf("%w: %w", ErrAlreadyConnected, err)
		}
		if err != nil {
			n.in.post(dialFailed{addr: addr, err: err})
		}
	})
	return nil
}

// isNil reports whether msg is nil, or a nil pointer in the interface
// (a machine's `var m *MsgRumor; Send{Msg: m}`), which would panic in
// Encode.
func isNil(msg wire.Message) bool {
	if msg == nil {
		return true
	}
	v := reflect.ValueOf(msg)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

func (n *RealNode) stopTimer(id TimerID) {
	if t, ok := n.timers[id]; ok {
		t.stop() // if it fired already, its timerDue is stale
		delete(n.timers, id)
	}
}

// Inject hands the machine a Local event, from any goroutine: the node's
// wallet, miner or operator. It waits while the node's own lane is
// full, and fails once the node has stopped or ctx is done.
func (n *RealNode) Inject(ctx context.Context, value any) error {
	return n.in.postCtx(ctx, Local{Value: value})
}

// startFunc runs the handshake of a new connection with the given config.
type startFunc func(peers.Config) (*peers.Peer, error)

// docs:begin real-open

// openInbound asks the loop to admit a connection (a free inbound slot,
// and the machine's AcceptInbound if it has one), then shakes hands.
// A refused connection is closed: the machine never hears of it.
func (n *RealNode) openInbound(ctx context.Context, c net.Conn) {
	admit := admitRequest{remote: Addr(c.RemoteAddr().String()), reply: make(chan error, 1)}
	err := ErrStopped
	if n.in.post(admit) {
		select {
		case err = <-admit.reply:
		case <-n.quit:
		}
	}
	if err != nil {
		c.Close()
		return
	}
	err = n.open("", func(cfg peers.Config) (*peers.Peer, error) {
		return peers.New(ctx, c, true, cfg)
	})
	if err != nil {
		n.in.post(inboundFailed{}) // its slot is free again
	}
}

// open runs a handshake, through start, for a connection that gets the
// next PeerID; dialed is the address dialed, "" for an inbound one. The
// peer reports itself up from OnConnect, which runs before it reads
// another message, into its own lane, where its messages and its end
// follow: so the loop hears PeerConnected, then its messages in order,
// then PeerDisconnected.
func (n *RealNode) open(dialed Addr, start startFunc) error {
	id := PeerID(n.ids.Add(1))
	lane := n.in.newLane(id)
	cfg := n.cfg.Peers
	cfg.OnConnect = func(p *peers.Peer) {
		n.in.add(lane, p) // from now on, shutdown closes it
		n.in.put(lane, peerUp{lane: lane, ev: connected(id, dialed, p.Info())})
	}
	cfg.OnMessage = func(_ *peers.Peer, msg wire.Message) {
		n.in.put(lane, MessageReceived{From: id, Msg: msg}) // waits while the lane is full
	}
	cfg.OnUnknown = func(_ *peers.Peer, command string, size int) {
		n.in.put(lane, UnknownMessage{From: id, Command: command, Size: size})
	}
	_, err := start(cfg)
	return err
}

// docs:end real-open

// connected is the PeerConnected of a handshake: where the peer listens
// is where we dialed it, or, inbound, what its version said (with an
// unspecified host replaced by the connection's remote IP).
func connected(id PeerID, dialed Addr, info peers.Info) PeerConnected {
	v := info.Version
	ev := PeerConnected{
		Peer:    id,
		Addr:    dialed,
		Inbound: info.Inbound,
		Version: PeerVersion{ProtocolVersion: v.ProtocolVersion, Services: v.Services,
			StartHeight: v.StartHeight, UserAgent: v.UserAgent, Relay: v.Relay},
	}
	if seen := v.AddrRecv.Addr; seen.IsValid() {
		ev.Version.SeenAs = Addr(seen.String())
	}
	if info.RemoteAddr != nil {
		ev.Remote = Addr(info.RemoteAddr.String())
	}
	if listen := info.Listen(); info.Inbound && listen.IsValid() {
		ev.Addr = Addr(listen.String())
	}
	return ev
}

// watch reports, through the peer's lane, when a peer closes.
func (n *RealNode) watch(l *peerLane) {
	n.spawn(func() {
		select {
		case <-l.p.Done(): // its reader has left its last message
			n.in.put(l, peerDown{id: l.id, err: l.p.Err()})
		case <-n.quit:
		}
	})
}

// spawn runs f on a goroutine that shutdown waits for.
func (n *RealNode) spawn(f func()) {
	n.wg.Add(1)
	go func() {
		defer n.wg.Done()
		f()
	}()
}

// shutdown stops everything the node started and waits for it.
func (n *RealNode) shutdown(ln net.Listener) {
	close(n.quit)
	ln.Close()
	for id := range n.timers {
		n.stopTimer(id)
	}
	for _, p := range n.in.all() {
		p.Disconnect(peers.ErrClosed)
	}
	n.wg.Wait()
	// Every handshake has ended now. Those that passed as we shut down
	// added their peer to the inbox, but the loop never saw it.
	for _, p := range n.in.all() {
		p.Close()
	}
}
