package broadcast

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sim "peerchain/chapters/04-simulation"
	bc "peerchain/chapters/06-broadcast"
	"peerchain/tools/exercise"
	"peerchain/tools/testseed"
)

// labSeeds is how many runs of the challenge grade the lab: each takes
// about half a second.
const labSeeds = 2

// labBound is a set of limits a run is held to: one of the Gossip
// Glomers challenge's efficiency bounds (strict), or the chapter's goal
// (inclusive).
type labBound struct {
	name        string
	msgsPerOp   float64
	median, max time.Duration
	inclusive   bool // the limits themselves are within
}

// The challenge's two bounds, and the chapter's goal, which takes the
// best of both at once. The lab asks for efficiency II at least.
var (
	efficiencyI = labBound{name: "efficiency I", msgsPerOp: 30,
		median: 400 * time.Millisecond, max: 600 * time.Millisecond}
	efficiencyII = labBound{name: "efficiency II", msgsPerOp: 20,
		median: time.Second, max: 2 * time.Second}
	labGoal = labBound{name: "the goal", msgsPerOp: 10,
		median: 400 * time.Millisecond, max: 600 * time.Millisecond, inclusive: true}
)

// within says "<" or "<=", as the bound counts.
func (b labBound) within() string {
	if b.inclusive {
		return "≤"
	}
	return "<"
}

// over reports whether v misses the limit.
func (b labBound) over(v, limit float64) bool {
	if b.inclusive {
		return v > limit
	}
	return v >= limit
}

// misses lists what a run missed of the bound, "" if it met it; without
// latency only msgs-per-op counts.
func (b labBound) misses(res bc.GlomersResult, latency bool) string {
	not := "≥"
	if b.inclusive {
		not = ">"
	}
	var out []string
	if b.over(res.MsgsPerOp, b.msgsPerOp) {
		out = append(out, fmt.Sprintf("msgs-per-op %.2f %s %g", res.MsgsPerOp, not, b.msgsPerOp))
	}
	if latency && b.over(float64(res.Median), float64(b.median)) {
		out = append(out, fmt.Sprintf("median %v %s %v", res.Median.Round(time.Millisecond), not, b.median))
	}
	if latency && b.over(float64(res.Max), float64(b.max)) {
		out = append(out, fmt.Sprintf("max %v %s %v", res.Max.Round(time.Millisecond), not, b.max))
	}
	return strings.Join(out, ", ")
}

// labReport is a run's figures against both bounds and the goal, for
// the log; without latency, against their msgs-per-op alone.
func labReport(res bc.GlomersResult, latency bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "msgs-per-op %.2f, median %v, max %v; %d of %d items missing somewhere; at most %d connections",
		res.MsgsPerOp, res.Median.Round(time.Millisecond), res.Max.Round(time.Millisecond),
		res.Missing, res.Broadcasts, res.MaxConnections)
	for _, bound := range []labBound{efficiencyI, efficiencyII, labGoal} {
		verdict := "met"
		if m := bound.misses(res, latency); m != "" {
			verdict = "missed: " + m
		}
		w := bound.within()
		limits := fmt.Sprintf("msgs-per-op %s %g", w, bound.msgsPerOp)
		if latency {
			limits += fmt.Sprintf(", median %s %v, max %s %v", w, bound.median, w, bound.max)
		}
		fmt.Fprintf(&b, "\n  %-13s (%s): %s", bound.name, limits, verdict)
	}
	return b.String()
}

// labGlomers runs the challenge with policy in the chapter's default
// configuration.
func labGlomers(t *testing.T, seed uint64, partition bool, policy bc.Policy) bc.GlomersResult {
	t.Helper()
	cfg := bc.DefaultConfig()
	cfg.Policy = policy
	res, err := bc.Glomers(bc.GlomersConfig{Seed: seed, Partition: partition, Broadcast: cfg})
	require.NoError(t, err)
	return res
}

// labReplay tells how to watch a failing run in the demo.
func labReplay(t *testing.T, seed uint64, partition bool) {
	t.Cleanup(func() {
		if t.Failed() {
			cmd := fmt.Sprintf("go run ./chapters/06-broadcast/cmd/broadcast -lab -seed %d", seed)
			if partition {
				cmd += " -partition"
			}
			t.Logf("watch it in the demo: %s", cmd)
		}
	})
}

// TestLabPolicy grades the lab: on each seed, every item reaches every
// node, within the efficiency-II bounds at least. The log has the
// figures against both bounds and the goal; the grader shows them.
func TestLabPolicy(t *testing.T) {
	testseed.Run(t, labSeeds, func(t *testing.T, seed uint64) {
		defer exercise.SkipIfNotAttempted(t)
		labReplay(t, seed, false)
		res := labGlomers(t, seed, false, LabPolicy{})
		exercise.Report(t, "seed %d: %s", seed, labReport(res, true))
		assert.Zero(t, res.Missing, "items that never reached every node")
		assert.Empty(t, efficiencyII.misses(res, true), "the efficiency-II bounds")
	})
}

// TestLabPolicy_Partition: with the last node cut off for 5 s, every
// item still reaches every node after the heal, within the
// efficiency-II msgs-per-op. The latencies are shown, not graded.
func TestLabPolicy_Partition(t *testing.T) {
	testseed.Run(t, 1, func(t *testing.T, seed uint64) {
		defer exercise.SkipIfNotAttempted(t)
		labReplay(t, seed, true)
		res := labGlomers(t, seed, true, LabPolicy{})
		exercise.Report(t, "seed %d, one node cut off for %v, every item everywhere %v after the heal: %s",
			seed, bc.GlomersPartition, res.Healed.Round(time.Millisecond), labReport(res, false))
		assert.Zero(t, res.Missing, "items that never reached every node")
		assert.Empty(t, efficiencyII.misses(res, false), "the efficiency-II msgs-per-op")
	})
}

// TestLabPolicy_Judge checks the judge itself: a policy that tells
// nobody must fail it (the periodic inventory alone is too slow), and
// so must one that pushes and announces every item at once, each in a
// message of its own (too many messages). It runs once you have
// started the lab.
func TestLabPolicy_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	LabPolicy{}.Route(0, nil) // skips the test until you start
	tests := []struct {
		name   string
		policy bc.Policy
	}{
		{name: "skip everyone", policy: labJudgePolicy{how: bc.Skip}},
		{name: "push to everyone at once", policy: labJudgePolicy{how: bc.Push}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := labGlomers(t, 1, false, tt.policy)
			t.Logf("%s", labReport(res, true))
			failed := res.Missing > 0 || efficiencyII.misses(res, true) != ""
			assert.True(t, failed, "the judge passes a policy that should fail")
		})
	}
}

// TestLabPolicy_Bounds checks how the judge reads the bounds: the
// challenge's are strict, the goal's inclusive. It runs once you have
// started the lab.
func TestLabPolicy_Bounds(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	LabPolicy{}.Route(0, nil) // skips the test until you start
	ms := time.Millisecond
	tests := []struct {
		name       string
		bound      labBound
		msgs       float64
		med, max   time.Duration
		latency    bool
		wantMisses string
	}{
		{name: "well within efficiency I", bound: efficiencyI, msgs: 12, med: 390 * ms, max: 520 * ms, latency: true},
		{name: "efficiency I's median is not within it", bound: efficiencyI, msgs: 12, med: 400 * ms, max: 520 * ms,
			latency: true, wantMisses: "median 400ms ≥ 400ms"},
		{name: "efficiency II's msgs-per-op are not within it", bound: efficiencyII, msgs: 20, med: 900 * ms, max: 1900 * ms,
			latency: true, wantMisses: "msgs-per-op 20.00 ≥ 20"},
		{name: "everything misses efficiency II", bound: efficiencyII, msgs: 25, med: 2 * time.Second, max: 3 * time.Second,
			latency: true, wantMisses: "msgs-per-op 25.00 ≥ 20, median 2s ≥ 1s, max 3s ≥ 2s"},
		{name: "latency not graded", bound: efficiencyII, msgs: 19, med: 5 * time.Second, max: 6 * time.Second},
		{name: "the goal's limits are within it", bound: labGoal, msgs: 10, med: 400 * ms, max: 600 * ms, latency: true},
		{name: "just over the goal", bound: labGoal, msgs: 10.01, med: 401 * ms, max: 601 * ms, latency: true,
			wantMisses: "msgs-per-op 10.01 > 10, median 401ms > 400ms, max 601ms > 600ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := bc.GlomersResult{MsgsPerOp: tt.msgs, Median: tt.med, Max: tt.max}
			assert.Equal(t, tt.wantMisses, tt.bound.misses(res, tt.latency))
		})
	}
}

// labJudgePolicy routes every item the same way to every peer, at once
// (the protocol turns a push to a peer that pruned its tree into an
// announcement).
type labJudgePolicy struct{ how bc.How }

func (p labJudgePolicy) Route(_ sim.PeerID, links []bc.Link) []bc.How {
	out := make([]bc.How, len(links))
	for i := range out {
		out[i] = p.how
	}
	return out
}
func (labJudgePolicy) Flush(bc.How, int, *rand.Rand) time.Duration { return 0 }
func (labJudgePolicy) Retry(c []sim.PeerID, r *rand.Rand) sim.PeerID {
	return c[r.IntN(len(c))]
}
