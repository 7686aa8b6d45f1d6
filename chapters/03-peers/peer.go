// Package peers is chapter 03: a peer is a connection that has shaken
// hands. Each side sends a version message saying who it is and what it
// speaks, and acknowledges the other's with a verack; a node refuses a
// connection to itself, a second connection to a node, and a peer too old
// to talk to. Once running, a peer reads and writes on goroutines of its
// own, queues what it sends in a bounded queue, pings to measure the round
// trip and to notice a peer that has gone silent, and reports why it closed
// as an error value.
package peers

import (
	"bufio"
	"context"
	"net"
	"net/netip"
	"sync"
	"sync/atomic"
	"time"

	wire "peerchain/chapters/02-wire"
)

// readBufferSize is the reader's buffer: big enough that a stream of
// small messages costs few system calls.
const readBufferSize = 64 << 10 // 64 KiB

// docs:begin peer

// Peer is a connection to another node that has completed the handshake.
// Three goroutines serve it: a reader, which answers pings and hands
// other messages to OnMessage; a writer, which writes what Send queues;
// and a pinger. Whoever meets an error first closes the connection, which
// ends the other two.
type Peer struct {
	conn  net.Conn
	r     *bufio.Reader // reads conn: the handshake, then readLoop
	cfg   Config
	info  Info
	sendq chan []byte // encoded messages waiting for the writer
	// queued is the bytes in sendq: Send adds, the writer subtracts.
	queued atomic.Int64
	pings  pings

	quit chan struct{}  // closed by Disconnect: stop
	done chan struct{}  // closed once every goroutine has returned
	wg   sync.WaitGroup // the writer and the pinger

	closeOnce sync.Once
	mu        sync.Mutex
	reason    error  // why it closed; set once, by Disconnect
	nonce     uint64 // the peer's nonce, once in cfg.Connected
	added     bool   // nonce is in cfg.Connected
}

// docs:end peer

// docs:begin info

// Info is what the handshake established about a peer.
type Info struct {
	Inbound    bool            // the peer dialed us
	RemoteAddr net.Addr        // the address of its end of the connection
	Version    wire.MsgVersion // the version message the peer sent
	Negotiated uint32          // the protocol version both speak: the lower
	Features   Features        // what it asked for before its verack
}

// docs:end info

// docs:begin listen

// Listen returns where the peer accepts connections: for a peer we
// dialed, the address we dialed; for one that dialed us, the address
// its version gave, with an unspecified host (0.0.0.0 or ::) replaced by
// the IP its connection comes from, since a node often does not know its
// own public address. It is the zero AddrPort when the peer gave no
// usable address: none, or port 0, which says "I do not listen".
func (i Info) Listen() netip.AddrPort {
	if !i.Inbound {
		return addrPort(i.RemoteAddr)
	}
	from := i.Version.AddrFrom.Addr
	if !from.IsValid() || from.Port() == 0 {
		return netip.AddrPort{}
	}
	ip := from.Addr().Unmap()
	if ip.IsUnspecified() {
		remote := addrPort(i.RemoteAddr)
		if !remote.IsValid() {
			return netip.AddrPort{}
		}
		ip = remote.Addr().Unmap()
	}
	return netip.AddrPortFrom(ip, from.Port())
}

// docs:end listen

// docs:begin new

// New runs the handshake on conn and returns the running peer. If
// inbound is false we dialed, and we speak first. ctx and
// cfg.HandshakeTimeout bound the handshake; the peer then runs until it
// is closed. On failure New closes conn and returns why, as an error that
// errors.Is one of the reasons (or ErrConfig). The side that was dialed
// reads a version first, so it is the one that names a problem
// (ErrSelfConnection, say); the side that dialed sees only the hang-up,
// ErrRemoteClosed.
func New(ctx context.Context, conn net.Conn, inbound bool,
	cfg Config) (*Peer, error) {
	if err := cfg.Validate(); err != nil {
		conn.Close()
		return nil, err
	}
	p := &Peer{
		conn:  conn,
		r:     bufio.NewReaderSize(conn, readBufferSize),
		cfg:   cfg,
		info:  Info{Inbound: inbound, RemoteAddr: conn.RemoteAddr()},
		sendq: make(chan []byte, cfg.SendQueueSize),
		quit:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	// The writer starts first: over a connection with no buffer, such
	// as net.Pipe, both sides write during the handshake, and a write
	// waits for the other side to read.
	p.start(p.writeLoop)
	if err := p.handshakeWithin(ctx); err != nil {
		p.Disconnect(err)
		p.wg.Wait()
		close(p.done)
		return nil, p.Err() // the first reason: maybe the writer's
	}
	if cfg.OnConnect != nil {
		cfg.OnConnect(p)
	}
	p.start(p.pingLoop)
	go p.readLoop() // it closes done, last of all
	return p, nil
}

// docs:end new

// start runs f on a goroutine that the peer waits for when it closes.
func (p *Peer) start(f func()) {
	p.wg.Add(1)
	go func() {
		defer p.wg.Done()
		f()
	}()
}

// Dial connects to addr and runs the handshake as the side that dialed.
// ctx bounds both; so does cfg.HandshakeTimeout, so that a dial to an
// address that never answers gives up. A failed dial returns the dial's
// error ("dial tcp ...: connection refused"); a failed handshake, a
// reason, as New does.
func Dial(ctx context.Context, addr string, cfg Config) (*Peer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	d := net.Dialer{Timeout: cfg.HandshakeTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	return New(ctx, conn, false, cfg)
}

// docs:begin disconnect

// Disconnect starts closing the peer, for reason, and returns at once.
// It is safe to call from any goroutine, OnMessage included, and any
// number of times: the first reason is the one Err reports. A nil reason
// means ErrClosed. Messages still queued are not sent.
func (p *Peer) Disconnect(reason error) {
	if reason == nil {
		reason = ErrClosed
	}
	p.closeOnce.Do(func() {
		p.mu.Lock()
		p.reason = reason
		if p.added {
			p.cfg.Connected.remove(p.nonce, p) // it may connect again
			p.added = false
		}
		p.mu.Unlock()
		close(p.quit)
		p.conn.Close() // a read or write blocked on it returns now
	})
}

// Close disconnects the peer with ErrClosed, if nothing closed it before,
// and waits until every goroutine of the peer has returned. It may be
// called any number of times, from any goroutine but those the Config's
// callbacks run on: Close would wait for them forever. It returns nil;
// the reason the peer closed is Err's.
func (p *Peer) Close() error {
	p.Disconnect(ErrClosed)
	<-p.done
	return nil
}

// docs:end disconnect

// Done returns a channel that is closed once the peer has closed and all
// its goroutines have returned.
func (p *Peer) Done() <-chan struct{} { return p.done }

// Err returns why the peer closed, or nil while it is open.
func (p *Peer) Err() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.reason
}

// Info returns what the handshake established.
func (p *Peer) Info() Info { return p.info }

// RTT returns the round trip of the last ping the peer answered, measured
// from when the ping was queued to when its pong was read; false before
// the first pong.
func (p *Peer) RTT() (time.Duration, bool) { return p.pings.last() }

// addrPort returns addr as an IP address and port, or the zero AddrPort
// when it is not one, as with net.Pipe.
func addrPort(addr net.Addr) netip.AddrPort {
	if addr == nil {
		return netip.AddrPort{}
	}
	if tcp, ok := addr.(*net.TCPAddr); ok {
		ap := tcp.AddrPort()
		return netip.AddrPortFrom(ap.Addr().Unmap(), ap.Port())
	}
	ap, _ := netip.ParseAddrPort(addr.String())
	return ap
}
