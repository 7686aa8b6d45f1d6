package sockets

import (
	"context"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

// TestMain fails the package if any test leaves a goroutine running.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// waitTimeout bounds every wait in these tests. Nothing here takes longer
// than milliseconds; the bound only turns a hang into a failure.
const waitTimeout = 5 * time.Second

// recorder collects a node's events so a test can wait for them.
type recorder struct {
	events chan Event
}

func newRecorder() *recorder {
	return &recorder{events: make(chan Event, 10_000)}
}

func (r *recorder) handle(e Event) { r.events <- e }

// next waits for the next event of the given kind; others are skipped.
func (r *recorder) next(t *testing.T, kind EventKind) Event {
	t.Helper()
	deadline := time.After(waitTimeout)
	for {
		select {
		case e := <-r.events:
			if e.Kind == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %v event within %v", kind, waitTimeout)
		}
	}
}

// nextAny waits for the next event of any kind.
func (r *recorder) nextAny(t *testing.T) Event {
	t.Helper()
	select {
	case e := <-r.events:
		return e
	case <-time.After(waitTimeout):
		t.Fatalf("no event within %v", waitTimeout)
		return Event{}
	}
}

// testNode is a node running on a loopback port of its own.
type testNode struct {
	*Node
	addr string
	rec  *recorder
	stop func() // cancels Run and waits for it to return
}

// testConfig is DefaultConfig with timeouts short enough for tests.
func testConfig() Config {
	cfg := DefaultConfig()
	cfg.DialTimeout = waitTimeout
	return cfg
}

// startNode runs a node on 127.0.0.1:0 until the test ends.
func startNode(t *testing.T, cfg Config) *testNode {
	t.Helper()
	rec := newRecorder()
	n, err := NewNode(cfg, rec.handle)
	require.NoError(t, err)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- n.Run(ctx, ln) }()
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		cancel()
		select {
		case err := <-done:
			require.NoError(t, err)
		case <-time.After(waitTimeout):
			t.Fatalf("Run did not return within %v of cancel", waitTimeout)
		}
	}
	t.Cleanup(stop)
	return &testNode{Node: n, addr: ln.Addr().String(), rec: rec, stop: stop}
}

// dialRaw opens a plain TCP connection to addr, as nc would.
func dialRaw(t *testing.T, addr string) net.Conn {
	t.Helper()
	conn, err := net.DialTimeout("tcp", addr, waitTimeout)
	require.NoError(t, err)
	t.Cleanup(func() { conn.Close() })
	return conn
}
