// Command transfers is chapter 07's demo, in the simulator: 30 nodes
// build their overlay, 40 wallets funded at genesis send each other
// transfers at random nodes for 15 s, and each second it prints how
// many were submitted, accepted by some mempool, held by every mempool,
// and refused, and why. Then three short scenes: two spends of one
// nonce at two far-apart nodes, the second paying the replacement bump;
// a node that hands its peers a transfer with a bad signature, and is
// banned for it; and the block a miner would take from node 0's
// mempool:
//
//	go run ./chapters/07-transactions/cmd/transfers
//	go run ./chapters/07-transactions/cmd/transfers -policy flood
//	go run ./chapters/07-transactions/cmd/transfers -stem -seed 3
//	go run ./chapters/07-transactions/cmd/transfers -lab
//
// -lab builds the block with your Select from exercises/07-transactions
// and prints its total fee beside GreedySelect's. The final node runs
// the same relay over real TCP.
package main

import (
	"context"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
)

func main() {
	command.Main(func(ctx context.Context, args []string, stdout io.Writer) error {
		return run(ctx, args, stdout)
	})
}

// The demo's defaults.
const (
	defaultNodes    = 30
	defaultWallets  = 40
	defaultDuration = 15 * time.Second
	defaultRate     = 4 // transfers a second
)

// run is the whole command, so that a test can give it its own context
// and screen.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:  "transfers",
		Usage: "relay signed transfers through a simulated network (peerchain chapter 07)",
		UsageText: "transfers [-policy batched|flood] [-stem] [-lab] [-seed N] [-nodes N]\n" +
			"          [-wallets N] [-duration D] [-rate N]",
		Description: "The nodes build an overlay (chapter 05's discovery) in a 10s warm-up,\n" +
			"longer if it has not reached every node yet, each node with its own\n" +
			"mempool on the same genesis, which funds -wallets wallets. Then,\n" +
			"-rate times a second for -duration, a random wallet signs a transfer\n" +
			"with its next nonce and submits it at a random node that has its\n" +
			"previous one. Each second a line counts the transfers submitted,\n" +
			"accepted by at least one mempool, held by every mempool, and\n" +
			"refused, with why (a wallet now and then offers too low a fee, or\n" +
			"spends more than it has left).\n\n" +
			"Then: one wallet signs two spends of one nonce, at two far-apart\n" +
			"nodes, the second paying the replacement bump; a node hands its\n" +
			"peers a transfer with a bad signature, and they ban it; and the\n" +
			"block a miner would take from node 0's mempool,\n" +
			"Select(Limit{Count: 20}).\n\n" +
			"-policy picks how a node tells its peers: batched (the chapter's\n" +
			"relay, TxBroadcast: announce on a trickle timer, then fetch) or\n" +
			"flood (push every transfer to every peer at once). -stem adds\n" +
			"Dandelion's stem phase before the broadcast. -lab builds the block\n" +
			"with your Select from exercises/07-transactions, and says so if you\n" +
			"have not started it.",
		Flags: []cli.Flag{
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "the seed every random choice derives from"},
			&cli.IntFlag{Name: "nodes", Value: defaultNodes, Usage: "how many nodes"},
			&cli.IntFlag{Name: "wallets", Value: defaultWallets, Usage: "how many funded wallets"},
			&cli.DurationFlag{Name: "duration", Value: defaultDuration,
				Usage: "how long transfers go on, in whole seconds"},
			&cli.IntFlag{Name: "rate", Value: defaultRate, Usage: "transfers a second"},
			&cli.BoolFlag{Name: "stem", Usage: "pass each transfer along a Dandelion stem before it is broadcast"},
			&cli.StringFlag{Name: "policy", Value: "batched", Usage: "batched or flood"},
			&cli.BoolFlag{Name: "lab", Usage: "build the next block with your Select from exercises/07-transactions"},
		},
		Action: func(c *cli.Context) error {
			p, err := pickPolicy(c.String("policy"))
			if err != nil {
				return err
			}
			o := options{
				seed: c.Uint64("seed"), nodes: c.Int("nodes"), wallets: c.Int("wallets"),
				duration: c.Duration("duration"), rate: c.Int("rate"),
				stem: c.Bool("stem"), policy: p, lab: c.Bool("lab"),
			}
			if err := o.check(); err != nil {
				return err
			}
			if o.lab {
				if err := checkLab(); err != nil {
					return err
				}
			}
			return simulate(stdout, o)
		},
	})
	return app.RunContext(ctx, args)
}
