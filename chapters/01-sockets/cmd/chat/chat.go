package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"strings"

	sockets "peerchain/chapters/01-sockets"
)

// chat runs a node on listen, dials peers, and sends every line read
// from stdin until ctx is cancelled.
func chat(ctx context.Context, listen string, peers []string, stdin io.Reader, out *printer) error {
	node, err := sockets.NewNode(sockets.DefaultConfig(), out.event)
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return err
	}
	out.info("listening on %s (/help for commands, Ctrl-C quits)", ln.Addr())
	for _, addr := range peers {
		if err := node.Connect(ctx, addr); err != nil {
			out.error(err) // the node keeps running; /connect can retry
		}
	}
	go readCommands(ctx, stdin, node, out)
	err = node.Run(ctx, ln)
	out.info("stopped")
	return err
}

// readCommands sends each line of stdin to every peer, or runs it if it
// is a command. It returns when stdin ends; the node runs on.
func readCommands(ctx context.Context, stdin io.Reader, node *sockets.Node, out *printer) {
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		line := sc.Text()
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "/help":
			out.info("/peers lists connections; /connect HOST:PORT dials a node; Ctrl-C quits")
		case "/peers":
			out.info("%d peers: %s", len(node.Peers()), strings.Join(node.Peers(), " "))
		case "/connect":
			if err := node.Connect(ctx, strings.TrimSpace(arg)); err != nil {
				out.error(err)
			}
		default:
			sent, err := node.Broadcast(line)
			switch {
			case err != nil:
				out.error(fmt.Errorf("not sent: %w", err))
			case sent == 0:
				out.info("not sent: no peers connected")
			default:
				out.info("sent to %d peers", sent)
			}
		}
	}
	if err := sc.Err(); err != nil {
		out.error(fmt.Errorf("reading input: %w", err))
	}
}
