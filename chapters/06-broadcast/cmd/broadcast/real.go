package main

import (
	"bufio"
	"context"
	crand "crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/fatih/color"

	peers "peerchain/chapters/03-peers"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	bc "peerchain/chapters/06-broadcast"
	labbc "peerchain/exercises/06-broadcast"
)

// realOptions are the flags of a real node.
type realOptions struct {
	listen      string
	peers       []string
	outbound    int
	lab         bool
	seedTimeout time.Duration
}

// The real node's timing: on loopback an answer takes milliseconds, so
// it asks its seeds again, and gives up on them, sooner than a node on
// the internet would (see chapter 05's discover).
const (
	realSeedInterval = 2 * time.Second
	realSeedTimeout  = time.Second
)

// maxQueued bounds what waits to be printed; the node's loop never
// waits for the terminal.
const maxQueued = 1024

// runReal runs one node over TCP until ctx ends: lines read from stdin
// are published, and what the node emits is printed.
func runReal(ctx context.Context, o realOptions, stdin io.Reader, out io.Writer) error {
	if o.outbound < 1 {
		return fmt.Errorf("-outbound %d: at least 1", o.outbound)
	}
	cfg := bc.DefaultConfig()
	who := "the chapter's plumtree policy"
	if o.lab {
		if err := checkLab(); err != nil {
			return err
		}
		cfg.Policy, who = labbc.LabPolicy{}, "your LabPolicy"
	}
	nc := discovery.NodeConfig{Conn: discovery.ConnConfig{
		OutboundTarget: o.outbound, AnchorCount: min(o.outbound, discovery.DefaultAnchors),
		SeedInterval: realSeedInterval, OneShotTimeout: o.seedTimeout,
	}}
	for _, s := range o.peers {
		if _, err := netip.ParseAddrPort(s); err != nil {
			return fmt.Errorf("-peer %q: want IP:PORT: %w", s, err)
		}
		nc.Conn.Seeds = append(nc.Conn.Seeds, simulation.Addr(s))
	}
	ln, err := net.Listen("tcp", o.listen)
	if err != nil {
		return err
	}
	self, err := netip.ParseAddrPort(ln.Addr().String())
	if err != nil {
		ln.Close()
		return err
	}
	nc.Conn.Self = simulation.Addr(self.String())

	var seed [16]byte
	crand.Read(seed[:])
	r := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	node, _, err := bc.NewNode(nc, cfg, r)
	if err != nil {
		ln.Close()
		return err
	}
	reg, err := bc.Registry()
	if err != nil {
		ln.Close()
		return err
	}
	pc := peers.DefaultConfig()
	pc.Registry, pc.Nonce, pc.ListenAddr = reg, peers.RandomNonce(), self

	emitted := make(chan any, maxQueued)
	real, err := simulation.NewRealNode(simulation.RealConfig{
		Peers:       pc,
		MaxOutbound: o.outbound + 2, // room for a feeler and a seed
		OnEmit: func(v any) {
			select {
			case emitted <- v:
			default: // the terminal is behind: drop, never block the node
			}
		},
	}, node)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(out, "listening on %s, outbound target %d, peers to ask %s, relaying with %s\n",
		self, o.outbound, orNone(o.peers), who)
	fmt.Fprintln(out, "type a line to publish it")

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		p := printer{out: out, addrs: map[simulation.PeerID]simulation.Addr{}}
		for v := range emitted {
			p.print(v)
		}
	}()
	// The keyboard: not waited for, since a read from a terminal cannot
	// be interrupted; it ends at the end of its input, or when it finds
	// the node stopped.
	go publishLines(ctx, real, stdin)

	err = real.Run(ctx, ln)
	close(emitted)
	wg.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	fmt.Fprintln(out, "stopped")
	return err
}

// publishLines publishes each line read as a blob.
func publishLines(ctx context.Context, real *simulation.RealNode, in io.Reader) {
	sc := bufio.NewScanner(in)
	for sc.Scan() {
		line := sc.Text()
		if line == "" {
			continue
		}
		it := bc.NewBlob([]byte(line))
		if err := real.Inject(ctx, discovery.Input{To: bc.Name, Value: bc.Publish{Item: it}}); err != nil {
			return
		}
	}
}

// printer prints what the node emits; only its goroutine uses it.
type printer struct {
	out   io.Writer
	addrs map[simulation.PeerID]simulation.Addr // from PeerUp, for Delivered.From
}

func (p *printer) print(v any) {
	switch e := v.(type) {
	case discovery.PeerUp:
		p.addrs[e.Peer] = e.Addr
		if e.Kind == discovery.Outbound || e.Kind == discovery.Inbound {
			fmt.Fprintln(p.out, color.GreenString("+ %-8s %s", e.Kind, e.Addr))
		}
	case discovery.PeerDown:
		delete(p.addrs, e.Peer)
		if e.Kind == discovery.Outbound || e.Kind == discovery.Inbound {
			fmt.Fprintln(p.out, color.YellowString("- %-8s %s", e.Kind, e.Addr))
		}
	case discovery.Banned:
		fmt.Fprintln(p.out, color.RedString("! %s", e))
	case bc.Delivered:
		if e.From == 0 {
			fmt.Fprintf(p.out, "published %s: %s\n", e.Item.ID, e.Item.Data)
			return
		}
		from, ok := p.addrs[e.From]
		if !ok {
			from = "a peer gone since"
		}
		fmt.Fprintln(p.out, color.CyanString("%s from %s: %s", e.Item.ID, from, e.Item.Data))
	case bc.Rejected:
		fmt.Fprintln(p.out, color.RedString("not published: %v", e.Err))
	}
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, " ")
}
