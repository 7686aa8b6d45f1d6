package simulation

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// linkProxy stands between real nodes on loopback, for tests that need
// what the simulator's faults do: a node that dials the proxy's address
// reaches the target. It forwards whole messages, so a test can:
//
//   - Cut the link as a partition does, without closing anything: while
//     cut, every message either way is read and dropped, whole, and
//     neither end can tell until its pings go unanswered;
//   - Hold new connections: the proxy accepts them but neither reaches
//     the target nor answers until Release. A dial through it is in
//     progress for as long as the test likes: stop the target (or the
//     dialer) meanwhile to crash a node during a dial, and Release to
//     let the dial find out (the proxy then fails to reach the target
//     and hangs up, so the dialer hears DialFailed).
//
// It closes everything when the test ends.
type linkProxy struct {
	ln      net.Listener
	target  Addr
	cut     atomic.Bool
	arrived atomic.Int64 // connections accepted
	wg      sync.WaitGroup

	stopped chan struct{} // closed when the test ends

	mu      sync.Mutex
	dropped map[string]int // messages dropped while cut, by command
	held    chan struct{}  // closed by Release; nil when not holding
	conns   map[net.Conn]bool
	closing bool
}

// newLinkProxy starts a proxy to target on 127.0.0.1:0.
func newLinkProxy(t *testing.T, target Addr) *linkProxy {
	t.Helper()
	p := &linkProxy{ln: listen(t), target: target, stopped: make(chan struct{}),
		conns: make(map[net.Conn]bool), dropped: make(map[string]int)}
	p.wg.Add(1)
	go p.serve()
	t.Cleanup(p.close)
	return p
}

// Addr is where to dial, to reach the target through the proxy.
func (p *linkProxy) Addr() Addr { return Addr(p.ln.Addr().String()) }

// Cut drops every message from now on, both ways, until Cut(false).
func (p *linkProxy) Cut(on bool) { p.cut.Store(on) }

// Dropped counts the messages of a command dropped while the link was
// cut. (Peers ping each other, so a cut drops pings too.)
func (p *linkProxy) Dropped(command string) int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.dropped[command]
}

// Arrived counts the connections the proxy has accepted: a test waits
// for it to know that a dial through a held proxy is under way.
func (p *linkProxy) Arrived() int64 { return p.arrived.Load() }

// Hold makes new connections wait, unanswered, until Release.
func (p *linkProxy) Hold() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held == nil {
		p.held = make(chan struct{})
	}
}

// Release lets held connections, and new ones, through.
func (p *linkProxy) Release() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.held != nil {
		close(p.held)
		p.held = nil
	}
}

func (p *linkProxy) serve() {
	defer p.wg.Done()
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		p.mu.Lock()
		held := p.held
		p.mu.Unlock()
		if !p.track(c) {
			return
		}
		p.arrived.Add(1)
		p.wg.Add(1)
		go func() {
			defer p.wg.Done()
			p.forward(c, held)
		}()
	}
}

// track records a connection for close; false if closing already.
func (p *linkProxy) track(c net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.closing {
		c.Close()
		return false
	}
	p.conns[c] = true
	return true
}

// forward joins a client to the target once released, a message at a
// time each way.
func (p *linkProxy) forward(client net.Conn, held chan struct{}) {
	defer client.Close()
	if held != nil {
		select {
		case <-held:
		case <-p.stopped:
			return
		}
	}
	server, err := net.Dial("tcp", string(p.target))
	if err != nil {
		return // the dialer sees the hang-up
	}
	if !p.track(server) {
		return
	}
	defer server.Close()
	done := make(chan struct{}, 2)
	pump := func(dst, src net.Conn) {
		p.pump(dst, src)
		dst.Close()
		src.Close()
		done <- struct{}{}
	}
	go pump(server, client)
	go pump(client, server)
	<-done
	<-done
}

// pump copies whole messages from src to dst, dropping them while cut.
func (p *linkProxy) pump(dst, src net.Conn) {
	header := make([]byte, wire.HeaderSize)
	for {
		if _, err := io.ReadFull(src, header); err != nil {
			return
		}
		length := binary.LittleEndian.Uint32(header[wire.HeaderSize-8:])
		if length > wire.MaxPayload {
			return
		}
		frame := append(header, make([]byte, length)...)
		if _, err := io.ReadFull(src, frame[wire.HeaderSize:]); err != nil {
			return
		}
		if p.cut.Load() {
			p.mu.Lock()
			p.dropped[string(bytes.TrimRight(header[4:4+wire.CommandSize], "\x00"))]++
			p.mu.Unlock()
		} else if _, err := dst.Write(frame); err != nil {
			return
		}
		header = frame[:wire.HeaderSize]
	}
}

func (p *linkProxy) close() {
	p.mu.Lock()
	p.closing = true
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.ln.Close()
	close(p.stopped)
	p.wg.Wait()
}

// TestLinkProxy: messages pass through the proxy; while it is cut they
// are dropped whole, and after, the next one arrives intact; a dial held
// by the proxy fails once released if its target stopped meanwhile.
func TestLinkProxy(t *testing.T) {
	t.Run("cut", func(t *testing.T) {
		receiver := newRecording(nil)
		to := startRealNode(t, receiver)
		proxy := newLinkProxy(t, to.addr)
		sender := newRecording(func(ev Event) []Action {
			switch ev := ev.(type) {
			case Start:
				return []Action{Dial{Addr: proxy.Addr()}}
			case Local:
				return []Action{Send{To: 1, Msg: &MsgRumor{ID: ev.Value.(uint64)}}}
			}
			return nil
		})
		from := startRealNode(t, sender)
		sender.next(t, "connected", is[PeerConnected])
		receiver.next(t, "connected", is[PeerConnected])
		rumorID := func() uint64 {
			return receiver.next(t, "rumor", is[MessageReceived]).(MessageReceived).Msg.(*MsgRumor).ID
		}

		require.NoError(t, from.Inject(context.Background(), uint64(1)))
		assert.Equal(t, uint64(1), rumorID())
		proxy.Cut(true)
		require.NoError(t, from.Inject(context.Background(), uint64(2)))
		require.Eventually(t, func() bool { return proxy.Dropped(CmdRumor) == 1 }, realWait, realPoll)
		proxy.Cut(false)
		require.NoError(t, from.Inject(context.Background(), uint64(3)))
		assert.Equal(t, uint64(3), rumorID())
	})

	t.Run("target stops during a dial", func(t *testing.T) {
		target := startRealNode(t, newRecording(nil))
		proxy := newLinkProxy(t, target.addr)
		proxy.Hold()
		dialer := newRecording(func(ev Event) []Action {
			if is[Start](ev) {
				return []Action{Dial{Addr: proxy.Addr()}}
			}
			return nil
		})
		startRealNode(t, dialer)
		require.Eventually(t, func() bool { return proxy.Arrived() == 1 }, realWait, realPoll)
		require.NoError(t, target.stop())
		proxy.Release()
		failed := dialer.next(t, "dial failure", is[DialFailed]).(DialFailed)
		assert.Equal(t, proxy.Addr(), failed.Addr)
	})
}
