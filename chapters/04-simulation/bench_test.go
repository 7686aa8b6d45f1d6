package simulation

import (
	"testing"
)

// BenchmarkPushGossip10k spreads a rumor over 10,000 nodes, any-to-any,
// until every node knows it: the scale goal. It reports simulated
// events per second of wall time (goal: 1,000,000 on one core) and the
// wall time per full spread as ns/op (goal: under 10 s).
func BenchmarkPushGossip10k(b *testing.B) {
	var events uint64
	seed := uint64(0)
	for b.Loop() {
		seed++
		res, err := Spread(SpreadConfig{Nodes: 10_000, Seed: seed})
		if err != nil {
			b.Fatal(err)
		}
		if res.Informed != 10_000 {
			b.Fatalf("informed %d of 10000", res.Informed)
		}
		events += res.Stats.Events
	}
	b.ReportMetric(float64(events)/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events)/float64(b.N), "events/op")
}
