// Command peerchain is the final node: a local devnet of node processes,
// one node, a node's status, a wallet, and the same node in the
// simulator.
//
//	go run ./final/cmd/peerchain devnet          5 nodes on loopback, live
//	go run ./final/cmd/peerchain node --datadir ~/.peerchain
//	go run ./final/cmd/peerchain status --datadir ~/.peerchain
//	go run ./final/cmd/peerchain wallet new --datadir ~/.peerchain
//	go run ./final/cmd/peerchain sim -n 1000     the same nodes, simulated
package main

import (
	"context"
	"io"
	"log/slog"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
)

func main() { command.Main(run) }

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:  "peerchain",
		Usage: "a blockchain peer-to-peer node, built chapter by chapter",
		Description: "Start with the devnet: five nodes on this machine that find each other.\n\n" +
			"   peerchain devnet\n\n" +
			"Every flag also reads an environment variable, PEERCHAIN_ and the flag's\n" +
			"name (PEERCHAIN_DATADIR for --datadir); NO_COLOR turns colour off.",
		Commands: []*cli.Command{devnetCommand, nodeCommand, statusCommand, walletCommand, simCommand},
	})
	return app.RunContext(ctx, args)
}

// noColorFlag is --no-color on each command, since a flag of the app's
// own must come before the command's name.
var noColorFlag = &cli.BoolFlag{Name: "no-color", EnvVars: []string{"PEERCHAIN_NO_COLOR"},
	Usage: "plain output (NO_COLOR works too)"}

// setColor is each command's Before: --no-color turns colour off.
func setColor(c *cli.Context) error {
	if c.Bool("no-color") {
		color.NoColor = true
	}
	return nil
}

// logJSONFlag chooses the node's log format.
var logJSONFlag = &cli.BoolFlag{Name: "log-json", EnvVars: []string{"PEERCHAIN_LOG_JSON"},
	Usage: "log as JSON lines instead of text"}

// newLogger is the node's logger: text, or JSON with --log-json, on w.
func newLogger(c *cli.Context, w io.Writer, name string) *slog.Logger {
	opts := &slog.HandlerOptions{Level: slog.LevelInfo}
	var h slog.Handler = slog.NewTextHandler(w, opts)
	if c.Bool("log-json") {
		h = slog.NewJSONHandler(w, opts)
	}
	l := slog.New(h)
	if name != "" && c.Bool("log-json") {
		l = l.With("node", name) // text lines get their name from the devnet's prefix
	}
	return l
}
