package broadcast

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

func TestHowString(t *testing.T) {
	tests := []struct {
		how  How
		want string
	}{{Skip, "skip"}, {Push, "push"}, {Announce, "announce"}, {How(9), "skip"}}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) { assert.Equal(t, tt.want, tt.how.String()) })
	}
}

// TestRoute: each policy's choice for every kind of link.
func TestRoute(t *testing.T) {
	links := []Link{
		{Peer: 1, Eager: true},
		{Peer: 2, Eager: false},
		{Peer: 3, Eager: true, Knows: true},
		{Peer: 4, Eager: false, Knows: true},
	}
	tests := []struct {
		name   string
		policy Policy
		want   []How
	}{
		{name: "flood pushes to all that do not know", policy: FloodPolicy{},
			want: []How{Push, Push, Skip, Skip}},
		{name: "announce announces to all that do not know", policy: AnnouncePolicy{Delay: time.Second},
			want: []How{Announce, Announce, Skip, Skip}},
		{name: "plumtree pushes on the tree, announces off it", policy: DefaultPolicy(),
			want: []How{Push, Announce, Skip, Skip}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.policy.Route(1, links))
			assert.Empty(t, tt.policy.Route(0, nil))
		})
	}
}

// TestFlush: each policy's batching delay. A jittered one is drawn
// from [mean/2, 3·mean/2), its mean about the configured one; the
// tree's pushes wait a fixed time by how many hops the item has come,
// the last entry serving every hop past the list.
func TestFlush(t *testing.T) {
	ms := time.Millisecond
	steps := PlumtreePolicy{PushDelay: []time.Duration{0, 60 * ms, 30 * ms}, AnnounceDelay: time.Second}
	tests := []struct {
		name   string
		policy Policy
		how    How
		hops   int
		fixed  time.Duration // every draw, when mean is 0
		mean   time.Duration // jittered about this
	}{
		{name: "flood never waits", policy: FloodPolicy{}, how: Push},
		{name: "flood never waits, far out", policy: FloodPolicy{}, how: Push, hops: 9},
		{name: "announce without delay", policy: AnnouncePolicy{}, how: Announce},
		{name: "announce, 100 ms", policy: AnnouncePolicy{Delay: 100 * ms}, how: Announce, mean: 100 * ms},
		{name: "announce, 100 ms, hops do not matter", policy: AnnouncePolicy{Delay: 100 * ms},
			how: Announce, hops: 5, mean: 100 * ms},
		{name: "plumtree push at the publisher", policy: steps, how: Push, hops: 0, fixed: 0},
		{name: "plumtree push, one hop out", policy: steps, how: Push, hops: 1, fixed: 60 * ms},
		{name: "plumtree push, two hops out", policy: steps, how: Push, hops: 2, fixed: 30 * ms},
		{name: "plumtree push, past the list", policy: steps, how: Push, hops: 200, fixed: 30 * ms},
		{name: "plumtree announce, jittered", policy: steps, how: Announce, hops: 1, mean: time.Second},
		{name: "default push, one hop out", policy: DefaultPolicy(), how: Push, hops: 1,
			fixed: DefaultPushDelays[1]},
		{name: "default announce", policy: DefaultPolicy(), how: Announce, mean: DefaultAnnounceDelay},
		{name: "plumtree, no push delays", policy: PlumtreePolicy{AnnounceDelay: time.Second}, how: Push,
			hops: 3},
		{name: "plumtree, push delays only", policy: PlumtreePolicy{PushDelay: wait(time.Second)},
			how: Announce},
		{name: "plumtree, one push delay for all", policy: PlumtreePolicy{PushDelay: wait(time.Second)},
			how: Push, hops: 4, fixed: time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRand()
			const n = 2000
			var sum time.Duration
			for range n {
				d := tt.policy.Flush(tt.how, tt.hops, r)
				if tt.mean == 0 {
					require.Equal(t, tt.fixed, d)
					continue
				}
				require.GreaterOrEqual(t, d, tt.mean/2)
				require.Less(t, d, tt.mean*3/2)
				sum += d
			}
			if tt.mean == 0 {
				return
			}
			mean := sum / n
			assert.InDelta(t, float64(tt.mean), float64(mean), float64(tt.mean)/20, "mean %v", mean)
		})
	}
}

// TestRetry: each policy picks among the candidates, and, over many
// picks, each of them.
func TestRetry(t *testing.T) {
	candidates := []simulation.PeerID{4, 7, 9}
	tests := []struct {
		name   string
		policy Policy
	}{{"flood", FloodPolicy{}}, {"announce", AnnouncePolicy{}}, {"plumtree", DefaultPolicy()}}
	for _, tt := range tests {
		p := tt.policy
		t.Run(tt.name, func(t *testing.T) {
			r := newRand()
			picked := map[simulation.PeerID]int{}
			for range 300 {
				picked[p.Retry(candidates, r)]++
			}
			assert.Len(t, picked, 3)
			for _, c := range candidates {
				assert.Greater(t, picked[c], 50, "peer %d", c)
			}
			assert.Equal(t, simulation.PeerID(5), p.Retry([]simulation.PeerID{5}, r))
		})
	}
}
