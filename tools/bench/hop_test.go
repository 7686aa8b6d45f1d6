package main

import "testing"

// BenchmarkRealHop runs the latency pair, for a profile of where a
// real driver's hop goes: go test -bench RealHop -cpuprofile cpu.out
func BenchmarkRealHop(b *testing.B) {
	for b.Loop() {
		if _, err := realHopTime(2000); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkBareHop is the bare TCP pair of BenchmarkRealHop.
func BenchmarkBareHop(b *testing.B) {
	for b.Loop() {
		if _, err := bareHopTime(2000); err != nil {
			b.Fatal(err)
		}
	}
}
