// Command wiredump is chapter 02's demo: it decodes wire messages, from
// peerchain's networks or Bitcoin's, and prints every field. Bad input
// stops it with an error that says at which byte the input went wrong.
//
//	go run ./chapters/02-wire/cmd/wiredump f9beb4d976657261636b000000000000000000005df6e0e2
//	xxd -p capture.bin | go run ./chapters/02-wire/cmd/wiredump
//	nc 127.0.0.1 7001 | go run ./chapters/02-wire/cmd/wiredump --raw
package main

import (
	"context"
	"errors"
	"io"
	"os"
	"strings"

	"github.com/urfave/cli/v2"

	"peerchain/tools/command"
)

func main() {
	command.Main(func(ctx context.Context, args []string, stdout io.Writer) error {
		return run(ctx, args, os.Stdin, stdout)
	})
}

// run is the whole command, apart from signals and the exit code, so that
// a test can run it with its own context, input and output.
func run(ctx context.Context, args []string, stdin io.Reader, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:  "wiredump",
		Usage: "decode wire messages and print every field (peerchain chapter 02)",
		UsageText: "wiredump [--raw] [--no-color] [HEX]...\n" +
			"echo HEX | wiredump\n" +
			"wiredump --raw < capture.bin",
		Description: "Reads messages as hex from the arguments, or from stdin when there are\n" +
			"none (spaces and newlines are ignored), or as raw bytes from stdin with\n" +
			"--raw. Prints each message's network, command, length, checksum and\n" +
			"fields. Knows peerchain's networks and Bitcoin's.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "raw", Usage: "read raw bytes from stdin instead of hex"},
		},
		Action: func(c *cli.Context) error {
			// Ctrl-C while waiting for input: closing stdin ends the
			// read, and so the dump.
			if closer, ok := stdin.(io.Closer); ok {
				stopClosing := context.AfterFunc(c.Context, func() { closer.Close() })
				defer stopClosing()
			}
			err := wiredump(c.Bool("raw"), c.Args().Slice(), stdin, newPrinter(stdout))
			if c.Context.Err() != nil {
				return nil // interrupted, which is how a live dump ends
			}
			return err
		},
	})
	return app.RunContext(ctx, args)
}

// wiredump finds its input and dumps it.
func wiredump(raw bool, args []string, stdin io.Reader, p *printer) error {
	switch {
	case raw && len(args) > 0:
		return errors.New("--raw reads stdin: give no hex arguments")
	case raw:
		return dump(stdin, p)
	case len(args) > 0:
		return dumpHex(strings.Join(args, " "), p)
	}
	text, err := io.ReadAll(stdin)
	if err != nil {
		return err
	}
	return dumpHex(string(text), p)
}
