// Command ibd is chapter 11's demo, in the simulator: a node that
// starts with the genesis block alone catches up with peers that hold a
// chain of -blocks blocks, headers first, then the bodies from every
// peer at once in a moving window. As it happens in virtual time it
// prints the download's progress, each peer found stalling (with
// -stallers, peers that answer headers but never send a block), and
// the moment the node is synced; then a summary: the time taken, the
// messages by command, and how many blocks each peer sent.
//
//	go run ./chapters/11-sync/cmd/ibd
//	go run ./chapters/11-sync/cmd/ibd -blocks 5000 -peers 8 -stallers 2
//	go run ./chapters/11-sync/cmd/ibd -latency lognormal:100ms:0.5 -bandwidth 1e5
//	go run ./chapters/11-sync/cmd/ibd -lab
//
// -lab makes the fresh node decide who fetches which block with your
// LabScheduler from exercises/11-sync instead of the chapter's InOrder.
package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"time"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"

	simulation "peerchain/chapters/04-simulation"
	blocks "peerchain/chapters/08-blocks"
	chainsync "peerchain/chapters/11-sync"
	labsync "peerchain/exercises/11-sync"
	"peerchain/tools/command"
	"peerchain/tools/exercise"
)

func main() { command.Main(run) }

// The demo's defaults.
const (
	defaultBlocks  = 2000
	defaultPeers   = 4
	defaultLatency = "50ms"
	defaultLimit   = 10 * time.Minute // of virtual time
	// maxFaultLines is how many faults (such as a LabScheduler's
	// answer the download cannot follow) are printed one by one.
	maxFaultLines = 5
)

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:  "ibd",
		Usage: "a fresh node syncs a chain from its peers, headers first (peerchain chapter 11)",
		UsageText: "ibd [-blocks N] [-peers N] [-stallers N] [-latency L] [-bandwidth B]\n" +
			"    [-window N] [-seed N] [-lab]",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "blocks", Value: defaultBlocks, Usage: "the chain's length"},
			&cli.IntFlag{Name: "peers", Value: defaultPeers, Usage: "peers that hold the chain"},
			&cli.IntFlag{Name: "stallers", Usage: "of them, how many never send a block"},
			&cli.StringFlag{Name: "latency", Value: defaultLatency,
				Usage: "each message's: 50ms, uniform:MIN:MAX, exp:MEAN or lognormal:MEDIAN:SIGMA"},
			&cli.Float64Flag{Name: "bandwidth", Value: 1e6, Usage: "each link's bytes a second"},
			&cli.IntFlag{Name: "window", Value: chainsync.DefaultWindow,
				Usage: "blocks fetched ahead of the last connected one"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "the seed every random choice derives from"},
			&cli.BoolFlag{Name: "lab", Usage: "schedule the download with your LabScheduler from exercises/11-sync"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("ibd takes no arguments, got %q", c.Args().Slice())
			}
			lat, err := simulation.ParseLatency(c.String("latency"))
			if err != nil {
				return fmt.Errorf("-latency: %w", err)
			}
			cfg := chainsync.SimConfig{Blocks: c.Int("blocks"), Peers: c.Int("peers"),
				Stallers: c.Int("stallers"), Seed: c.Uint64("seed"), Latency: lat,
				Bandwidth: c.Float64("bandwidth"), Window: c.Int("window")}
			var sched chainsync.Scheduler // nil: the chapter's
			if c.Bool("lab") {
				if err := checkLab(); err != nil {
					return err
				}
				sched = &labsync.LabScheduler{}
			}
			return simulate(stdout, cfg, sched)
		},
	})
	return app.RunContext(ctx, args)
}

// checkLab says plainly when the lab is not attempted yet.
func checkLab() error {
	err := exercise.Try(func() {
		(&labsync.LabScheduler{}).Schedule(nil, nil, chainsync.MaxInFlightPerPeer)
	})
	if err != nil {
		return fmt.Errorf("-lab schedules the download with your LabScheduler from exercises/11-sync, but %w", err)
	}
	return nil
}

// simulate runs the download, the fresh node scheduling with sched
// (nil: the chapter's InOrder).
func simulate(w io.Writer, cfg chainsync.SimConfig, sched chainsync.Scheduler) error {
	var (
		dim, warn = color.New(color.Faint), color.New(color.FgYellow)
		ok, bold  = color.New(color.FgGreen), color.New(color.Bold)
		bad       = color.New(color.FgRed)
	)
	from := map[simulation.PeerID]int{}
	faults := 0
	var printErr error
	printf := func(c *color.Color, format string, args ...any) {
		if _, err := c.Fprintf(w, format, args...); err != nil && printErr == nil {
			printErr = err
		}
	}
	cfg.OnEmit = func(e simulation.Emitted) {
		if e.Node != 0 {
			return
		}
		at := e.At.Sub(simulation.Epoch).Seconds()
		switch v := e.Value.(type) {
		case chainsync.Progress:
			printf(dim, "%8.3fs  headers #%d, blocks #%d\n", at, v.Headers, v.Blocks)
		case chainsync.Stalled:
			printf(warn, "%8.3fs  peer %d stalled the window at #%d for %v: dropped\n",
				at, v.Peer, v.Height, v.Timeout)
		case chainsync.TimedOut:
			printf(warn, "%8.3fs  peer %d timed out on %d blocks\n", at, v.Peer, v.Blocks)
		case chainsync.Synced:
			printf(ok, "%8.3fs  synced at #%d\n", at, v.Height)
		case chainsync.Fetched:
			from[v.From]++
		case chainsync.Fault:
			if faults++; faults <= maxFaultLines {
				printf(bad, "%8.3fs  %v\n", at, v.Err)
			}
		}
	}
	s, err := chainsync.NewSim(cfg)
	if err != nil {
		return err
	}
	if sched != nil {
		s.Syncs[0].SetScheduler(sched)
		printf(bold, "the fresh node schedules its download with your LabScheduler\n")
	}
	done, err := s.Run(defaultLimit)
	if err != nil {
		return err
	}
	if printErr != nil {
		return printErr
	}
	if !done {
		return fmt.Errorf("not synced after %v of virtual time (limit %v)",
			s.Net.Elapsed().Round(time.Millisecond), defaultLimit)
	}
	st := s.Net.Stats()
	printf(bold, "\n%d blocks from %d peers in %v of virtual time\n", cfg.Blocks, cfg.Peers,
		s.Net.Elapsed().Round(time.Millisecond))
	if faults > 0 {
		printf(bad, "faults         %d\n", faults)
	}
	printf(color.New(), "messages       %d, %d bytes\n", st.Sent.Messages, st.Sent.Bytes)
	for _, c := range []string{blocks.CmdGetHeaders, blocks.CmdHeaders,
		chainsync.CmdGetBlockData, blocks.CmdBlock} {
		printf(color.New(), "  %-12s %6d  %9d bytes\n", c, st.ByType[c].Messages, st.ByType[c].Bytes)
	}
	peers := make([]simulation.PeerID, 0, len(from))
	for p := range from {
		peers = append(peers, p)
	}
	slices.Sort(peers)
	for _, p := range peers {
		printf(color.New(), "peer %d sent  %d blocks\n", p, from[p])
	}
	return printErr
}
