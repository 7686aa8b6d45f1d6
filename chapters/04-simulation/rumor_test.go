package simulation

import (
	"bytes"
	"math"
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/testseed"
)

// TestRumorInformsEveryone spreads a rumor over each kind of network,
// with latency and loss, for many seeds.
func TestRumorInformsEveryone(t *testing.T) {
	tests := []struct {
		name string
		cfg  SpreadConfig
	}{
		{name: "any-to-any", cfg: SpreadConfig{Nodes: 500}},
		{name: "random regular", cfg: SpreadConfig{Nodes: 500, Topology: RandomRegular(6)}},
		{name: "ring", cfg: SpreadConfig{Nodes: 30, Topology: Ring(), Fanout: 2}},
		{name: "grid", cfg: SpreadConfig{Nodes: 100, Topology: Grid(10), Fanout: 2}},
		{name: "complete with latency", cfg: SpreadConfig{Nodes: 50, Topology: Complete(),
			Latency: LogNormal{Median: 80 * time.Millisecond, Sigma: 0.5}}},
		{name: "lossy", cfg: SpreadConfig{Nodes: 200, Topology: RandomRegular(8), Loss: 0.2}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			testseed.Run(t, 5, func(t *testing.T, seed uint64) {
				cfg := tt.cfg
				cfg.Seed = seed
				res, err := Spread(cfg)
				require.NoError(t, err)
				assert.Equal(t, cfg.Nodes, res.Informed, "%v", cfg)
				assert.Positive(t, res.Rounds)
			})
		})
	}
}

// TestRumorRounds checks the push model's rounds on any-to-any. The
// informed count at most doubles per round, so 1,024 nodes take at least
// 10 rounds; everyone learns at the start of a round, so the time is a
// whole number of rounds; and on average over many runs it lands near
// Pittel's log2(n) + ln(n) = 16.93.
func TestRumorRounds(t *testing.T) {
	var sum float64
	const runs = 40
	testseed.Run(t, runs, func(t *testing.T, seed uint64) {
		res, err := Spread(SpreadConfig{Nodes: 1024, Seed: seed})
		require.NoError(t, err)
		assert.GreaterOrEqual(t, res.Rounds, 10.0, "at most doubling each round")
		assert.Equal(t, math.Trunc(res.Rounds), res.Rounds, "a whole number of rounds")
		require.Len(t, res.ByRound, int(res.Rounds)+1)
		assert.Equal(t, 1, res.ByRound[0], "the origin, before any round")
		for r := 1; r < len(res.ByRound); r++ {
			assert.LessOrEqual(t, res.ByRound[r], 2*res.ByRound[r-1], "round %d at most doubles", r)
			assert.GreaterOrEqual(t, res.ByRound[r], res.ByRound[r-1], "round %d", r)
		}
		assert.Equal(t, 1024, res.ByRound[len(res.ByRound)-1])
		sum += res.Rounds
	})
	if os.Getenv(testseed.Env) == "" {
		assert.InDelta(t, 16.93, sum/runs, 1.5, "mean rounds against Pittel")
	}
}

// TestRumorStopsAfterRounds: with Rounds set, each node pushes that many
// times and falls silent, so the network runs out of events.
func TestRumorStopsAfterRounds(t *testing.T) {
	const nodes, rounds = 50, 3
	population := make([]PeerID, nodes)
	for i := range population {
		population[i] = AnyPeer(NodeID(i))
	}
	informed := 0
	net, err := New(Config{Nodes: nodes, Seed: 1}, func(id NodeID, r *rand.Rand) Machine {
		cfg := RumorConfig{Round: time.Second, Fanout: 2, Rounds: rounds,
			Population: population, Self: AnyPeer(id),
			OnInformed: func(time.Time) { informed++ }}
		if id == 0 {
			cfg.Rumor = rumor(1)
		}
		return NewRumor(cfg, r)
	})
	require.NoError(t, err)
	require.NoError(t, net.RunFor(time.Hour))
	assert.Zero(t, net.Pending(), "nothing left to do")
	assert.Equal(t, uint64(informed*rounds*2), net.Stats().Sent.Messages,
		"each informed node sent 2 a round for 3 rounds")
}

func TestMsgRumorWire(t *testing.T) {
	tests := []struct {
		name string
		msg  MsgRumor
		want []byte
	}{
		{name: "empty body", msg: MsgRumor{ID: 1}, want: []byte{1, 0, 0, 0, 0, 0, 0, 0, 0}},
		{name: "hello", msg: MsgRumor{ID: 0x0102, Body: []byte("hi")}, want: []byte{2, 1, 0, 0, 0, 0, 0, 0, 2, 'h', 'i'}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			require.NoError(t, tt.msg.Encode(&buf))
			assert.Equal(t, tt.want, buf.Bytes())
			var got MsgRumor
			require.NoError(t, got.Decode(bytes.NewReader(tt.want)))
			assert.Equal(t, tt.msg.ID, got.ID)
			assert.Equal(t, string(tt.msg.Body), string(got.Body), "the body, byte for byte")
			assert.LessOrEqual(t, len(tt.want), int(got.MaxPayload()))
		})
	}
}

func TestMsgRumorRejectsLongBody(t *testing.T) {
	m := MsgRumor{Body: make([]byte, MaxRumorBody+1)}
	assert.ErrorIs(t, m.Encode(&bytes.Buffer{}), wire.ErrTooLong)
}

// TestRumorIgnoresOtherTimers: a timer that is not its round timer (a
// wrapping machine's own) does not make an uninformed node push.
func TestRumorIgnoresOtherTimers(t *testing.T) {
	m := NewRumor(RumorConfig{Round: time.Second, Fanout: 1, Population: []PeerID{1, 2}, Self: 1},
		rand.New(rand.NewPCG(1, 2)))
	assert.Empty(t, m.Handle(Epoch, TimerFired{Timer: roundTimer + 1}))
	assert.Empty(t, m.Handle(Epoch, TimerFired{Timer: roundTimer}), "not informed: nothing to push")
}
