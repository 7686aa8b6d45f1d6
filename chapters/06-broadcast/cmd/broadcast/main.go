// Command broadcast is chapter 06's demo. By default it runs the Gossip
// Glomers broadcast challenge in the simulator: 25 nodes build their own
// overlay, then 100 operations a second, half of them broadcasts, for
// 20 s, with 100 ms on every message. It watches that run, the one
// broadcast.Glomers grades (through GlomersConfig.Watch), and ends with
// its figures against the challenge's two bounds and the chapter's
// goal:
//
//	go run ./chapters/06-broadcast/cmd/broadcast
//	go run ./chapters/06-broadcast/cmd/broadcast -policy flood
//	go run ./chapters/06-broadcast/cmd/broadcast -partition -seed 3
//	go run ./chapters/06-broadcast/cmd/broadcast -lab
//
// -lab runs your LabPolicy from exercises/06-broadcast instead of the
// chapter's policy. With -listen it runs one real node over TCP instead:
// each line typed is published as a blob, and each blob that arrives is
// printed. Start two or three in as many terminals:
//
//	go run ./chapters/06-broadcast/cmd/broadcast -listen 127.0.0.1:7200
//	go run ./chapters/06-broadcast/cmd/broadcast -listen 127.0.0.1:7201 -peer 127.0.0.1:7200
//	go run ./chapters/06-broadcast/cmd/broadcast -listen 127.0.0.1:7202 -peer 127.0.0.1:7200
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/urfave/cli/v2"

	bc "peerchain/chapters/06-broadcast"
	"peerchain/tools/command"
)

func main() {
	command.Main(func(ctx context.Context, args []string, stdout io.Writer) error {
		return run(ctx, args, os.Stdin, stdout)
	})
}

// run is the whole command, so that a test can give it its own
// context, keyboard and screen.
func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:  "broadcast",
		Usage: "spread items through a network of peers (peerchain chapter 06)",
		UsageText: "broadcast [-policy plumtree|announce|flood] [-lab] [-seed N] [-nodes N] [-partition]\n" +
			"broadcast -listen HOST:PORT [-peer HOST:PORT ...] [-lab]",
		Description: "Without -listen it runs the Gossip Glomers broadcast challenge in the\n" +
			"simulator: the nodes build an overlay of at most 8 connections each,\n" +
			"then -rate operations a second for -duration, half broadcasts and half\n" +
			"reads, with 100 ms on every message: the run broadcast.Glomers grades.\n" +
			"Each second it prints how many items were published and how many\n" +
			"reached every node, then how the first items spread, then the run's\n" +
			"figures against the challenge's two bounds and the chapter's goal\n" +
			"(msgs-per-op <= 10, median <= 400ms, max <= 600ms).\n" +
			"-partition cuts the last node off for 5 s, a quarter of the way in.\n\n" +
			"-policy picks the chapter's policy: plumtree (push on the trees,\n" +
			"waits by hop, announce elsewhere), announce (Bitcoin's inv and\n" +
			"getdata, batched) or flood (push everything at once). -lab runs\n" +
			"your LabPolicy from exercises/06-broadcast instead, and says so if\n" +
			"you have not started it.\n\n" +
			"With -listen it runs one node over TCP: it asks the -peer nodes for\n" +
			"addresses and keeps connected; each line you type is published as a\n" +
			"blob, and each blob that arrives is printed. Ctrl-C quits.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "policy", Value: "plumtree", Usage: "plumtree, announce or flood"},
			&cli.BoolFlag{Name: "lab", Usage: "run your LabPolicy from exercises/06-broadcast"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "the seed every random choice derives from"},
			&cli.IntFlag{Name: "nodes", Value: bc.GlomersNodes, Usage: "how many nodes"},
			&cli.IntFlag{Name: "rate", Value: bc.GlomersRate, Usage: "operations a second, half of them broadcasts"},
			&cli.DurationFlag{Name: "duration", Value: bc.GlomersDuration, Usage: "how long the operations go on"},
			&cli.BoolFlag{Name: "partition", Usage: "cut the last node off for 5s, a quarter of the way in"},
			&cli.IntFlag{Name: "show", Value: 3, Usage: "how many of the first items to show spreading"},
			&cli.StringFlag{Name: "listen", Usage: "run one real node, accepting connections on `HOST:PORT`"},
			&cli.StringSliceFlag{Name: "peer", Usage: "with -listen: a node to ask for addresses (repeat for more)"},
			&cli.IntFlag{Name: "outbound", Value: demoOutbound, Usage: "with -listen: outbound connections to keep"},
			&cli.DurationFlag{Name: "seed-timeout", Value: realSeedTimeout, Hidden: true,
				Usage: "with -listen: how long to wait for a peer's addresses before hanging up"},
		},
		Action: func(c *cli.Context) error {
			if c.String("listen") != "" {
				return runReal(c.Context, realOptions{
					listen: c.String("listen"), peers: c.StringSlice("peer"),
					outbound: c.Int("outbound"), lab: c.Bool("lab"),
					seedTimeout: c.Duration("seed-timeout"),
				}, stdin, stdout)
			}
			if c.IsSet("peer") {
				return fmt.Errorf("-peer needs -listen: it is for a real node")
			}
			p, err := pickPolicy(c.String("policy"), c.Bool("lab"))
			if err != nil {
				return err
			}
			return simulate(stdout, simOptions{
				policy: p,
				glomers: bc.GlomersConfig{
					Seed: c.Uint64("seed"), Nodes: c.Int("nodes"), Rate: c.Int("rate"),
					Duration: c.Duration("duration"), Partition: c.Bool("partition"),
					Broadcast: p.cfg,
				},
				show: c.Int("show"),
			})
		},
	})
	return app.RunContext(ctx, args)
}

// demoOutbound is the real node's outbound target: a handful of nodes
// on one machine cannot give each of them Bitcoin's eight.
const demoOutbound = 2

// demoAnnounceDelay is the batching mean of -policy announce: a tenth of
// Bitcoin's 5 s for inbound peers, as this network's 100 ms is about a
// tenth of the internet's worst.
const demoAnnounceDelay = 500 * time.Millisecond
