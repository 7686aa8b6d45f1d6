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
// from stdin until ctx is cancelled. With useLab, the learner's
// exercises run in it (see lab).
func chat(ctx context.Context, listen string, peers []string, useLab bool, stdin io.Reader, out *printer) error {
	cfg := sockets.DefaultConfig()
	handle := out.event
	var l *lab
	if useLab {
		l = newLab(out, cfg.MaxPeers, learnersParts)
		handle = l.event
	}
	node, err := sockets.NewNode(cfg, handle)
	if err != nil {
		return err
	}
	if l != nil {
		l.node = node
		defer l.stop()
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
	go readCommands(ctx, stdin, node, l, out)
	err = node.Run(ctx, ln)
	out.info("stopped")
	return err
}

// readCommands sends each line of stdin to every peer, or runs it if it
// is a command. It returns when stdin ends; the node runs on.
func readCommands(ctx context.Context, stdin io.Reader, node *sockets.Node, l *lab, out *printer) {
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		line := sc.Text()
		cmd, arg, _ := strings.Cut(line, " ")
		switch {
		case cmd == "/help":
			out.info("/peers lists connections; /connect HOST:PORT dials a node; " +
				"a line starting // sends one starting /; Ctrl-C quits")
		case cmd == "/peers":
			list, whose := node.Peers(), ""
			if l != nil {
				if labList, ok := l.list(); ok {
					list, whose = labList, " (your PeerSet)"
				}
			}
			if len(list) == 0 {
				out.info("no peers%s", whose)
				continue
			}
			out.info("%s%s: %s", plural(len(list), "peer"), whose, strings.Join(list, " "))
		case cmd == "/connect":
			if err := node.Connect(ctx, strings.TrimSpace(arg)); err != nil {
				out.error(err)
			}
		case strings.HasPrefix(line, "//"):
			send(node, line[1:], out)
		case strings.HasPrefix(line, "/"):
			out.error(fmt.Errorf("unknown command %s, not sent: /help lists the commands", cmd))
		default:
			send(node, line, out)
		}
	}
	if err := sc.Err(); err != nil {
		out.error(fmt.Errorf("reading input: %w", err))
	}
}

// send broadcasts a line typed at the keyboard, and says how it went.
func send(node *sockets.Node, line string, out *printer) {
	sent, err := node.Broadcast(line)
	switch {
	case err != nil:
		out.error(fmt.Errorf("not sent: %w", err))
	case sent == 0:
		out.info("not sent: no peers connected")
	default:
		out.info("sent to %s", plural(sent, "peer"))
	}
}

// plural writes a count of things: "1 peer", "2 peers".
func plural(n int, thing string) string {
	if n == 1 {
		return "1 " + thing
	}
	return fmt.Sprintf("%d %ss", n, thing)
}
