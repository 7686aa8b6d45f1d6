package broadcast

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

// TestGlomersBoundMisses: the challenge's bounds are strict, the
// chapter's goal inclusive; without latency only msgs-per-op counts.
func TestGlomersBoundMisses(t *testing.T) {
	ms := time.Millisecond
	tests := []struct {
		name       string
		bound      GlomersBound
		msgs       float64
		med, max   time.Duration
		latency    bool
		wantMisses string
	}{
		{name: "well within efficiency I", bound: EfficiencyI, msgs: 12, med: 390 * ms, max: 520 * ms, latency: true},
		{name: "efficiency I's median is not within it", bound: EfficiencyI, msgs: 12, med: 400 * ms, max: 520 * ms,
			latency: true, wantMisses: "median 400ms ≥ 400ms"},
		{name: "efficiency II's msgs-per-op are not within it", bound: EfficiencyII, msgs: 20, med: 900 * ms, max: 1900 * ms,
			latency: true, wantMisses: "msgs-per-op 20.00 ≥ 20"},
		{name: "everything misses efficiency II", bound: EfficiencyII, msgs: 25, med: 2 * time.Second, max: 3 * time.Second,
			latency: true, wantMisses: "msgs-per-op 25.00 ≥ 20, median 2s ≥ 1s, max 3s ≥ 2s"},
		{name: "latency not graded", bound: EfficiencyII, msgs: 19, med: 5 * time.Second, max: 6 * time.Second},
		{name: "the goal's limits are within it", bound: GlomersGoal, msgs: 10, med: 400 * ms, max: 600 * ms, latency: true},
		{name: "just over the goal", bound: GlomersGoal, msgs: 10.01, med: 401 * ms, max: 601 * ms, latency: true,
			wantMisses: "msgs-per-op 10.01 > 10, median 401ms > 400ms, max 601ms > 600ms"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res := GlomersResult{MsgsPerOp: tt.msgs, Median: tt.med, Max: tt.max}
			assert.Equal(t, tt.wantMisses, strings.Join(tt.bound.Misses(res, tt.latency), ", "))
		})
	}
	assert.Equal(t, []GlomersBound{EfficiencyI, EfficiencyII, GlomersGoal}, GlomersBounds)
	assert.Equal(t, "<", EfficiencyI.Sign())
	assert.Equal(t, "≤", GlomersGoal.Sign())
}
