package peers

import (
	"errors"
	"fmt"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestDisconnect runs a peer over net.Pipe and ends it in every way a
// running peer ends, checking the reason it gives, that the connection
// closes, that its nonce leaves the node's set, and that Done closes.
func TestDisconnect(t *testing.T) {
	errGoodbye := errors.New("goodbye")
	tests := []struct {
		name       string
		config     func(*Config)
		act        func(t *testing.T, p *Peer, r *remote)
		wantErr    error
		wantDetail string
	}{
		{
			name:    "they hang up",
			act:     func(t *testing.T, p *Peer, r *remote) { r.conn.Close() },
			wantErr: ErrRemoteClosed,
		},
		{
			name:    "we close",
			act:     func(t *testing.T, p *Peer, r *remote) { require.NoError(t, p.Close()) },
			wantErr: ErrClosed,
		},
		{
			name: "another network",
			act: func(t *testing.T, p *Peer, r *remote) {
				r.sendRaw(t, frame(t, wire.MainNet, &wire.MsgPing{Nonce: 1}))
			},
			wantErr:    ErrWrongNetwork,
			wantDetail: "fec3b0d1 (peerchain main)",
		},
		{
			name: "a bad checksum",
			act: func(t *testing.T, p *Peer, r *remote) {
				b := frame(t, wire.DevNet, &wire.MsgPing{Nonce: 1})
				b[23] ^= 0x01
				r.sendRaw(t, b)
			},
			wantErr:    ErrMalformed,
			wantDetail: "ping message, byte 20: bad checksum",
		},
		{
			name: "a message cut short",
			act: func(t *testing.T, p *Peer, r *remote) {
				// Once our first ping is read, nothing writes: the
				// hang-up can only be seen by the reader, mid-message.
				r.expect(t, wire.CmdPing)
				b := frame(t, wire.DevNet, &wire.MsgPing{Nonce: 1})
				r.sendRaw(t, b[:30])
				r.conn.Close()
			},
			wantErr:    ErrMalformed,
			wantDetail: "the payload ends after 6 of 8 bytes",
		},
		{
			name: "a second version",
			act: func(t *testing.T, p *Peer, r *remote) {
				r.send(t, theirVersion(theirNonce, wire.ProtocolVersion))
			},
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "version after the handshake",
		},
		{
			name: "a second verack",
			act: func(t *testing.T, p *Peer, r *remote) {
				r.send(t, &wire.MsgVerAck{})
			},
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "verack after the handshake",
		},
		{
			name:       "sendaddrv2 after the handshake",
			act:        func(t *testing.T, p *Peer, r *remote) { r.send(t, &wire.MsgSendAddrV2{}) },
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "sendaddrv2 after the handshake",
		},
		{
			name:       "wtxidrelay after the handshake",
			act:        func(t *testing.T, p *Peer, r *remote) { r.send(t, &wire.MsgWtxidRelay{}) },
			wantErr:    ErrUnexpectedMessage,
			wantDetail: "wtxidrelay after the handshake",
		},
		{
			name: "they go silent",
			config: func(c *Config) {
				c.PingInterval = 50 * time.Millisecond
				c.IdleTimeout = 100 * time.Millisecond
			},
			act:        func(t *testing.T, p *Peer, r *remote) {},
			wantErr:    ErrIdleTimeout,
			wantDetail: "nothing read for 100ms",
		},
		{
			name: "OnMessage disconnects",
			config: func(c *Config) {
				c.OnMessage = func(p *Peer, msg wire.Message) { p.Disconnect(errGoodbye) }
			},
			act:     func(t *testing.T, p *Peer, r *remote) { r.send(t, note("bye")) },
			wantErr: errGoodbye,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := withNotes(t, testConfig(ourNonce))
			if tt.config != nil {
				tt.config(&cfg)
			}
			p, r := running(t, cfg, allMessages)
			require.Equal(t, 1, cfg.Connected.Len())

			tt.act(t, p, r)
			err := waitDone(t, p)
			assert.ErrorIs(t, err, tt.wantErr)
			if tt.wantDetail != "" {
				assert.ErrorContains(t, err, tt.wantDetail)
			}
			r.waitClosed(t)
			assert.Zero(t, cfg.Connected.Len(), "the nonce leaves the node's set")
			assert.ErrorIs(t, p.Send(&wire.MsgPing{}), ErrClosed)
		})
	}
}

// TestClose checks Close and Disconnect may be called any number of
// times, from many goroutines, and that the first reason wins.
func TestClose(t *testing.T) {
	errFirst := errors.New("first")
	p, _ := running(t, testConfig(ourNonce), allMessages)
	assert.NoError(t, p.Err(), "open")

	p.Disconnect(errFirst)
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			p.Disconnect(errors.New("later"))
			p.Close()
		}()
	}
	wg.Wait()
	require.NoError(t, p.Close())
	select {
	case <-p.Done():
	default:
		t.Fatal("Close returned before Done closed")
	}
	assert.Equal(t, errFirst, p.Err(), "the first reason wins")
	assert.ErrorIs(t, p.Send(&wire.MsgPing{}), ErrClosed)
}

// TestMessages checks that what the far end sends after the handshake
// reaches OnMessage in order, and that a message type the registry does
// not know is skipped, leaving the peer open.
func TestMessages(t *testing.T) {
	tests := []struct {
		name        string
		register    bool // the registry knows notes
		want        []string
		wantUnknown []string // what OnUnknown heard
	}{
		{name: "known", register: true, want: []string{"a", "b", "c"}},
		{name: "unknown", register: false, want: nil,
			wantUnknown: []string{"note 25", "note 25", "note 25"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ourNonce)
			if tt.register {
				cfg = withNotes(t, cfg)
			}
			var mu sync.Mutex
			var got []string
			var from *Peer
			cfg.OnMessage = func(p *Peer, msg wire.Message) {
				mu.Lock()
				defer mu.Unlock()
				got = append(got, string(msg.(*msgNote).text))
				from = p
			}
			var unknown []string
			cfg.OnUnknown = func(p *Peer, command string, size int) {
				mu.Lock()
				defer mu.Unlock()
				unknown = append(unknown, fmt.Sprintf("%s %d", command, size))
			}
			p, r := running(t, cfg, allMessages)
			for _, text := range []string{"a", "b", "c"} {
				r.send(t, note(text))
			}
			r.sync(t)

			mu.Lock()
			defer mu.Unlock()
			assert.Equal(t, tt.want, got)
			assert.Equal(t, tt.wantUnknown, unknown, "24 bytes of envelope and 1 of note")
			if tt.want != nil {
				assert.Same(t, p, from)
			}
			assert.NoError(t, p.Err(), "still open")
		})
	}
}

// TestSendRefusesWhatCannotBeEncoded checks that a message too big for
// its type is our bug, not the peer's: Send says so, and the peer stays.
func TestSendRefusesWhatCannotBeEncoded(t *testing.T) {
	p, r := running(t, testConfig(ourNonce), allMessages)
	err := p.Send(&msgNote{text: make([]byte, 1<<20+1)})
	assert.ErrorIs(t, err, wire.ErrPayloadTooLarge)
	r.sync(t)
	assert.NoError(t, p.Err())
}

// TestSlowPeer connects a far end that stops reading after the
// handshake, over net.Pipe, which has no buffer: the writer's first write
// blocks for good. Either the queue fills behind it, or the write misses
// its deadline; both drop the peer as too slow.
func TestSlowPeer(t *testing.T) {
	tests := []struct {
		name         string
		writeTimeout time.Duration
		queue        int
		send         bool // keep sending until Send fails
		wantDetail   string
	}{
		// One message blocked in the writer, four queued, the next
		// finds the queue full. Sending stops after maxSends at most.
		{name: "the queue fills", writeTimeout: time.Hour, queue: 4, send: true, wantDetail: "4 messages queued"},
		// The first ping blocks the writer for longer than its deadline.
		{name: "a write times out", writeTimeout: 20 * time.Millisecond, queue: 64, wantDetail: "a write took over 20ms"},
	}
	const maxSends = 10
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ourNonce)
			cfg.WriteTimeout = tt.writeTimeout
			cfg.SendQueueSize = tt.queue
			p, _ := running(t, cfg, 0)

			var sendErr error
			for i := 0; tt.send && sendErr == nil && i < maxSends; i++ {
				sendErr = p.Send(&wire.MsgPing{Nonce: uint64(i + 1)})
			}
			if tt.send {
				assert.ErrorIs(t, sendErr, ErrSlowPeer, "Send's error")
			}
			err := waitDone(t, p)
			assert.ErrorIs(t, err, ErrSlowPeer)
			assert.ErrorContains(t, err, tt.wantDetail)
		})
	}
}

// TestSlowPeerOverTCP does the same over a real socket, whose kernel
// buffers take megabytes before a write blocks: a far end that never
// reads is dropped once they and the queue are full.
func TestSlowPeerOverTCP(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	theirs, err := net.Dial("tcp", ln.Addr().String())
	require.NoError(t, err)
	ours, err := ln.Accept()
	require.NoError(t, err)

	cfg := withNotes(t, testConfig(ourNonce))
	cfg.SendQueueSize = MinSendQueueSize
	cfg.WriteTimeout = 100 * time.Millisecond
	r := newRemote(t, theirs, 2) // our version and verack, no more
	ch := newAsync(t, t.Context(), ours, true, cfg)
	r.dialedUs(t)
	p, err := wait(t, ch)
	require.NoError(t, err)

	big := &msgNote{text: []byte(strings.Repeat("x", 1<<20))}
	const maxSends = 10_000 // 10 GiB: far beyond any socket buffer
	sent := 0
	for sent < maxSends && p.Send(big) == nil {
		sent++
	}
	require.Less(t, sent, maxSends, "the peer that never reads was never dropped")
	assert.ErrorIs(t, waitDone(t, p), ErrSlowPeer)
}

// TestOnConnectComesFirst has the far end send a message the moment the
// handshake is done, and answer our first ping: OnConnect is told of the
// peer before OnMessage or OnPong hear anything from it.
func TestOnConnectComesFirst(t *testing.T) {
	var mu sync.Mutex
	var events []string
	var connected *Peer
	record := func(event string) {
		mu.Lock()
		defer mu.Unlock()
		events = append(events, event)
	}
	cfg := withNotes(t, testConfig(ourNonce))
	cfg.OnConnect = func(p *Peer) {
		connected = p
		record("connect")
	}
	cfg.OnMessage = func(p *Peer, msg wire.Message) { record(msg.Command()) }
	cfg.OnPong = func(p *Peer, rtt time.Duration) { record("pong") }

	ours, theirs := net.Pipe()
	r := newRemote(t, theirs, allMessages)
	ch := newAsync(t, t.Context(), ours, true, cfg)
	r.dialedUs(t)
	r.send(t, note("at once"))
	ping := r.expect(t, wire.CmdPing).(*wire.MsgPing)
	r.send(t, &wire.MsgPong{Nonce: ping.Nonce})
	r.sync(t)
	p, err := wait(t, ch)
	require.NoError(t, err)

	mu.Lock()
	defer mu.Unlock()
	assert.Equal(t, []string{"connect", cmdNote, "pong"}, events)
	assert.Same(t, p, connected)
}
