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

// BenchmarkBareLoop10k is BenchmarkPushGossip10k's baseline: the bare
// event loop of BareLoop, with one event per node queued and as many
// events as a 10,000-node spread handles (seed 1's). Its ns/event beside
// the simulator's, from the same run, is the simulator's overhead; go
// run ./tools/bench prints the ratio.
func BenchmarkBareLoop10k(b *testing.B) {
	res, err := Spread(SpreadConfig{Nodes: 10_000, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	events := res.Stats.Events
	b.ResetTimer()
	for b.Loop() {
		BareLoop(10_000, events)
	}
	b.ReportMetric(float64(events*uint64(b.N))/b.Elapsed().Seconds(), "events/s")
	b.ReportMetric(float64(events), "events/op")
}
