package peers

import (
	"context"
	"net"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// node is a node listening on a loopback port of its own, running the
// handshake on every connection it accepts.
type node struct {
	cfg      Config
	addr     string
	accepted chan result // New's result for each accepted connection
}

// listen starts a node with cfg on 127.0.0.1:0 until the test ends.
func listen(t *testing.T, cfg Config) *node {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	n := &node{cfg: cfg, addr: ln.Addr().String(), accepted: make(chan result, 10)}
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			conn, err := ln.Accept()
			if err != nil {
				return // the listener closed
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				p, err := New(context.Background(), conn, true, cfg)
				n.accepted <- result{p, err}
			}()
		}
	}()
	t.Cleanup(func() {
		ln.Close()
		wg.Wait()
		close(n.accepted)
		for r := range n.accepted { // never waited for
			if r.peer != nil {
				r.peer.Close()
			}
		}
	})
	return n
}

// accept returns the result of the next connection the node accepted.
func (n *node) accept(t *testing.T) (*Peer, error) {
	t.Helper()
	return wait(t, n.accepted)
}

// dial connects the node to addr; the peer is closed when the test ends.
func (n *node) dial(t *testing.T, addr string) (*Peer, error) {
	t.Helper()
	p, err := Dial(context.Background(), addr, n.cfg)
	if p != nil {
		t.Cleanup(func() { p.Close() })
	}
	return p, err
}

// TestTwoNodes runs two nodes over TCP: a dials b, the handshake passes
// both ways, both ping at once and measure the round trip, messages flow
// both ways, and closing one side ends the other.
func TestTwoNodes(t *testing.T) {
	notes := map[uint64]chan string{ourNonce: make(chan string, 1), theirNonce: make(chan string, 1)}
	pongs := map[uint64]chan time.Duration{ourNonce: make(chan time.Duration, 1), theirNonce: make(chan time.Duration, 1)}
	config := func(nonce uint64) Config {
		cfg := withNotes(t, testConfig(nonce))
		cfg.OnMessage = func(p *Peer, msg wire.Message) { notes[nonce] <- string(msg.(*msgNote).text) }
		cfg.OnPong = func(p *Peer, rtt time.Duration) { pongs[nonce] <- rtt }
		return cfg
	}
	a := listen(t, config(ourNonce))
	b := listen(t, config(theirNonce))

	out, err := a.dial(t, b.addr)
	require.NoError(t, err)
	in, err := b.accept(t)
	require.NoError(t, err)

	assert.False(t, out.Info().Inbound)
	assert.True(t, in.Info().Inbound)
	assert.Equal(t, theirNonce, out.Info().Version.Nonce)
	assert.Equal(t, ourNonce, in.Info().Version.Nonce)
	assert.Equal(t, b.addr, out.Info().RemoteAddr.String())
	assert.Equal(t, out.Info().Version.AddrRecv.Addr.String(), in.Info().RemoteAddr.String(),
		"a says where it sees b from")

	for nonce, ch := range pongs {
		select {
		case rtt := <-ch:
			assert.Positive(t, rtt, "node %#x's round trip", nonce)
		case <-time.After(waitTimeout):
			t.Fatalf("node %#x measured no round trip", nonce)
		}
	}

	require.NoError(t, out.Send(note("hello b")))
	require.NoError(t, in.Send(note("hello a")))
	assert.Equal(t, "hello b", waitNote(t, notes[theirNonce]))
	assert.Equal(t, "hello a", waitNote(t, notes[ourNonce]))

	require.NoError(t, out.Close())
	assert.ErrorIs(t, waitDone(t, in), ErrRemoteClosed)
	assert.ErrorIs(t, out.Err(), ErrClosed)
	assert.Zero(t, a.cfg.Connected.Len())
	assert.Zero(t, b.cfg.Connected.Len())
}

func waitNote(t *testing.T, ch chan string) string {
	t.Helper()
	select {
	case s := <-ch:
		return s
	case <-time.After(waitTimeout):
		t.Fatalf("no note within %v", waitTimeout)
		return ""
	}
}

// TestRefused connects nodes that must refuse each other, over TCP. The
// side that was dialed reads a version first, so it is the one that
// finds the problem and hangs up; the side that dialed sees only that.
func TestRefused(t *testing.T) {
	tests := []struct {
		name         string
		dialer       func(*Config)
		listener     func(*Config)
		self         bool // the dialer dials its own listener
		connectFirst bool // one good connection before the one tested
		wantInbound  error
	}{
		{name: "a node dials itself", self: true, wantInbound: ErrSelfConnection},
		{name: "a second connection", connectFirst: true, wantInbound: ErrDuplicateConnection},
		{
			name:        "another network",
			dialer:      func(c *Config) { c.Magic = wire.TestNet },
			wantInbound: ErrWrongNetwork,
		},
		{
			name:        "an old node",
			dialer:      func(c *Config) { c.ProtocolVersion, c.MinProtocolVersion = 1, 1 },
			listener:    func(c *Config) { c.ProtocolVersion, c.MinProtocolVersion = 3, 2 },
			wantInbound: ErrVersionTooOld,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dcfg, lcfg := testConfig(ourNonce), testConfig(theirNonce)
			if tt.dialer != nil {
				tt.dialer(&dcfg)
			}
			if tt.listener != nil {
				tt.listener(&lcfg)
			}
			if tt.self {
				lcfg = dcfg
			}
			dialer, listener := listen(t, dcfg), listen(t, lcfg)
			if tt.connectFirst {
				_, err := dialer.dial(t, listener.addr)
				require.NoError(t, err)
				_, err = listener.accept(t)
				require.NoError(t, err)
			}

			out, err := dialer.dial(t, listener.addr)
			assert.Nil(t, out)
			assert.ErrorIs(t, err, ErrRemoteClosed, "the side that dialed")
			in, err := listener.accept(t)
			assert.Nil(t, in)
			assert.ErrorIs(t, err, tt.wantInbound, "the side that was dialed")

			wantConnected := 0
			if tt.connectFirst {
				wantConnected = 1 // the first connection is still up
			}
			assert.Equal(t, wantConnected, dcfg.Connected.Len())
			assert.Equal(t, wantConnected, lcfg.Connected.Len())
		})
	}
}

// TestDialFails checks Dial's own errors.
func TestDialFails(t *testing.T) {
	nobody := unusedAddr(t)
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name    string
		ctx     context.Context
		wantErr error
	}{
		{name: "refused", ctx: context.Background(), wantErr: syscall.ECONNREFUSED},
		{name: "cancelled", ctx: cancelled, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Dial(tt.ctx, nobody, testConfig(ourNonce))
			assert.Nil(t, p)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}
