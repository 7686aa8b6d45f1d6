// Command chat is chapter 01's demo: a chat node over raw TCP. Start two
// or three in separate terminals; a line typed in one reaches every node
// connected to it.
//
//	go run ./chapters/01-sockets/cmd/chat -listen 127.0.0.1:7001
//	go run ./chapters/01-sockets/cmd/chat -listen 127.0.0.1:7002 -peer 127.0.0.1:7001
//	nc 127.0.0.1 7001
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args, os.Stdin, os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, color.RedString("chat: %v", err))
		stop()
		os.Exit(1)
	}
}

// run is the whole command, apart from signals and the exit code, so that
// a test can run it with its own context, input and output.
func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:      "chat",
		Usage:     "a chat node over raw TCP (peerchain chapter 01)",
		UsageText: "chat [-listen HOST:PORT] [-peer HOST:PORT]... [-lab]",
		Description: "Type a line and press Enter to send it to every connected peer.\n" +
			"Commands: /peers lists connections, /connect HOST:PORT dials one more.\n" +
			"Ctrl-C quits. `nc HOST PORT` works as a client too.\n\n" +
			"-lab runs your exercises from exercises/01-sockets in the chat: your\n" +
			"PeerSet holds its peers, and your Relay passes each line from a peer\n" +
			"that dialed in to the others that dialed in, so nc clients of one chat\n" +
			"can talk to each other. It says which of them you have not started.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "listen", Value: "127.0.0.1:7001", Usage: "address to accept connections on"},
			&cli.StringSliceFlag{Name: "peer", Usage: "address of a node to dial; repeat for more"},
			&cli.BoolFlag{Name: "lab", Usage: "run your Relay and PeerSet from exercises/01-sockets"},
		},
		Action: func(c *cli.Context) error {
			return chat(c.Context, c.String("listen"), c.StringSlice("peer"), c.Bool("lab"), stdin, newPrinter(stdout))
		},
	})
	return app.RunContext(ctx, args)
}
