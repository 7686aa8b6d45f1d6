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

// labReport is a run's figures against both bounds and the goal, for
// the log; without latency, against their msgs-per-op alone.
func labReport(res bc.GlomersResult, latency bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "msgs-per-op %.2f, median %v, max %v; %d of %d items missing somewhere; at most %d connections",
		res.MsgsPerOp, res.Median.Round(time.Millisecond), res.Max.Round(time.Millisecond),
		res.Missing, res.Broadcasts, res.MaxConnections)
	for _, bound := range bc.GlomersBounds {
		verdict := "met"
		if m := bound.Misses(res, latency); len(m) > 0 {
			verdict = "missed: " + strings.Join(m, ", ")
		}
		w := bound.Sign()
		limits := fmt.Sprintf("msgs-per-op %s %g", w, bound.MsgsPerOp)
		if latency {
			limits += fmt.Sprintf(", median %s %v, max %s %v", w, bound.Median, w, bound.Max)
		}
		fmt.Fprintf(&b, "\n  %-13s (%s): %s", bound.Name, limits, verdict)
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
		assert.Empty(t, bc.EfficiencyII.Misses(res, true), "the efficiency-II bounds")
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
		assert.Empty(t, bc.EfficiencyII.Misses(res, false), "the efficiency-II msgs-per-op")
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
			failed := res.Missing > 0 || len(bc.EfficiencyII.Misses(res, true)) > 0
			assert.True(t, failed, "the judge passes a policy that should fail")
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
