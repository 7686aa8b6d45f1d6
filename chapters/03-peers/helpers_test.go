package peers

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/netip"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	wire "peerchain/chapters/02-wire"
)

// TestMain fails the package if any test leaves a goroutine running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitTimeout bounds every wait in these tests. Nothing here takes longer
// than milliseconds; the bound only turns a hang into a failure.
const waitTimeout = 5 * time.Second

// Nonces of the nodes in these tests: fixed, so failures read the same
// every run.
const (
	ourNonce   uint64 = 0x1111111111111111
	theirNonce uint64 = 0x2222222222222222
	syncNonce  uint64 = 0x5555555555555555 // see remote.sync
)

// testConfig is DefaultConfig for a node with the given nonce, with
// timeouts that never fire during a test unless the test shortens them.
func testConfig(nonce uint64) Config {
	cfg := DefaultConfig()
	cfg.Nonce = nonce
	cfg.ListenAddr = netip.MustParseAddrPort("127.0.0.1:8401")
	cfg.HandshakeTimeout = waitTimeout
	cfg.WriteTimeout = waitTimeout
	cfg.PingInterval = time.Hour
	cfg.IdleTimeout = 2 * time.Hour
	cfg.PingTimeout = time.Hour
	return cfg
}

// msgNote is a message type of the tests' own, as a later chapter would
// add one: a payload of up to a MiB, to fill socket buffers with.
type msgNote struct{ text []byte }

const cmdNote = "note"

func (m *msgNote) Command() string          { return cmdNote }
func (m *msgNote) MaxPayload() uint32       { return 1 << 20 }
func (m *msgNote) Encode(w io.Writer) error { _, err := w.Write(m.text); return err }
func (m *msgNote) Decode(r io.Reader) error {
	var err error
	m.text, err = io.ReadAll(r)
	return err
}

func note(text string) *msgNote { return &msgNote{text: []byte(text)} }

// withNotes adds msgNote to cfg's registry, so the peer may receive it.
func withNotes(t *testing.T, cfg Config) Config {
	t.Helper()
	require.NoError(t, cfg.Registry.Register(func() wire.Message { return new(msgNote) }))
	return cfg
}

// theirVersion is a version the far end sends.
func theirVersion(nonce uint64, protocol uint32) *wire.MsgVersion {
	return &wire.MsgVersion{
		ProtocolVersion: protocol,
		Timestamp:       time.Now().Unix(),
		AddrFrom:        wire.NetAddress{Addr: netip.MustParseAddrPort("127.0.0.1:8402")},
		Nonce:           nonce,
		UserAgent:       "/remote:1.0/",
		StartHeight:     42,
		Relay:           true,
	}
}

// remote is the far end of a connection, played by a test: it sends what
// the test says, and a goroutine reads what our peer sends into recv.
type remote struct {
	conn net.Conn
	recv chan wire.Message // closed when reading stops
	stop chan struct{}     // closed when the test ends
	done chan struct{}     // closed when the reading goroutine returns
}

// allMessages tells newRemote to read until the connection closes.
const allMessages = -1

// newRemote plays conn's end, reading at most reads messages; then it
// stops reading and leaves the rest in the connection.
func newRemote(t *testing.T, conn net.Conn, reads int) *remote {
	t.Helper()
	reg, err := wire.NewRegistry(append(wire.BaseMessages(),
		func() wire.Message { return new(msgNote) })...)
	require.NoError(t, err)
	r := &remote{conn: conn, recv: make(chan wire.Message, 1000),
		stop: make(chan struct{}), done: make(chan struct{})}
	go func() {
		defer close(r.done)
		defer close(r.recv)
		for i := 0; reads == allMessages || i < reads; i++ {
			msg, _, err := wire.ReadMessage(conn, wire.DevNet, reg)
			if err != nil {
				return
			}
			r.recv <- msg
		}
		<-r.stop
	}()
	t.Cleanup(func() {
		close(r.stop)
		conn.Close()
		<-r.done
	})
	return r
}

// send writes msg, and fails the test if it cannot.
func (r *remote) send(t *testing.T, msg wire.Message) {
	t.Helper()
	require.NoError(t, r.trySend(msg))
}

func (r *remote) trySend(msg wire.Message) error {
	r.conn.SetWriteDeadline(time.Now().Add(waitTimeout))
	_, err := wire.WriteMessage(r.conn, wire.DevNet, msg)
	return err
}

// frame encodes msg for the network magic.
func frame(t *testing.T, magic wire.Magic, msg wire.Message) []byte {
	t.Helper()
	var b bytes.Buffer
	_, err := wire.WriteMessage(&b, magic, msg)
	require.NoError(t, err)
	return b.Bytes()
}

// sendRaw writes b as it is.
func (r *remote) sendRaw(t *testing.T, b []byte) {
	t.Helper()
	r.conn.SetWriteDeadline(time.Now().Add(waitTimeout))
	_, err := r.conn.Write(b)
	require.NoError(t, err)
}

// next returns the next message our peer sent.
func (r *remote) next(t *testing.T) wire.Message {
	t.Helper()
	select {
	case msg, ok := <-r.recv:
		require.True(t, ok, "the connection closed; a message was expected")
		return msg
	case <-time.After(waitTimeout):
		t.Fatalf("no message within %v", waitTimeout)
		return nil
	}
}

// expect returns the next message, which must be a cmd.
func (r *remote) expect(t *testing.T, cmd string) wire.Message {
	t.Helper()
	msg := r.next(t)
	require.Equal(t, cmd, msg.Command(), "the next message")
	return msg
}

// nextOf returns the next message that is a cmd, skipping others (our
// peer's pings, say).
func (r *remote) nextOf(t *testing.T, cmd string) wire.Message {
	t.Helper()
	for {
		if msg := r.next(t); msg.Command() == cmd {
			return msg
		}
	}
}

// sync waits until our peer has handled everything sent before it: it
// sends a ping and waits for the pong, which our peer's reader sends only
// after it has handled every earlier message, in order.
func (r *remote) sync(t *testing.T) {
	t.Helper()
	r.send(t, &wire.MsgPing{Nonce: syncNonce})
	for {
		if pong, ok := r.nextOf(t, wire.CmdPong).(*wire.MsgPong); ok && pong.Nonce == syncNonce {
			return
		}
	}
}

// waitClosed waits until our peer has closed the connection: the reading
// goroutine sees the end of the stream.
func (r *remote) waitClosed(t *testing.T) {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case _, ok := <-r.recv:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatalf("the connection is still open after %v", waitTimeout)
		}
	}
}

// dialedUs plays a node that dialed ours, up to a finished handshake.
func (r *remote) dialedUs(t *testing.T) {
	t.Helper()
	r.versionsExchanged(t)
	r.send(t, &wire.MsgVerAck{})
}

// versionsExchanged plays a node that dialed ours up to its verack: it
// sends its version and reads ours and our verack.
func (r *remote) versionsExchanged(t *testing.T) {
	t.Helper()
	r.send(t, theirVersion(theirNonce, wire.ProtocolVersion))
	r.expect(t, wire.CmdVersion)
	r.expect(t, wire.CmdVerAck)
}

// result is what New returned.
type result struct {
	peer *Peer
	err  error
}

// newAsync runs New on a goroutine, since the test has to play the far
// end meanwhile.
func newAsync(t *testing.T, ctx context.Context, conn net.Conn, inbound bool, cfg Config) <-chan result {
	t.Helper()
	ch := make(chan result, 1)
	done := make(chan struct{})
	go func() {
		defer close(done)
		p, err := New(ctx, conn, inbound, cfg)
		ch <- result{p, err}
	}()
	t.Cleanup(func() {
		conn.Close() // ends a handshake the test left hanging
		<-done
		select {
		case r := <-ch: // the test never waited for it
			if r.peer != nil {
				r.peer.Close()
			}
		default:
		}
	})
	return ch
}

// wait returns New's result. A peer is closed when the test ends.
func wait(t *testing.T, ch <-chan result) (*Peer, error) {
	t.Helper()
	select {
	case r := <-ch:
		if r.peer != nil {
			t.Cleanup(func() { r.peer.Close() })
		}
		return r.peer, r.err
	case <-time.After(waitTimeout):
		t.Fatalf("New did not return within %v", waitTimeout)
		return nil, nil
	}
}

// running returns a peer that has shaken hands over net.Pipe with a
// remote played by the test, which dialed it. The remote reads at most
// reads messages after the handshake.
func running(t *testing.T, cfg Config, reads int) (*Peer, *remote) {
	t.Helper()
	ours, theirs := net.Pipe()
	if reads != allMessages {
		reads += 2 // our version and verack
	}
	r := newRemote(t, theirs, reads)
	ch := newAsync(t, context.Background(), ours, true, cfg)
	r.dialedUs(t)
	p, err := wait(t, ch)
	require.NoError(t, err)
	return p, r
}

// waitDone waits until p has closed and all its goroutines returned, and
// returns why it closed.
func waitDone(t *testing.T, p *Peer) error {
	t.Helper()
	select {
	case <-p.Done():
		return p.Err()
	case <-time.After(waitTimeout):
		t.Fatalf("the peer is still open after %v", waitTimeout)
		return nil
	}
}

// unusedAddr returns a loopback address that nobody listens on: a port
// the operating system picked as free, and that is closed again.
func unusedAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer ln.Close()
	return ln.Addr().String()
}

// errAsWire returns the *wire.Error inside err, if there is one.
func errAsWire(err error) *wire.Error {
	var werr *wire.Error
	if errors.As(err, &werr) {
		return werr
	}
	return nil
}
