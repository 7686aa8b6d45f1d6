package sockets

import (
	"bufio"
	"context"
	"io"
	"net"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestChat builds the three-node chat of the docs page: b dials a, c dials
// a and b. A line broadcast by any node reaches the other two.
func TestChat(t *testing.T) {
	a := startNode(t, testConfig())
	b := startNode(t, testConfig())
	c := startNode(t, testConfig())
	ctx := context.Background()
	require.NoError(t, b.Connect(ctx, a.addr))
	require.NoError(t, c.Connect(ctx, a.addr))
	require.NoError(t, c.Connect(ctx, b.addr))
	// Each node sees two connections open, its own dials included.
	for _, n := range []*testNode{a, b, c} {
		n.rec.next(t, PeerConnected)
		n.rec.next(t, PeerConnected)
	}

	tests := []struct {
		name      string
		from      *testNode
		line      string
		receivers []*testNode
	}{
		{name: "a speaks", from: a, line: "hello from a", receivers: []*testNode{b, c}},
		{name: "b speaks", from: b, line: "hello from b", receivers: []*testNode{a, c}},
		{name: "c speaks", from: c, line: "hello from c", receivers: []*testNode{a, b}},
		{name: "unicode", from: a, line: "héllo, 世界", receivers: []*testNode{b, c}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := tt.from.Broadcast(tt.line)
			require.NoError(t, err)
			assert.Equal(t, 2, sent)
			for _, r := range tt.receivers {
				e := r.rec.next(t, LineReceived)
				assert.Equal(t, tt.line, e.Line)
			}
		})
	}
}

// TestBadPeer plays a misbehaving client over raw TCP, as nc would, and
// checks the node drops it with the right reason and keeps serving.
func TestBadPeer(t *testing.T) {
	tests := []struct {
		name      string
		config    func(*Config)
		send      string
		hangUp    bool
		wantLines []string
		wantErr   error
	}{
		{name: "hangs up cleanly", send: "bye\n", hangUp: true, wantLines: []string{"bye"}, wantErr: io.EOF},
		{name: "hangs up mid-line", send: "one\ntw", hangUp: true, wantLines: []string{"one"}, wantErr: io.ErrUnexpectedEOF},
		{name: "line too long", send: strings.Repeat("x", 2000) + "\n", wantErr: ErrLineTooLong},
		{name: "line too long, no newline", send: strings.Repeat("x", 2000), wantErr: ErrLineTooLong},
		{
			name:    "silent",
			config:  func(c *Config) { c.IdleTimeout = 50 * time.Millisecond },
			wantErr: ErrIdleTimeout,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig()
			if tt.config != nil {
				tt.config(&cfg)
			}
			n := startNode(t, cfg)
			conn := dialRaw(t, n.addr)
			n.rec.next(t, PeerConnected)
			_, err := io.WriteString(conn, tt.send)
			require.NoError(t, err)
			if tt.hangUp {
				conn.Close()
			}

			var got []string
			for {
				e := n.rec.nextAny(t)
				if e.Kind == PeerDisconnected {
					assert.ErrorIs(t, e.Err, tt.wantErr)
					break
				}
				if e.Kind == LineReceived {
					got = append(got, e.Line)
				}
			}
			assert.Equal(t, tt.wantLines, got)
			assert.Empty(t, n.Peers())

			// The node still serves a well-behaved peer.
			ok := dialRaw(t, n.addr)
			_, err = io.WriteString(ok, "still here\n")
			require.NoError(t, err)
			assert.Equal(t, "still here", n.rec.next(t, LineReceived).Line)
		})
	}
}

func TestConnectFails(t *testing.T) {
	// A port nobody listens on: listen, note the port, close.
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	closedAddr := ln.Addr().String()
	require.NoError(t, ln.Close())
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()

	tests := []struct {
		name    string
		ctx     context.Context
		addr    string
		wantErr error
	}{
		{name: "refused", ctx: context.Background(), addr: closedAddr, wantErr: syscall.ECONNREFUSED},
		{name: "cancelled", ctx: cancelled, addr: closedAddr, wantErr: context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			n := startNode(t, testConfig())
			err := n.Connect(tt.ctx, tt.addr)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Empty(t, n.Peers())
		})
	}
}

// TestSlowPeer connects a client that never reads. The node keeps writing
// until the kernel's buffers fill, the write blocks, the outbox fills, and
// the node drops that peer, while a reading peer gets every line.
func TestSlowPeer(t *testing.T) {
	cfg := testConfig()
	cfg.MaxLineLength = 64 << 10
	cfg.OutboxSize = 4
	cfg.WriteTimeout = 100 * time.Millisecond
	n := startNode(t, cfg)
	dialRaw(t, n.addr) // never reads
	n.rec.next(t, PeerConnected)

	line := strings.Repeat("x", cfg.MaxLineLength)
	const maxLines = 10_000 // 640 MiB: far beyond any socket buffer
	sent := 0
	for ; sent < maxLines; sent++ {
		if k, err := n.Broadcast(line); err != nil || k == 0 {
			break
		}
	}
	require.Less(t, sent, maxLines, "the slow peer was never dropped")
	e := n.rec.next(t, PeerDisconnected)
	assert.ErrorIs(t, e.Err, ErrSlowPeer)

	// A peer that reads gets its line: the slow one held nobody up.
	reader := dialRaw(t, n.addr)
	n.rec.next(t, PeerConnected)
	k, err := n.Broadcast("after")
	require.NoError(t, err)
	assert.Equal(t, 1, k)
	reader.SetReadDeadline(time.Now().Add(waitTimeout))
	got, err := bufio.NewReader(reader).ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "after\n", got)
}

func TestTooManyPeers(t *testing.T) {
	cfg := testConfig()
	cfg.MaxPeers = 1
	n := startNode(t, cfg)
	dialRaw(t, n.addr)
	n.rec.next(t, PeerConnected)

	second := dialRaw(t, n.addr)
	second.SetReadDeadline(time.Now().Add(waitTimeout))
	_, err := second.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF, "the node should close the connection over its limit")
	assert.Len(t, n.Peers(), 1)
	refused := n.rec.next(t, PeerRefused)
	assert.Equal(t, second.LocalAddr().String(), refused.Peer, "the refused peer")
	assert.True(t, refused.Inbound)
	assert.ErrorIs(t, refused.Err, ErrTooManyPeers)
}

// TestSendToAndDisconnect sends a line to one of two peers, then closes
// the other by its address.
func TestSendToAndDisconnect(t *testing.T) {
	n := startNode(t, testConfig())
	a := dialRaw(t, n.addr)
	n.rec.next(t, PeerConnected)
	b := dialRaw(t, n.addr)
	n.rec.next(t, PeerConnected)

	tests := []struct {
		name     string
		addr     string
		line     string
		wantSent bool
		wantErr  error
	}{
		{name: "to a peer", addr: a.LocalAddr().String(), line: "just you", wantSent: true},
		{name: "to a stranger", addr: "127.0.0.1:1", line: "anyone?"},
		{name: "a bad line", addr: a.LocalAddr().String(), line: "two\nlines", wantErr: ErrLineBreak},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := n.SendTo(tt.addr, tt.line)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Equal(t, tt.wantSent, sent)
		})
	}
	a.SetReadDeadline(time.Now().Add(waitTimeout))
	got, err := bufio.NewReader(a).ReadString('\n')
	require.NoError(t, err)
	assert.Equal(t, "just you\n", got, "only the line sent to a reaches a")

	assert.True(t, n.Disconnect(b.LocalAddr().String(), ErrSlowPeer), "b was connected")
	gone := n.rec.next(t, PeerDisconnected)
	assert.Equal(t, b.LocalAddr().String(), gone.Peer)
	assert.ErrorIs(t, gone.Err, ErrSlowPeer)
	assert.False(t, n.Disconnect(b.LocalAddr().String(), ErrSlowPeer), "b is gone")
	assert.Equal(t, []string{a.LocalAddr().String()}, n.Peers())
}

func TestBroadcastRejectsBadLine(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		wantErr error
	}{
		{name: "newline", line: "two\nlines", wantErr: ErrLineBreak},
		{name: "too long", line: strings.Repeat("x", 1025), wantErr: ErrLineTooLong},
	}
	n := startNode(t, testConfig())
	dialRaw(t, n.addr)
	n.rec.next(t, PeerConnected)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sent, err := n.Broadcast(tt.line)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Zero(t, sent)
		})
	}
}

// TestShutdown cancels a node with inbound and outbound connections open
// and checks that every connection closes and every goroutine returns.
func TestShutdown(t *testing.T) {
	defer goleak.VerifyNone(t, goleak.IgnoreCurrent())
	other := startNode(t, testConfig())
	n := startNode(t, testConfig())
	client := dialRaw(t, n.addr)
	n.rec.next(t, PeerConnected)
	require.NoError(t, n.Connect(context.Background(), other.addr))
	n.rec.next(t, PeerConnected)
	other.rec.next(t, PeerConnected)

	n.stop()

	assert.ErrorIs(t, n.rec.next(t, PeerDisconnected).Err, ErrNodeClosed)
	assert.ErrorIs(t, n.rec.next(t, PeerDisconnected).Err, ErrNodeClosed)
	assert.Empty(t, n.Peers())
	// Both far ends see the connection close.
	client.SetReadDeadline(time.Now().Add(waitTimeout))
	_, err := client.Read(make([]byte, 1))
	assert.ErrorIs(t, err, io.EOF)
	assert.ErrorIs(t, other.rec.next(t, PeerDisconnected).Err, io.EOF)

	// A stopped node refuses new work.
	assert.ErrorIs(t, n.Connect(context.Background(), other.addr), ErrClosed)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	assert.ErrorIs(t, n.Run(context.Background(), ln), ErrClosed)
	other.stop()
}
