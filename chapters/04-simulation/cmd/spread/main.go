// Command spread is chapter 04's demo: it spreads a rumor by push gossip
// over a simulated network and shows how many nodes know it after each
// round.
//
//	go run ./chapters/04-simulation/cmd/spread -nodes 1000
//	go run ./chapters/04-simulation/cmd/spread -nodes 500 -topology regular:8 -latency lognormal:80ms:0.5 -loss 0.1
//
// The same flags and seed give the same run, to the byte: -trace FILE
// writes every delivery, to compare two runs.
package main

import (
	"context"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
)

func main() { command.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:  "spread",
		Usage: "spread a rumor by push gossip over a simulated network (peerchain chapter 04)",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "nodes", Value: 1000, Usage: "how many nodes"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "the seed every random choice derives from"},
			&cli.StringFlag{Name: "topology", Value: "any", Usage: "any, complete, ring, line, grid:WIDTH or regular:DEGREE"},
			&cli.StringFlag{Name: "latency", Value: "none", Usage: "none, 50ms, uniform:MIN:MAX, exp:MEAN or lognormal:MEDIAN:SIGMA"},
			&cli.Float64Flag{Name: "loss", Value: 0, Usage: "chance each message is lost, 0 to 1"},
			&cli.IntFlag{Name: "fanout", Value: 1, Usage: "peers each informed node tells per round"},
			&cli.DurationFlag{Name: "round", Value: time.Second, Usage: "how often an informed node pushes"},
			&cli.StringFlag{Name: "trace", Usage: "write every delivery to `FILE`"},
		},
		Action: func(c *cli.Context) error {
			cfg, err := spreadConfig(c)
			if err != nil {
				return err
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
			return spread(stdout, cfg, trace)
		},
	})
	return app.RunContext(ctx, args)
}
