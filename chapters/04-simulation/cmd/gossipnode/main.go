// Command gossipnode is chapter 04's demo across processes: it runs the
// chapter's Rumor machine, the same one the simulator runs, over real TCP
// with the real driver. Start a few in as many terminals, each dialing
// one started before it, and give one of them the rumor:
//
//	go run ./chapters/04-simulation/cmd/gossipnode -listen 127.0.0.1:7001 -origin "hello"
//	go run ./chapters/04-simulation/cmd/gossipnode -listen 127.0.0.1:7002 -peer 127.0.0.1:7001
//	go run ./chapters/04-simulation/cmd/gossipnode -listen 127.0.0.1:7003 -peer 127.0.0.1:7002
//
// Each prints its connections and when it learns the rumor. A -peer that
// is not up yet is dialed again every -redial. Ctrl-C stops a node.
package main

import (
	"context"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
)

func main() { command.Main(run) }

// run is the whole command, apart from signals and the exit code, so that
// a test can run it with its own context and output.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:      "gossipnode",
		Usage:     "spread a rumor by push gossip between real processes (peerchain chapter 04)",
		UsageText: "gossipnode [-listen HOST:PORT] [-peer HOST:PORT]... [-origin TEXT]",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:0", Usage: "address to accept connections on"},
			&cli.StringSliceFlag{Name: "peer", Usage: "address of a node to dial (repeat for more)"},
			&cli.StringFlag{Name: "origin", Usage: "start knowing the rumor `TEXT`: this node is its origin"},
			&cli.IntFlag{Name: "fanout", Value: 2, Usage: "peers an informed node tells each round"},
			&cli.DurationFlag{Name: "round", Value: 500 * time.Millisecond, Usage: "how often an informed node pushes"},
			&cli.IntFlag{Name: "rounds", Value: 10, Usage: "rounds an informed node pushes before it stops; 0: never"},
			&cli.DurationFlag{Name: "redial", Value: time.Second, Usage: "wait before dialing a -peer again after a failure"},
		},
		Action: func(c *cli.Context) error {
			opts, err := optionsOf(c)
			if err != nil {
				return err
			}
			return gossip(c.Context, opts, stdout)
		},
	})
	return app.RunContext(ctx, args)
}
