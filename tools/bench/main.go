// Command bench measures the project's performance figures, each as a
// ratio to a baseline measured in the same run, and prints them beside
// the goals they are held to (issue 9).
//
//	go run ./tools/bench          every figure, 5 repetitions each
//	go run ./tools/bench -json    the same, as one JSON object
//	go run ./tools/bench -scale   also the scaling table, 1 k to 1 M nodes
//
// Figures are min/median/max over the repetitions; the machine's load
// average and CPU are printed with them, for absolute figures do not
// carry from one machine, or one moment of a shared one, to the next.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
)

func main() {
	testing.Init() // testing.Benchmark reads -test.benchtime
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "bench:", err)
		os.Exit(1)
	}
}

// options are the runner's flags.
type options struct {
	json   bool
	scale  bool
	runs   int
	nodes  int   // the simulator pair's network size
	sizes  []int // the scaling table's sizes
	msgs   int   // messages in the throughput pair
	hops   int   // round trips in the latency pair
	child  int   // hidden: run one spread of this many nodes, print a row
	sweeps []int // sizes for the cost-per-event figure
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	o := options{}
	fs.BoolVar(&o.json, "json", false, "print one JSON object instead of a table")
	fs.BoolVar(&o.scale, "scale", false, "also print the scaling table (n = 1k to 1M, one process each)")
	fs.IntVar(&o.runs, "runs", 5, "repetitions of each pair")
	fs.IntVar(&o.nodes, "nodes", 10_000, "nodes of the simulator pair")
	fs.IntVar(&o.msgs, "msgs", 20_000, "messages of the throughput pair")
	fs.IntVar(&o.hops, "hops", 2_000, "round trips of the latency pair")
	sizes := fs.String("sizes", "1000,10000,100000,1000000", "sizes of the scaling table")
	sweep := fs.String("sweep", "1000,100000", "sizes the cost per event is compared across (one process each)")
	benchtime := fs.String("benchtime", "1s", "how long testing.Benchmark runs each measurement")
	fs.IntVar(&o.child, "child", 0, "run one spread of this many nodes and print its row (used by -scale)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if f := flag.Lookup("test.benchtime"); f != nil {
		if err := f.Value.Set(*benchtime); err != nil {
			return fmt.Errorf("-benchtime: %w", err)
		}
	}
	var err error
	if o.sizes, err = parseSizes(*sizes); err != nil {
		return err
	}
	if *sweep != "none" { // none: no child processes (the runner's test)
		if o.sweeps, err = parseSizes(*sweep); err != nil {
			return err
		}
	}
	if o.child > 0 {
		row, err := spreadRow(o.child)
		if err != nil {
			return err
		}
		return json.NewEncoder(stdout).Encode(row)
	}
	rep, err := measure(o)
	if err != nil {
		return err
	}
	if o.json {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.print(stdout)
	return nil
}

func parseSizes(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		var n int
		if _, err := fmt.Sscan(strings.TrimSpace(f), &n); err != nil || n < 1 {
			return nil, fmt.Errorf("bad size %q", f)
		}
		out = append(out, n)
	}
	return out, nil
}
