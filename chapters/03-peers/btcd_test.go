//go:build interop

// The interop tests run a real Bitcoin implementation against this
// chapter's peer. They need btcd, which a learner's go test ./... should
// not have to compile, so they run with the interop tag:
//
//	go test -tags interop -run BTCD ./chapters/03-peers/
//
// .ci/run runs them on every change.

package peers

import (
	"context"
	"encoding/binary"
	"net"
	"testing"
	"time"

	"github.com/btcsuite/btcd/chaincfg"
	"github.com/btcsuite/btcd/chaincfg/chainhash"
	btcdpeer "github.com/btcsuite/btcd/peer"
	btcwire "github.com/btcsuite/btcd/wire"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// btcdHeight is the start height the btcd peer advertises.
const btcdHeight = 850_000

// btcdNode is a real btcd peer, from btcd's own peer package, and what
// it tells the test.
type btcdNode struct {
	peer   *btcdpeer.Peer
	verack chan struct{} // closed when it has our verack
	pongs  chan uint64   // the nonces of the pongs it receives
	pings  chan uint64   // the nonces of the pings it receives
}

// btcdConfig is btcd's peer configuration for the network magic.
func btcdConfig(magic wire.Magic, n *btcdNode) *btcdpeer.Config {
	params := chaincfg.MainNetParams // a copy, with our magic
	params.Net = btcwire.BitcoinNet(binary.LittleEndian.Uint32(magic[:]))
	once := make(chan struct{}, 1)
	return &btcdpeer.Config{
		ChainParams:      &params,
		UserAgentName:    "interop",
		UserAgentVersion: "1.0",
		Services:         btcwire.SFNodeNetwork,
		NewestBlock: func() (*chainhash.Hash, int32, error) {
			return &chainhash.Hash{}, btcdHeight, nil
		},
		Listeners: btcdpeer.MessageListeners{
			OnVerAck: func(*btcdpeer.Peer, *btcwire.MsgVerAck) {
				select {
				case once <- struct{}{}:
					close(n.verack)
				default:
				}
			},
			OnPong: func(_ *btcdpeer.Peer, msg *btcwire.MsgPong) { n.pongs <- msg.Nonce },
			OnPing: func(_ *btcdpeer.Peer, msg *btcwire.MsgPing) { n.pings <- msg.Nonce },
		},
	}
}

func newBTCDNode() *btcdNode {
	return &btcdNode{verack: make(chan struct{}), pongs: make(chan uint64, 16), pings: make(chan uint64, 16)}
}

// TestBTCD shakes hands with a real btcd peer over loopback TCP, in both
// directions and on two networks, then pings it and is pinged. btcd
// speaks 70016 and sends sendaddrv2 between its version and its verack;
// our peer must record it. At 70015, btcd sends none.
func TestBTCD(t *testing.T) {
	tests := []struct {
		name       string
		weDial     bool
		magic      wire.Magic
		protocol   uint32 // the version we speak
		wantAddrV2 bool
	}{
		{name: "we dial btcd, on Bitcoin's magic", weDial: true, magic: wire.BitcoinMainNet, protocol: wire.ProtocolVersion, wantAddrV2: true},
		{name: "btcd dials us, on Bitcoin's magic", magic: wire.BitcoinMainNet, protocol: wire.ProtocolVersion, wantAddrV2: true},
		{name: "we dial btcd, on the devnet", weDial: true, magic: wire.DevNet, protocol: wire.ProtocolVersion, wantAddrV2: true},
		{name: "btcd dials us, on the devnet", magic: wire.DevNet, protocol: wire.ProtocolVersion, wantAddrV2: true},
		{name: "we dial btcd, speaking 70015", weDial: true, magic: wire.BitcoinMainNet, protocol: 70015},
		{name: "btcd dials us, we speak 70015", magic: wire.BitcoinMainNet, protocol: 70015},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := testConfig(ourNonce)
			cfg.Magic, cfg.ProtocolVersion = tt.magic, tt.protocol
			cfg.Advertise = func() Advertised { return Advertised{StartHeight: 1234} }
			rtts := make(chan time.Duration, 4)
			cfg.OnPong = func(_ *Peer, rtt time.Duration) { rtts <- rtt }

			b := newBTCDNode()
			bcfg := btcdConfig(tt.magic, b)
			ours := connectBTCD(t, tt.weDial, cfg, bcfg, b)

			info := ours.Info()
			assert.Equal(t, tt.weDial, !info.Inbound)
			assert.Equal(t, "/btcwire:0.5.0/interop:1.0/", info.Version.UserAgent)
			assert.Equal(t, int32(btcdHeight), info.Version.StartHeight)
			assert.Equal(t, uint64(btcwire.SFNodeNetwork), info.Version.Services)
			assert.Equal(t, uint32(btcwire.ProtocolVersion), info.Version.ProtocolVersion)
			assert.Equal(t, tt.protocol, info.Negotiated)
			assert.Equal(t, Features{AddrV2: tt.wantAddrV2}, info.Features)

			waitClosedChan(t, b.verack, "btcd never had our verack")
			assert.Equal(t, tt.protocol, b.peer.ProtocolVersion(), "btcd's negotiated version")
			assert.Equal(t, DefaultUserAgent, b.peer.UserAgent())
			assert.Equal(t, int32(1234), b.peer.StartingHeight(), "what Advertise said")
			assert.False(t, b.peer.WantsAddrV2(), "we never ask for addrv2")

			// Our first ping goes at once; btcd answers it.
			ourPing := receive(t, b.pings, "btcd never had our ping")
			assert.NotZero(t, ourPing)
			assert.Positive(t, receive(t, rtts, "we measured no round trip"))
			// btcd pings us; we answer with its nonce.
			b.peer.QueueMessage(btcwire.NewMsgPing(0x0123456789abcdef), nil)
			assert.Equal(t, uint64(0x0123456789abcdef), receive(t, b.pongs, "btcd had no pong"))
			assert.NoError(t, ours.Err(), "still open")

			require.NoError(t, ours.Close())
			disconnected := make(chan struct{})
			go func() { b.peer.WaitForDisconnect(); close(disconnected) }()
			waitClosedChan(t, disconnected, "btcd did not see us hang up")
		})
	}
}

// connectBTCD connects our peer and btcd's over loopback TCP, the side
// that weDial says dialing, and returns ours with its handshake done.
func connectBTCD(t *testing.T, weDial bool, cfg Config, bcfg *btcdpeer.Config, b *btcdNode) *Peer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	accepted := make(chan net.Conn, 1)
	go func() {
		conn, err := ln.Accept()
		if err == nil {
			accepted <- conn
		}
		close(accepted)
	}()

	var ours *Peer
	if weDial {
		b.peer = btcdpeer.NewInboundPeer(bcfg)
		dialed := make(chan result, 1)
		go func() {
			p, err := Dial(context.Background(), ln.Addr().String(), cfg)
			dialed <- result{p, err}
		}()
		conn := <-accepted
		require.NotNil(t, conn, "btcd's listener accepted nothing")
		b.peer.AssociateConnection(conn)
		p, err := wait(t, dialed)
		require.NoError(t, err)
		ours = p
	} else {
		b.peer, err = btcdpeer.NewOutboundPeer(bcfg, ln.Addr().String())
		require.NoError(t, err)
		conn, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err)
		mine := <-accepted
		require.NotNil(t, mine, "our listener accepted nothing")
		ch := newAsync(t, context.Background(), mine, true, cfg)
		b.peer.AssociateConnection(conn)
		p, err := wait(t, ch)
		require.NoError(t, err)
		ours = p
	}
	t.Cleanup(func() {
		b.peer.Disconnect()
		b.peer.WaitForDisconnect()
	})
	return ours
}

func waitClosedChan(t *testing.T, ch <-chan struct{}, failure string) {
	t.Helper()
	select {
	case <-ch:
	case <-time.After(waitTimeout):
		t.Fatalf("%s within %v", failure, waitTimeout)
	}
}

func receive[T any](t *testing.T, ch <-chan T, failure string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(waitTimeout):
		t.Fatalf("%s within %v", failure, waitTimeout)
		var zero T
		return zero
	}
}
