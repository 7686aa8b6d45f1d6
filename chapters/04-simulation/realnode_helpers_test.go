package simulation

import (
	"context"
	"net"
	"net/netip"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
)

// realPoll is how often a test looks again at a condition it waits for
// (with require.Eventually, within realWait).
const realPoll = time.Millisecond

// testNode is a real node a test started on 127.0.0.1:0.
type testNode struct {
	*RealNode
	addr Addr
	// stop cancels the node's Run and returns what Run returned, once
	// it has. It may be called any number of times. The test's cleanup
	// calls it too, and checks that Run returned nil unless the test
	// looked at what it returned itself.
	stop  func() error
	ended <-chan struct{} // closed when Run has returned
}

// nodeSetup is what a test may change before a node starts.
type nodeSetup struct {
	cfg   RealConfig
	clock clock        // nil: the wall clock
	ln    net.Listener // nil: a new one on 127.0.0.1:0
}

// realRegistry holds the base messages and this chapter's rumor.
func realRegistry(t *testing.T) *wire.Registry {
	t.Helper()
	reg, err := wire.NewRegistry(append(wire.BaseMessages(), RumorMessages()...)...)
	require.NoError(t, err)
	return reg
}

// testPeersConfig is chapter 03's default config with this chapter's
// messages and a nonce of its own.
func testPeersConfig(t *testing.T) peers.Config {
	t.Helper()
	pc := peers.DefaultConfig()
	pc.Registry = realRegistry(t)
	pc.Nonce = peers.RandomNonce()
	return pc
}

// startRealNode runs machine m as a real node until the test ends. Each
// change may alter its config, clock or listener first.
func startRealNode(t *testing.T, m Machine, changes ...func(*nodeSetup)) *testNode {
	t.Helper()
	s := nodeSetup{cfg: RealConfig{Peers: testPeersConfig(t)}}
	for _, change := range changes {
		change(&s)
	}
	if s.ln == nil {
		s.ln = listen(t)
	}
	if !s.cfg.Peers.ListenAddr.IsValid() {
		ap, err := netip.ParseAddrPort(s.ln.Addr().String())
		require.NoError(t, err)
		s.cfg.Peers.ListenAddr = ap
	}
	node, err := NewRealNode(s.cfg, m)
	require.NoError(t, err)
	if s.clock != nil {
		node.clock = s.clock
	}
	ctx, cancel := context.WithCancel(context.Background())
	ended := make(chan struct{})
	var runErr error
	go func() {
		defer close(ended)
		runErr = node.Run(ctx, s.ln)
	}()
	tn := &testNode{RealNode: node, addr: Addr(s.ln.Addr().String()), ended: ended}
	var taken atomic.Bool
	tn.stop = func() error {
		taken.Store(true)
		cancel()
		select {
		case <-ended:
			return runErr
		case <-time.After(realWait):
			t.Errorf("node did not stop within %v", realWait)
			return nil
		}
	}
	t.Cleanup(func() {
		looked := taken.Load()
		if err := tn.stop(); !looked {
			assert.NoError(t, err)
		}
	})
	return tn
}

// withConfig changes a node's config.
func withConfig(change func(*RealConfig)) func(*nodeSetup) {
	return func(s *nodeSetup) { change(&s.cfg) }
}

// withClock gives a node a fake clock.
func withClock(c clock) func(*nodeSetup) {
	return func(s *nodeSetup) { s.clock = c }
}

// withListener makes a node accept on ln.
func withListener(ln net.Listener) func(*nodeSetup) {
	return func(s *nodeSetup) { s.ln = ln }
}

// listen returns a listener on 127.0.0.1:0, for a node that must know
// another's address before either starts.
func listen(t *testing.T) net.Listener {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	return ln
}

// barrier returns once the node's loop has handled every event that
// reached its control lane before it: a Do is one more event there.
func barrier(t *testing.T, n *testNode) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), realWait)
	defer cancel()
	require.NoError(t, n.Do(ctx, func(Machine) {}))
}

// drain returns the events a recording machine has reported and no test
// has taken yet, without waiting.
func (m *recording) drain() []Event {
	evs := m.backlog
	m.backlog = nil
	for {
		select {
		case ev := <-m.events:
			evs = append(evs, ev)
		default:
			return evs
		}
	}
}

// fakeClock is a clock a test moves by hand. Its timers fire, on the
// test's goroutine, when the test advances it past them. A leaky one
// fires each timer twice, stopped or not, as a Go timer whose Stop came
// too late would fire once: the driver must ignore what it stopped.
type fakeClock struct {
	mu     sync.Mutex
	start  time.Time
	at     time.Duration
	leaky  bool
	timers []*fakeTimer
	slept  []time.Duration // every sleep asked for
	sleeps chan struct{}   // a token per sleep, if set
}

type fakeTimer struct {
	at      time.Duration
	f       func()
	stopped bool
	fired   bool
}

func newFakeClock(leaky bool) *fakeClock {
	return &fakeClock{start: time.Now(), leaky: leaky}
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.start.Add(c.at)
}

func (c *fakeClock) afterFunc(d time.Duration, f func()) func() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{at: c.at + d, f: f}
	c.timers = append(c.timers, t)
	return func() bool {
		c.mu.Lock()
		defer c.mu.Unlock()
		was := !t.stopped && !t.fired
		t.stopped = true
		return was && !c.leaky
	}
}

func (c *fakeClock) sleep(ctx context.Context, d time.Duration) bool {
	c.mu.Lock()
	c.slept = append(c.slept, d)
	tokens := c.sleeps
	c.mu.Unlock()
	if tokens != nil {
		tokens <- struct{}{}
	}
	return ctx.Err() == nil
}

// advance moves the clock to at, firing every timer due by then, in the
// order they are due (and, leaky, each twice).
func (c *fakeClock) advance(at time.Duration) {
	c.mu.Lock()
	c.at = at
	var due []*fakeTimer
	for _, t := range c.timers {
		if !t.fired && t.at <= at && (!t.stopped || c.leaky) {
			t.fired = true
			due = append(due, t)
		}
	}
	c.mu.Unlock()
	slices.SortStableFunc(due, func(a, b *fakeTimer) int { return int(a.at - b.at) })
	for _, t := range due {
		t.f()
		if c.leaky {
			t.f()
		}
	}
}
