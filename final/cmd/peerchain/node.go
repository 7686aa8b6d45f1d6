package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"github.com/urfave/cli/v2"

	discovery "peerchain/chapters/05-discovery"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/devnet"
	"peerchain/final/node"
)

// dataDir is --datadir, or $HOME/.peerchain (./.peerchain without a
// home).
func dataDir(c *cli.Context) string {
	if d := c.String("datadir"); d != "" {
		return d
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ".peerchain"
	}
	return filepath.Join(home, ".peerchain")
}

var nodeCommand = &cli.Command{
	Name:  "node",
	Usage: "run one node",
	Description: "Runs a node until Ctrl-C: it listens for peers on --listen, asks the --seed\n" +
		"nodes for addresses, keeps its address book, bans and chain in --datadir,\n" +
		"mines with --mine, and serves its API on --api (GET /api/v1/status; see\n" +
		"docs/final.md).\n\n" +
		"   peerchain node --datadir /tmp/a --listen 127.0.0.1:7001 --api 127.0.0.1:8001\n" +
		"   peerchain node --datadir /tmp/b --listen 127.0.0.1:7002 --api 127.0.0.1:8002 --seed 127.0.0.1:7001",
	Before: setColor,
	Flags: []cli.Flag{
		&cli.StringFlag{Name: "datadir", EnvVars: []string{"PEERCHAIN_DATADIR"}, DefaultText: "$HOME/.peerchain",
			Usage: "the node's `DIR`: its database and API cookie"},
		&cli.StringFlag{Name: "listen", EnvVars: []string{"PEERCHAIN_LISTEN"}, Value: node.DefaultListen,
			Usage: "`IP:PORT` to take peer connections on (port 0: any free one)"},
		&cli.StringSliceFlag{Name: "seed", EnvVars: []string{"PEERCHAIN_SEED"},
			Usage: "`IP:PORT` of a node to ask for addresses (repeat for more)"},
		&cli.StringFlag{Name: "api", EnvVars: []string{"PEERCHAIN_API"}, Value: node.DefaultAPI,
			Usage: "`IP:PORT` to serve the HTTP API on"},
		&cli.BoolFlag{Name: "api-public", EnvVars: []string{"PEERCHAIN_API_PUBLIC"},
			Usage: "allow --api on an address other machines can reach"},
		&cli.IntFlag{Name: "outbound", EnvVars: []string{"PEERCHAIN_OUTBOUND"},
			DefaultText: strconv.Itoa(discovery.DefaultOutboundTarget), Usage: "keep `N` outbound connections"},
		&cli.IntFlag{Name: "max-inbound", EnvVars: []string{"PEERCHAIN_MAX_INBOUND"},
			DefaultText: strconv.Itoa(discovery.DefaultMaxInbound), Usage: "take at most `N` inbound connections"},
		&cli.DurationFlag{Name: "seed-timeout", EnvVars: []string{"PEERCHAIN_SEED_TIMEOUT"},
			Value: discovery.DefaultOneShotTimeout, Usage: "how long to wait for a seed's addresses before hanging up"},
		&cli.StringFlag{Name: "name", EnvVars: []string{"PEERCHAIN_NAME"},
			Usage: "a `NAME` for the node in its status and logs"},
		&cli.BoolFlag{Name: "watch-stdin", EnvVars: []string{"PEERCHAIN_WATCH_STDIN"},
			Usage: "stop when standard input closes (the devnet's children do, so none outlives it)"},
		&cli.BoolFlag{Name: "mine", EnvVars: []string{"PEERCHAIN_MINE"},
			Usage: "mine blocks on the tip, with the mempool's best-paying transactions"},
		&cli.StringFlag{Name: "mine-to", EnvVars: []string{"PEERCHAIN_MINE_TO"},
			Usage: "the `ADDRESS` the mined blocks pay (peerchain wallet address)"},
		&cli.IntFlag{Name: "mine-threads", EnvVars: []string{"PEERCHAIN_MINE_THREADS"}, Value: 1,
			Usage: "mine on `N` threads (at most " + strconv.Itoa(node.MaxMineThreads) + ")"},
		labFlag, logJSONFlag, noColorFlag,
	},
	Action: func(c *cli.Context) error {
		if c.NArg() > 0 {
			return fmt.Errorf("node takes no arguments, only flags: did you mean --seed %s?", c.Args().First())
		}
		var mineTo transactions.Address
		if s := c.String("mine-to"); s != "" {
			a, err := transactions.ParseAddress(s)
			if err != nil {
				return fmt.Errorf("--mine-to: %w", err)
			}
			mineTo = a
		}
		if c.Int("mine-threads") < 1 {
			return fmt.Errorf("--mine-threads %d: want 1 to %d", c.Int("mine-threads"), node.MaxMineThreads)
		}
		l, err := lab(c.StringSlice("lab"))
		if err != nil {
			return err
		}
		n, err := node.New(node.Config{
			DataDir: dataDir(c), Listen: c.String("listen"), API: c.String("api"),
			APIPublic: c.Bool("api-public"), Seeds: c.StringSlice("seed"),
			OutboundTarget: c.Int("outbound"), MaxInbound: c.Int("max-inbound"), SeedTimeout: c.Duration("seed-timeout"),
			Name: c.String("name"), Logger: newLogger(c, c.App.Writer, c.String("name")),
			Lab: l, Mine: c.Bool("mine"), MineTo: mineTo, MineThreads: c.Int("mine-threads"),
		})
		if err != nil {
			return err
		}
		ctx := c.Context
		if c.Bool("watch-stdin") {
			var cancel context.CancelFunc
			ctx, cancel = context.WithCancel(ctx)
			defer cancel()
			go devnet.WatchParent(os.Stdin, cancel)
		}
		return n.Run(ctx)
	},
}
