package peers

import (
	"context"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testseed"
)

// simultaneousDials is how many pairs of nodes TestSimultaneousDial
// runs, one per seed.
const simultaneousDials = 50

// TestSimultaneousDial has two nodes, with nonces drawn from the seed,
// dial each other over TCP at the same moment. Once both handshakes have
// settled, one connection is left: the one the node with the lower nonce
// dialed. The higher node closes, or refuses, its own outbound with
// ErrDuplicateConnection; the lower node sees that one hang up.
func TestSimultaneousDial(t *testing.T) {
	testseed.Run(t, simultaneousDials, func(t *testing.T, seed uint64) {
		rng := rand.New(rand.NewPCG(seed, 0x03))
		nonceA, nonceB := rng.Uint64()|1, rng.Uint64()|1
		require.NotEqual(t, nonceA, nonceB)
		a, b := listen(t, testConfig(nonceA)), listen(t, testConfig(nonceB))

		// Both dial at once.
		var aOut, bOut result
		var wg sync.WaitGroup
		start := make(chan struct{})
		wg.Add(2)
		go func() { defer wg.Done(); <-start; aOut.peer, aOut.err = a.dialAsync(b.addr) }()
		go func() { defer wg.Done(); <-start; bOut.peer, bOut.err = b.dialAsync(a.addr) }()
		close(start)
		wg.Wait()
		for _, r := range []result{aOut, bOut} {
			if r.peer != nil {
				t.Cleanup(func() { r.peer.Close() })
			}
		}
		aIn, aInErr := a.accept(t)
		bIn, bInErr := b.accept(t)

		// low is the node with the lower nonce; its outbound stays.
		low, high := a, b
		lowOut, lowIn, lowInErr := aOut, aIn, aInErr
		highOut, highIn, highInErr := bOut, bIn, bInErr
		if nonceB < nonceA {
			low, high = b, a
			lowOut, lowIn, lowInErr = bOut, bIn, bInErr
			highOut, highIn, highInErr = aOut, aIn, aInErr
		}
		require.NoError(t, lowOut.err, "the lower node's outbound")
		require.NoError(t, highInErr, "the higher node's inbound: the same connection")

		// The higher node's outbound: refused, or closed once the
		// other connection arrived.
		assert.ErrorIs(t, endOf(t, highOut.peer, highOut.err), ErrDuplicateConnection,
			"the higher node gives up its own outbound")
		// The same connection, seen from the lower node: it hangs up.
		assert.ErrorIs(t, endOf(t, lowIn, lowInErr), ErrRemoteClosed,
			"the lower node sees its inbound hang up")

		assert.NoError(t, lowOut.peer.Err(), "the connection kept is open at the lower node")
		assert.NoError(t, highIn.Err(), "and at the higher node")
		in, out := low.cfg.Connected.lookup(high.cfg.Nonce)
		assert.Nil(t, in, "the lower node holds no inbound")
		assert.Same(t, lowOut.peer, out, "the lower node holds its outbound")
		in, out = high.cfg.Connected.lookup(low.cfg.Nonce)
		assert.Same(t, highIn, in, "the higher node holds its inbound")
		assert.Nil(t, out, "the higher node holds no outbound")
		assert.Equal(t, 1, low.cfg.Connected.Len())
		assert.Equal(t, 1, high.cfg.Connected.Len())
	})
}

// dialAsync is Dial with the node's config, safe to call from any
// goroutine: the caller closes the peer.
func (n *node) dialAsync(addr string) (*Peer, error) {
	return Dial(context.Background(), addr, n.cfg)
}

// endOf returns why a connection ended: New's error if the handshake
// failed, or else the reason the peer closed, once it has.
func endOf(t *testing.T, p *Peer, err error) error {
	t.Helper()
	if err != nil {
		return err
	}
	return waitDone(t, p)
}
