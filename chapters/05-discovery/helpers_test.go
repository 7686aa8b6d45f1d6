package discovery

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

// t0 is when the tests' stories start.
var t0 = simulation.Epoch

// testKey is a fixed book key, so that bucket choices are the same on
// every run.
var testKey = [32]byte{1, 2, 3}

func newTestBook(t *testing.T, cfg BookConfig) *AddrBook {
	t.Helper()
	if cfg.Key == ([32]byte{}) {
		cfg.Key = testKey
	}
	b, err := NewAddrBook(cfg, rand.New(rand.NewPCG(1, 2)))
	require.NoError(t, err)
	return b
}

// ipAddr is the i-th host of a /16 group: ipAddr(203, 0, 5) is
// 203.0.0.5:8333.
func ipAddr(a, b byte, i int) simulation.Addr {
	return simulation.Addr(fmt.Sprintf("%d.%d.%d.%d:8333", a, b, byte(i>>8), byte(i)))
}

// seen is a KnownAddr heard of at a time.
func seen(a simulation.Addr, at time.Time) KnownAddr {
	return KnownAddr{Addr: a, LastSeen: at}
}
