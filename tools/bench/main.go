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
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
)

func main() {
	testing.Init() // testing.Benchmark reads -test.benchtime
	command.Main(run)
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

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:      "bench",
		Usage:     "measure every performance figure of issue 9, each as a ratio to its baseline",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "print one JSON object instead of a table"},
			&cli.BoolFlag{Name: "scale", Usage: "also print the scaling table (n = 1k to 1M, one process each)"},
			&cli.IntFlag{Name: "runs", Value: 5, Usage: "repetitions of each pair"},
			&cli.IntFlag{Name: "nodes", Value: 10_000, Usage: "nodes of the simulator pair"},
			&cli.IntFlag{Name: "msgs", Value: 20_000, Usage: "messages of the throughput pair"},
			&cli.IntFlag{Name: "hops", Value: 2_000, Usage: "round trips of the latency pair"},
			&cli.StringFlag{Name: "sizes", Value: "1000,10000,100000,1000000", Usage: "sizes of the scaling table"},
			&cli.StringFlag{Name: "sweep", Value: "1000,100000", Usage: "sizes the cost per event is compared across (one process each); none: no child processes"},
			&cli.StringFlag{Name: "benchtime", Value: "1s", Usage: "how long testing.Benchmark runs each measurement"},
			&cli.IntFlag{Name: "child", Usage: "run one spread of this many nodes and print its row (used by -scale)", Hidden: true},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("bench takes no arguments, got %q", c.Args().Slice())
			}
			o := options{json: c.Bool("json"), scale: c.Bool("scale"), runs: c.Int("runs"),
				nodes: c.Int("nodes"), msgs: c.Int("msgs"), hops: c.Int("hops"), child: c.Int("child")}
			return bench(o, c.String("sizes"), c.String("sweep"), c.String("benchtime"), stdout)
		},
	})
	return app.RunContext(ctx, args)
}

// bench runs what the flags ask for.
func bench(o options, sizes, sweep, benchtime string, stdout io.Writer) error {
	if f := flag.Lookup("test.benchtime"); f != nil {
		if err := f.Value.Set(benchtime); err != nil {
			return fmt.Errorf("-benchtime: %w", err)
		}
	}
	var err error
	if o.sizes, err = parseSizes(sizes); err != nil {
		return err
	}
	if sweep != "none" { // none: no child processes (the runner's test)
		if o.sweeps, err = parseSizes(sweep); err != nil {
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
	if err := addTxFigures(rep, o.runs); err != nil {
		return err
	}
	if err := addMiningFigures(rep, o.runs); err != nil {
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
