package simulation

import (
	"context"
	"errors"
	"net"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAcceptBackoff(t *testing.T) {
	var b acceptBackoff
	var got []time.Duration
	for range 10 {
		got = append(got, b.next())
	}
	ms := time.Millisecond
	assert.Equal(t, []time.Duration{5 * ms, 10 * ms, 20 * ms, 40 * ms, 80 * ms, 160 * ms,
		320 * ms, 640 * ms, time.Second, time.Second}, got)
	b.reset()
	assert.Equal(t, 5*ms, b.next(), "a success starts again from the shortest")
}

// errAcceptTemporary is what fakeListener's Accept fails with.
var errAcceptTemporary = errors.New("too many open files")

// fakeListener's Accept returns, for each entry of script, that error, or
// a connection for nil; after the script it waits until Close.
type fakeListener struct {
	mu      sync.Mutex
	script  []error
	calls   int
	closed  chan struct{}
	conns   chan net.Conn // the far ends of connections it gave out
	onceEnd sync.Once
}

func newFakeListener(script ...error) *fakeListener {
	return &fakeListener{script: script, closed: make(chan struct{}), conns: make(chan net.Conn, len(script))}
}

func (l *fakeListener) Accept() (net.Conn, error) {
	l.mu.Lock()
	l.calls++
	var next error
	scripted := len(l.script) > 0
	if scripted {
		next, l.script = l.script[0], l.script[1:]
	}
	l.mu.Unlock()
	switch {
	case !scripted:
		<-l.closed
		return nil, net.ErrClosed
	case next != nil:
		return nil, next
	}
	ours, theirs := net.Pipe()
	l.conns <- theirs
	return ours, nil
}

func (l *fakeListener) Close() error {
	l.onceEnd.Do(func() { close(l.closed) })
	return nil
}

func (l *fakeListener) Addr() net.Addr { return &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 1} }

func (l *fakeListener) accepts() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.calls
}

// TestRealNodeAcceptErrors: after a failed Accept the node waits, 5 ms
// and doubling while failures last, and from 5 ms again after a success;
// net.ErrClosed ends the loop without a wait; a cancelled node stops
// during a wait.
func TestRealNodeAcceptErrors(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name      string
		script    []error
		wantSleep []time.Duration
		wantCalls int
	}{
		{name: "failures in a row", script: []error{errAcceptTemporary, errAcceptTemporary, errAcceptTemporary},
			wantSleep: []time.Duration{5 * ms, 10 * ms, 20 * ms}, wantCalls: 4},
		{name: "reset by a success", script: []error{errAcceptTemporary, errAcceptTemporary, nil, errAcceptTemporary},
			wantSleep: []time.Duration{5 * ms, 10 * ms, 5 * ms}, wantCalls: 5},
		{name: "closed", script: []error{net.ErrClosed}, wantCalls: 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			clock := newFakeClock(false)
			ln := newFakeListener(tt.script...)
			m := newRecording(nil)
			n := startRealNode(t, m, withClock(clock), withListener(ln))
			require.Eventually(t, func() bool { return ln.accepts() >= tt.wantCalls }, realWait, realPoll)
			barrier(t, n)
			assert.Equal(t, tt.wantCalls, ln.accepts())
			clock.mu.Lock()
			assert.Equal(t, tt.wantSleep, clock.slept)
			clock.mu.Unlock()
			close(ln.conns)
			for c := range ln.conns {
				c.Close()
			}
		})
	}

	t.Run("stops while waiting", func(t *testing.T) {
		ln := newFakeListener(errAcceptTemporary)
		n := startRealNode(t, newRecording(nil), withListener(ln)) // the wall clock: a 5 ms wait
		require.Eventually(t, func() bool { return ln.accepts() >= 1 }, realWait, realPoll)
		require.NoError(t, n.stop())
	})
}

// TestAcceptWaitEndsWithContext: the wall clock's wait ends as soon as
// its context does.
func TestAcceptWaitEndsWithContext(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	assert.False(t, wallClock{}.sleep(ctx, time.Hour))
	assert.True(t, wallClock{}.sleep(context.Background(), 0))
}
