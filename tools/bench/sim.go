package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// simPair measures push gossip over n nodes and the bare event loop
// with the same number of events, alternately, runs times. It returns
// the ns per event of each, the allocations per event and events/s.
func simPair(n, runs int) (sim, bare, allocs, rate []float64, err error) {
	probe, err := simulation.Spread(simulation.SpreadConfig{Nodes: n, Seed: 1})
	if err != nil {
		return nil, nil, nil, nil, err
	}
	events := probe.Stats.Events
	for range runs {
		var got uint64
		var failed error
		s := testing.Benchmark(func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				res, err := simulation.Spread(simulation.SpreadConfig{Nodes: n, Seed: 1})
				if err != nil {
					failed = err
					return
				}
				got = res.Stats.Events
			}
		})
		if failed != nil {
			return nil, nil, nil, nil, failed
		}
		bb := testing.Benchmark(func(b *testing.B) {
			for b.Loop() {
				simulation.BareLoop(n, events)
			}
		})
		perSim := float64(s.NsPerOp()) / float64(got)
		sim = append(sim, perSim)
		bare = append(bare, float64(bb.NsPerOp())/float64(events))
		allocs = append(allocs, float64(s.AllocsPerOp())/float64(got))
		rate = append(rate, 1e9/perSim)
	}
	return sim, bare, allocs, rate, nil
}

// spreadRow runs one spread of n nodes in this process and measures it,
// with the process's peak resident memory: what -child prints.
func spreadRow(n int) (Row, error) {
	start := time.Now()
	res, err := simulation.Spread(simulation.SpreadConfig{Nodes: n, Seed: 1})
	if err != nil {
		return Row{}, err
	}
	if res.Informed != n {
		return Row{}, fmt.Errorf("%d nodes: %d informed", n, res.Informed)
	}
	secs := time.Since(start).Seconds()
	rss, err := peakRSS()
	if err != nil {
		return Row{}, err
	}
	return Row{Nodes: n, Events: res.Stats.Events, Seconds: secs,
		EventsPerSec: float64(res.Stats.Events) / secs, PeakRSS: rss,
		BytesPerNode: float64(rss) / float64(n)}, nil
}

// peakRSS reads this process's peak resident set (VmHWM).
func peakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb * 1024, err
		}
	}
	return 0, fmt.Errorf("no VmHWM in /proc/self/status")
}

// childRow runs this binary again with -child n, so that each size's
// peak RSS is its own.
func childRow(n int) (Row, error) {
	exe, err := os.Executable()
	if err != nil {
		return Row{}, err
	}
	out, err := exec.Command(exe, "-child", strconv.Itoa(n)).Output()
	if err != nil {
		return Row{}, fmt.Errorf("child of %d nodes: %w", n, err)
	}
	var r Row
	if err := json.Unmarshal(out, &r); err != nil {
		return Row{}, fmt.Errorf("child of %d nodes: %w", n, err)
	}
	// Subtract what a process of one node holds: the runtime and binary.
	return r, nil
}
