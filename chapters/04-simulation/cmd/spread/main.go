// Command spread is chapter 04's demo: it spreads a rumor by push gossip
// over a simulated network and shows how many nodes know it after each
// round.
//
//	go run ./chapters/04-simulation/cmd/spread -nodes 1000
//	go run ./chapters/04-simulation/cmd/spread -nodes 500 -topology regular:8 -latency lognormal:80ms:0.5 -loss 0.1
//
// The same flags and seed give the same run, to the byte: -trace FILE
// writes every delivery, to compare two runs.
//
// Faults, for classroom experiments, and -lab, which runs your Gossip
// from exercises/04-simulation instead of push gossip:
//
//	go run ./chapters/04-simulation/cmd/spread -nodes 200 -partition 0s:0-99 -heal 30s -rounds 60
//	go run ./chapters/04-simulation/cmd/spread -nodes 200 -crash 3s:0,5-9 -restart 20s:5-9 -lab
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	simulation "peerchain/chapters/04-simulation"
	"peerchain/tools/command"
)

// defaultDegree is the topology faults and -lab use when none is given:
// each node linked to 8 others at random.
const defaultDegree = 8

func main() { command.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name: "spread",
		// -crash 5s:3,7-9 is one fault, not two: repeat a flag for more.
		DisableSliceFlagSeparator: true,
		Usage:                     "spread a rumor by push gossip over a simulated network (peerchain chapter 04)",
		Description: "Faults happen at moments of virtual time; NODES is a list of nodes and\n" +
			"ranges, such as 3,7-9:\n\n" +
			"   -partition 10s:0-49      from 10 s, nodes 0 to 49 are cut off from the rest\n" +
			"   -partition 0s:0-9/10-19  three sides: two groups, and the rest\n" +
			"   -heal 40s                the partition ends at 40 s\n" +
			"   -crash 5s:3,7-9          those nodes crash at 5 s\n" +
			"   -restart 20s:3           node 3 starts again at 20 s, knowing nothing\n\n" +
			"With faults, or -lab, the run goes round by round, shows how many live\n" +
			"nodes know the rumor, and ends when they all do and no fault is left\n" +
			"(or after -rounds rounds). Their default topology is regular:8, since a\n" +
			"crash or a partition needs links that machines learn of.\n\n" +
			"-lab runs your Gossip from exercises/04-simulation instead of push\n" +
			"gossip, and says so if you have not started it yet.",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "nodes", Value: 1000, Usage: "how many nodes"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "the seed every random choice derives from"},
			&cli.StringFlag{Name: "topology", Value: "any", Usage: "any, complete, ring, line, grid:WIDTH or regular:DEGREE"},
			&cli.StringFlag{Name: "latency", Value: "none", Usage: "none, 50ms, uniform:MIN:MAX, exp:MEAN or lognormal:MEDIAN:SIGMA"},
			&cli.Float64Flag{Name: "loss", Value: 0, Usage: "chance each message is lost, 0 to 1"},
			&cli.IntFlag{Name: "fanout", Value: 1, Usage: "peers each informed node tells per round"},
			&cli.DurationFlag{Name: "round", Value: time.Second, Usage: "how often an informed node pushes"},
			&cli.StringFlag{Name: "trace", Usage: "write every delivery to `FILE`"},
			&cli.StringSliceFlag{Name: "partition", Usage: "at `TIME:NODES[/NODES...]`, split those groups from each other and the rest"},
			&cli.StringSliceFlag{Name: "heal", Usage: "at `TIME`, end the partition"},
			&cli.StringSliceFlag{Name: "crash", Usage: "at `TIME:NODES`, crash those nodes"},
			&cli.StringSliceFlag{Name: "restart", Usage: "at `TIME:NODES`, restart those crashed nodes"},
			&cli.IntFlag{Name: "rounds", Usage: "with faults or -lab: run exactly `N` rounds"},
			&cli.BoolFlag{Name: "lab", Usage: "spread with your Gossip from exercises/04-simulation"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := spreadConfig(c)
			if err != nil {
				return err
			}
			faults, err := parseFaults(c.StringSlice("partition"), c.StringSlice("heal"),
				c.StringSlice("crash"), c.StringSlice("restart"), cfg.Nodes)
			if err != nil {
				return err
			}
			stepped := c.Bool("lab") || len(faults) > 0 || c.Int("rounds") > 0
			if stepped {
				if cfg.Topology == nil && c.IsSet("topology") {
					return fmt.Errorf("-topology any announces no links, so faults and -lab need another: complete, ring, line, grid:WIDTH or regular:DEGREE")
				}
				if cfg.Topology == nil {
					cfg.Topology = simulation.RandomRegular(defaultDegree)
				}
				if c.Bool("lab") {
					if err := checkLab(); err != nil {
						return err
					}
				}
			}
			var trace io.Writer
			if path := c.String("trace"); path != "" {
				f, err := os.Create(path)
				if err != nil {
					return err
				}
				defer f.Close()
				trace = f
			}
			if stepped {
				cfg.Trace = trace
				sc := scenario{cfg: cfg, faults: faults, lab: c.Bool("lab"), rounds: c.Int("rounds")}
				return sc.run(stdout)
			}
			return spread(stdout, cfg, trace)
		},
	})
	return app.RunContext(ctx, args)
}
