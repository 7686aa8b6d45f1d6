// Command discover is chapter 05's demo: one node that finds its peers
// from a seed, keeps its outbound connections and prints its peers each
// time they change. Start a seed and a few nodes in as many terminals:
//
//	go run ./chapters/05-discovery/cmd/discover -listen 127.0.0.1:7000
//	go run ./chapters/05-discovery/cmd/discover -listen 127.0.0.1:7001 -seed 127.0.0.1:7000
//	go run ./chapters/05-discovery/cmd/discover -listen 127.0.0.1:7002 -seed 127.0.0.1:7000
//
// Each line is one change: + or - for a connection opened or closed,
// its kind (outbound, inbound, feeler, seed) and address, then the
// node's peers after it. Ctrl-C stops the node.
package main

import (
	"context"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	discovery "peerchain/chapters/05-discovery"
	"peerchain/tools/command"
)

func main() { command.Main(run) }

// demoOutbound is the demo's outbound target: a devnet of five nodes
// cannot give each of them Bitcoin's eight (see the docs page).
const demoOutbound = 2

// demoSeedTimeout is how long the demo waits for a seed's addresses. A
// node on the internet waits discovery.DefaultOneShotTimeout (30 s) for a
// distant seed; on loopback an answer takes milliseconds, and a seed
// that has just started may have nothing to say for a long time, so the
// demo gives up sooner and asks again.
const demoSeedTimeout = time.Second

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:      "discover",
		Usage:     "find peers from a seed and keep connected (peerchain chapter 05)",
		UsageText: "discover -listen HOST:PORT [-seed HOST:PORT ...] [-outbound N] [-lab]",
		Description: "Listens on -listen, asks the -seed nodes for addresses, and keeps\n" +
			"-outbound connections to nodes it learned of, one per network group\n" +
			"(on loopback every address is its own group). Prints a line each\n" +
			"time its peers change. Ctrl-C quits.\n\n" +
			"-lab retries failed dials on your Backoff from exercises/05-discovery.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:0", Usage: "address to accept connections on"},
			&cli.StringSliceFlag{Name: "seed", Usage: "a node to ask for addresses (repeat for more)"},
			&cli.IntFlag{Name: "outbound", Value: demoOutbound, Usage: "outbound connections to keep"},
			&cli.DurationFlag{Name: "seed-interval", Value: 2 * time.Second, Usage: "wait between two questions to a seed while the book has nothing to dial"},
			&cli.DurationFlag{Name: "feeler-interval", Value: discovery.DefaultFeelerInterval, Usage: "mean time between feelers"},
			&cli.DurationFlag{Name: "seed-timeout", Value: demoSeedTimeout, Usage: "how long to wait for a seed's addresses before hanging up"},
			&cli.BoolFlag{Name: "lab", Usage: "retry with your Backoff from exercises/05-discovery"},
		},
		Action: func(c *cli.Context) error {
			opts := options{
				listen:         c.String("listen"),
				seeds:          c.StringSlice("seed"),
				outbound:       c.Int("outbound"),
				seedInterval:   c.Duration("seed-interval"),
				feelerInterval: c.Duration("feeler-interval"),
				seedTimeout:    c.Duration("seed-timeout"),
				lab:            c.Bool("lab"),
			}
			return discover(c.Context, opts, stdout)
		},
	})
	return app.RunContext(ctx, args)
}
