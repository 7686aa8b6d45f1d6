package peers

import (
	"context"
	"net"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// gatedConn counts the writes to a connection, and holds the first one
// after the gate is shut until the test opens it.
type gatedConn struct {
	net.Conn
	mu     sync.Mutex
	writes int
	shut   chan struct{} // closed: hold the next write
	held   chan struct{} // closed once a write is held
	open   chan struct{} // closed: let it go
	once   sync.Once
}

func newGatedConn(c net.Conn) *gatedConn {
	return &gatedConn{Conn: c, shut: make(chan struct{}),
		held: make(chan struct{}), open: make(chan struct{})}
}

func (c *gatedConn) Write(b []byte) (int, error) {
	c.mu.Lock()
	c.writes++
	c.mu.Unlock()
	select {
	case <-c.shut:
		c.once.Do(func() { close(c.held) })
		<-c.open
	default:
	}
	return c.Conn.Write(b)
}

func (c *gatedConn) count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.writes
}

// TestWriterBatches: messages queued while the writer is busy go out
// together, in one write, and in order.
func TestWriterBatches(t *testing.T) {
	ours, theirs := net.Pipe()
	conn := newGatedConn(ours)
	r := newRemote(t, theirs, allMessages)
	ch := newAsync(t, context.Background(), conn, true, withNotes(t, testConfig(ourNonce)))
	r.dialedUs(t)
	p, err := wait(t, ch)
	require.NoError(t, err)

	close(conn.shut)
	require.NoError(t, p.Send(note("first")))
	<-conn.held // the writer is stuck in the first write
	before := conn.count()
	texts := []string{"a", "b", "c", "d", "e", "f", "g", "h"}
	for _, text := range texts {
		require.NoError(t, p.Send(note(text)))
	}
	close(conn.open)
	assert.Equal(t, "first", string(r.nextOf(t, cmdNote).(*msgNote).text))
	for _, text := range texts {
		assert.Equal(t, text, string(r.nextOf(t, cmdNote).(*msgNote).text))
	}
	assert.Equal(t, before+1, conn.count(), "eight messages, one write")
}

// TestSendFrame: a frame encoded once goes to any number of peers of its
// network, and is refused by a peer of another.
func TestSendFrame(t *testing.T) {
	f, err := EncodeFrame(wire.DevNet, note("for all"))
	require.NoError(t, err)
	assert.Equal(t, wire.HeaderSize+len("for all"), f.Len())
	for range 2 {
		p, r := running(t, withNotes(t, testConfig(ourNonce)), allMessages)
		require.NoError(t, p.SendFrame(f))
		assert.Equal(t, "for all", string(r.nextOf(t, cmdNote).(*msgNote).text))
	}

	other, err := EncodeFrame(wire.MainNet, note("elsewhere"))
	require.NoError(t, err)
	p, _ := running(t, withNotes(t, testConfig(ourNonce)), allMessages)
	assert.ErrorIs(t, p.SendFrame(other), ErrWrongNetwork)
	assert.NoError(t, p.Err(), "our mistake: the peer stays")
}
