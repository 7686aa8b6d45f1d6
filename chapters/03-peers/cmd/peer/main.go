// Command peer is chapter 03's demo: a node that shakes hands with the
// nodes it dials and the nodes that dial it, pings them, and prints what
// happens and every round trip it measures. Start two in two terminals:
//
//	go run ./chapters/03-peers/cmd/peer --listen 127.0.0.1:8401
//	go run ./chapters/03-peers/cmd/peer --connect 127.0.0.1:8401 --pings 3
//
// --record FILE keeps the raw bytes the first connection receives, up to
// MaxRecordBytes, for chapter 02's wiredump to decode. A bare file name
// goes in the temporary directory, not the current one.
package main

import (
	"context"
	"io"
	"time"

	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
)

func main() { command.Main(run) }

// defaultPingInterval is short, so that a demo shows round trips soon;
// a real node pings every two minutes.
const defaultPingInterval = 2 * time.Second

// run is the whole command, apart from signals and the exit code, so that
// a test can run it with its own context and output.
func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:      "peer",
		Usage:     "shake hands with peers and ping them (peerchain chapter 03)",
		UsageText: "peer [--listen HOST:PORT] [--connect HOST:PORT [--pings N]] [--record FILE] [--lab]",
		Description: "Accepts connections on --listen, dials --connect, or both. Every\n" +
			"connection starts with the version/verack handshake; then both sides\n" +
			"ping each other and print each round trip. Ctrl-C quits.\n\n" +
			"--lab runs every handshake with your Step from exercises/03-peers:\n" +
			"the demo reads each message, asks Step what to answer and sends it,\n" +
			"and after Ready still hands Step every message. It says so, and\n" +
			"stops, if Step is not attempted yet.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Usage: "address to accept connections on"},
			&cli.StringFlag{Name: "connect", Usage: "address of a node to dial"},
			&cli.StringFlag{Name: "network", Value: "devnet", Usage: "devnet, testnet or mainnet: the magic to speak"},
			&cli.DurationFlag{Name: "ping-interval", Value: defaultPingInterval, Usage: "time between pings"},
			&cli.IntFlag{Name: "pings", Usage: "close the dialed connection after `N` round trips, and quit"},
			&cli.StringFlag{Name: "record", Usage: "write the raw bytes the first connection receives to `FILE`, up to 1 MiB; a bare name goes in the temporary directory"},
			&cli.BoolFlag{Name: "lab", Usage: "shake hands with your Step from exercises/03-peers"},
		},
		Action: func(c *cli.Context) error {
			return demo(c.Context, optionsOf(c), newPrinter(stdout))
		},
	})
	return app.RunContext(ctx, args)
}

// optionsOf reads the flags.
func optionsOf(c *cli.Context) options {
	return options{
		listen:       c.String("listen"),
		connect:      c.String("connect"),
		network:      c.String("network"),
		pingInterval: c.Duration("ping-interval"),
		pings:        c.Int("pings"),
		record:       c.String("record"),
		lab:          c.Bool("lab"),
	}
}
