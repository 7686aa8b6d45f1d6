package main

import (
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

	wire "peerchain/chapters/02-wire"
	peers "peerchain/chapters/03-peers"
	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	labdisc "peerchain/exercises/05-discovery"
	"peerchain/tools/exercise"
)

// options are the demo's flags.
type options struct {
	listen         string
	seeds          []string
	outbound       int
	seedInterval   time.Duration
	feelerInterval time.Duration
	seedTimeout    time.Duration
	lab            bool
}

// maxQueued bounds the changes waiting to be printed; the node's loop
// never waits for the terminal.
const maxQueued = 1024

// discover runs one node until ctx ends.
func discover(ctx context.Context, o options, w io.Writer) error {
	if o.outbound < 1 {
		return fmt.Errorf("-outbound %d: at least 1", o.outbound)
	}
	cfg := discovery.NodeConfig{Conn: discovery.ConnConfig{
		OutboundTarget: o.outbound, AnchorCount: min(o.outbound, discovery.DefaultAnchors),
		SeedInterval: o.seedInterval, FeelerInterval: o.feelerInterval,
		OneShotTimeout: o.seedTimeout,
	}}
	if o.lab {
		if err := exercise.Try(func() { labdisc.Backoff(time.Second, time.Minute, 1, rand.New(rand.NewPCG(1, 1))) }); err != nil {
			return fmt.Errorf("-lab runs your Backoff from exercises/05-discovery, but %w", err)
		}
		cfg.Conn.Backoff = labdisc.Backoff
	}
	for _, s := range o.seeds {
		if _, err := netip.ParseAddrPort(s); err != nil {
			return fmt.Errorf("-seed %q: want IP:PORT: %w", s, err)
		}
		cfg.Conn.Seeds = append(cfg.Conn.Seeds, simulation.Addr(s))
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
	cfg.Conn.Self = simulation.Addr(self.String())

	var seed [16]byte
	crand.Read(seed[:])
	r := rand.New(rand.NewPCG(binary.LittleEndian.Uint64(seed[:8]), binary.LittleEndian.Uint64(seed[8:])))
	node, err := discovery.NewNode(cfg, r)
	if err != nil {
		ln.Close()
		return err
	}
	reg, err := wire.NewRegistry(append(wire.BaseMessages(), discovery.Messages()...)...)
	if err != nil {
		ln.Close()
		return err
	}
	pc := peers.DefaultConfig()
	pc.Registry, pc.Nonce, pc.ListenAddr = reg, peers.RandomNonce(), self

	changes := make(chan any, maxQueued)
	real, err := simulation.NewRealNode(simulation.RealConfig{
		Peers:       pc,
		MaxOutbound: o.outbound + 2, // room for a feeler and a seed
		OnEmit: func(v any) {
			select {
			case changes <- v:
			default: // the terminal is behind: drop, never block the node
			}
		},
	}, node)
	if err != nil {
		ln.Close()
		return err
	}
	fmt.Fprintf(w, "listening on %s, outbound target %d, seeds %s\n",
		self, o.outbound, orNone(o.seeds))

	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for v := range changes {
			printChange(ctx, w, real, v)
		}
	}()
	err = real.Run(ctx, ln)
	close(changes)
	wg.Wait()
	if errors.Is(err, context.Canceled) {
		err = nil
	}
	fmt.Fprintln(w, "stopped")
	return err
}

// printChange prints one change and the peers after it, read from the
// node's loop with a query.
func printChange(ctx context.Context, w io.Writer, real *simulation.RealNode, v any) {
	var line string
	switch e := v.(type) {
	case discovery.PeerUp:
		line = color.GreenString("+ %-8s %s", e.Kind, e.Addr)
	case discovery.PeerDown:
		line = color.YellowString("- %-8s %s", e.Kind, e.Addr)
	case discovery.Banned:
		line = color.RedString("! %s", e)
	default:
		return // anchors, and what else a node says, are not changes of peers
	}
	list, err := simulation.Query(ctx, real, func(m simulation.Machine) []discovery.PeerInfo {
		return m.(*discovery.Node).Peers()
	})
	if err != nil {
		list = nil // stopping
	}
	var out, in []string
	for _, p := range list {
		switch p.Kind {
		case discovery.Outbound:
			out = append(out, string(p.Addr))
		case discovery.Inbound:
			in = append(in, string(p.Addr))
		}
	}
	fmt.Fprintf(w, "%s  | out %d: %s | in %d: %s\n", line,
		len(out), orNone(out), len(in), orNone(in))
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "-"
	}
	return strings.Join(s, " ")
}
