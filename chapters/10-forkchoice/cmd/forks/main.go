// Command forks is chapter 10's demo, in the simulator: a small network
// of miners, each with its own block tree, finds a block every -interval
// on average and relays each to its peers. As they happen in virtual
// time it prints the blocks mined, the forks (a node keeping a block on
// a side branch) and every reorganisation; then a summary: blocks mined,
// the main chain, the stale rate beside the model 1 − e^(−Δ/T), and
// each node's tip.
//
//	go run ./chapters/10-forkchoice/cmd/forks
//	go run ./chapters/10-forkchoice/cmd/forks -interval 1s -duration 2m
//	go run ./chapters/10-forkchoice/cmd/forks -partition 30s-90s
//	go run ./chapters/10-forkchoice/cmd/forks -size 1000000 -bandwidth 1e6
//	go run ./chapters/10-forkchoice/cmd/forks -lab
//
// -partition splits the nodes in two halves for a while: each half mines
// a branch of its own, and at the heal the half with less work takes its
// blocks off for the other's. -lab puts your LabChoice from
// exercises/10-forkchoice in every node's tree instead of MostWork.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math/big"
	"strings"
	"time"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"

	simulation "peerchain/chapters/04-simulation"
	forkchoice "peerchain/chapters/10-forkchoice"
	labforks "peerchain/exercises/10-forkchoice"
	"peerchain/tools/command"
	"peerchain/tools/exercise"
)

func main() { command.Main(run) }

// The demo's defaults.
const (
	defaultNodes    = 10
	defaultInterval = 10 * time.Second
	defaultDuration = 10 * time.Minute
	defaultLatency  = "lognormal:100ms:0.5"
	// maxTipLines is how many nodes' tips the summary lists one by one.
	maxTipLines = 20
)

func run(ctx context.Context, args []string, stdout io.Writer) error {
	app := command.Setup(stdout, &cli.App{
		Name:  "forks",
		Usage: "miners on a simulated network: forks and reorganisations (peerchain chapter 10)",
		UsageText: "forks [-nodes N] [-interval D] [-latency L] [-size BYTES] [-bandwidth B]\n" +
			"      [-duration D] [-partition FROM-TO] [-seed N] [-lab]",
		Flags: []cli.Flag{
			&cli.IntFlag{Name: "nodes", Value: defaultNodes, Usage: "how many miners, of equal hash power"},
			&cli.DurationFlag{Name: "interval", Value: defaultInterval,
				Usage: "T: the network's mean time between blocks"},
			&cli.StringFlag{Name: "latency", Value: defaultLatency,
				Usage: "each message's: 50ms, uniform:MIN:MAX, exp:MEAN or lognormal:MEDIAN:SIGMA"},
			&cli.IntFlag{Name: "size", Usage: "a block's bytes on the wire (0: its own, a coinbase alone)"},
			&cli.Float64Flag{Name: "bandwidth", Usage: "each link's bytes a second (0: sending takes no time)"},
			&cli.DurationFlag{Name: "duration", Value: defaultDuration, Usage: "how long the miners mine, in virtual time"},
			&cli.StringFlag{Name: "partition", Usage: "`FROM-TO`, e.g. 30s-90s: split the nodes in two halves meanwhile"},
			&cli.Uint64Flag{Name: "seed", Value: 1, Usage: "the seed every random choice derives from"},
			&cli.BoolFlag{Name: "lab", Usage: "choose tips with your LabChoice from exercises/10-forkchoice"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() > 0 {
				return fmt.Errorf("forks takes no arguments, got %q", c.Args().Slice())
			}
			o, err := parseOptions(c)
			if err != nil {
				return err
			}
			if c.Bool("lab") {
				if err := checkLab(); err != nil {
					return err
				}
				o.cfg.Choice = labforks.LabChoice{}
			}
			return simulate(stdout, o)
		},
	})
	return app.RunContext(ctx, args)
}

// options are the flags, checked.
type options struct {
	cfg      forkchoice.SimConfig
	duration time.Duration
	split    bool
	from, to time.Duration // the partition's window, if split
}

func parseOptions(c *cli.Context) (options, error) {
	o := options{duration: c.Duration("duration")}
	nodes := c.Int("nodes")
	if nodes < 2 {
		return o, fmt.Errorf("-nodes %d: at least 2", nodes)
	}
	if o.duration <= 0 || c.Duration("interval") <= 0 {
		return o, errors.New("-duration and -interval must be positive")
	}
	lat, err := simulation.ParseLatency(c.String("latency"))
	if err != nil {
		return o, fmt.Errorf("-latency: %w", err)
	}
	o.cfg = forkchoice.SimConfig{Nodes: nodes, Seed: c.Uint64("seed"), Degree: degree(nodes),
		Interval: c.Duration("interval"), Latency: lat, BlockSize: c.Int("size"),
		Bandwidth: c.Float64("bandwidth"), MineFor: o.duration}
	if p := c.String("partition"); p != "" {
		from, to, ok := strings.Cut(p, "-")
		o.from, err = time.ParseDuration(from)
		if err == nil && ok {
			o.to, err = time.ParseDuration(to)
		}
		if err != nil || !ok || o.from < 0 || o.to <= o.from || o.to > o.duration {
			return o, fmt.Errorf("-partition %q: want FROM-TO, such as 30s-90s, within -duration %v", p, o.duration)
		}
		o.split = true
	}
	return o, nil
}

// checkLab says plainly when the lab is not attempted yet.
func checkLab() error {
	n := &forkchoice.Node{Work: big.NewInt(2)}
	err := exercise.Try(func() {
		labforks.LabChoice{}.Better(n, n)
		labforks.LabChoice{}.Path(n, n)
	})
	if err != nil {
		return fmt.Errorf("-lab chooses tips with your LabChoice from exercises/10-forkchoice, but %w", err)
	}
	return nil
}

// degree is each node's peers: chapter 10's 8, or fewer on a small
// network, so that nodes × degree is even as a regular graph needs.
func degree(nodes int) int {
	d := min(forkchoice.DefaultSimDegree, nodes-1)
	if nodes*d%2 != 0 {
		d--
	}
	return d
}

// simulate runs the network, printing what happens, then the summary.
func simulate(w io.Writer, o options) error {
	var (
		dim, fork, reorg = color.New(color.Faint), color.New(color.FgCyan), color.New(color.FgYellow)
		ok, bad, bold    = color.New(color.FgGreen), color.New(color.FgRed), color.New(color.Bold)
		forked           = make(map[[32]byte]bool)
		s                *forkchoice.SimNet
	)
	stamp := func(at time.Time) string {
		return fmt.Sprintf("%8.1fs", at.Sub(simulation.Epoch).Seconds())
	}
	o.cfg.OnEmit = func(e simulation.Emitted) {
		switch v := e.Value.(type) {
		case forkchoice.SimMined:
			dim.Fprintf(w, "%s  node %d mined #%d %s\n", stamp(e.At), e.Node, v.Block.Height, v.Block.Hash.Short())
		case forkchoice.SimAccepted:
			if !v.Main && !forked[v.Block.Hash] {
				forked[v.Block.Hash] = true
				tip := s.Trees[e.Node].Tip()
				fork.Fprintf(w, "%s  fork at #%d: node %d keeps %s on a side branch, its tip #%d %s\n",
					stamp(e.At), v.Block.Height, e.Node, v.Block.Hash.Short(), tip.Height, tip.Hash.Short())
			}
		case forkchoice.SimReorg:
			reorg.Fprintf(w, "%s  node %d reorg: %s off, %s on, tip now #%d %s\n", stamp(e.At), e.Node,
				plural(v.Off, "block"), plural(v.On, "block"), v.Tip.Height, v.Tip.Hash.Short())
		case forkchoice.SimFault:
			bad.Fprintf(w, "%s  node %d: %v\n", stamp(e.At), e.Node, v.Err)
		}
	}
	var err error
	if s, err = forkchoice.NewSimNet(o.cfg); err != nil {
		return err
	}
	fmt.Fprintf(w, "%d miners, %d peers each, a block every %v on average, latency %s, for %v\n",
		o.cfg.Nodes, o.cfg.Degree, o.cfg.Interval, o.cfg.Latency, o.duration)
	if o.cfg.Choice != nil {
		bold.Fprintf(w, "every tree chooses its tip with your LabChoice\n")
	}
	if o.split {
		if err := s.Run(o.from); err != nil {
			return err
		}
		bold.Fprintf(w, "%s  partition: nodes 0-%d | %d-%d\n", stamp(s.Net.Now()),
			o.cfg.Nodes/2-1, o.cfg.Nodes/2, o.cfg.Nodes-1)
		if err := s.Split(); err != nil {
			return err
		}
		if err := s.Run(o.to - o.from); err != nil {
			return err
		}
		s.Heal()
		bold.Fprintf(w, "%s  heal\n", stamp(s.Net.Now()))
	}
	if err := s.Run(o.duration - s.Net.Elapsed()); err != nil {
		return err
	}
	bold.Fprintf(w, "%s  mining stops; the last blocks arrive\n", stamp(s.Net.Now()))
	agree, err := s.Settle(time.Hour)
	if err != nil {
		return err
	}
	return summary(w, s, o, agree, ok, bad)
}

// summary prints what the run came to.
func summary(w io.Writer, s *forkchoice.SimNet, o options, agree bool, ok, bad *color.Color) error {
	st := s.Stats()
	tip := s.Trees[0].Tip()
	fmt.Fprintln(w)
	fmt.Fprintf(w, "blocks mined   %d\n", st.Mined)
	fmt.Fprintf(w, "main chain     %d blocks, tip #%d %s\n", st.Main, tip.Height, tip.Hash.Short())
	fmt.Fprintf(w, "stale          %d, %.1f %% of mined\n", st.Stale, 100*st.StaleRate)
	fmt.Fprintf(w, "model          %.1f %%: 1 − e^(−Δ/T), Δ %v (mean arrival), T %v\n",
		100*forkchoice.StaleModel(st.MeanDelay, o.cfg.Interval),
		st.MeanDelay.Round(time.Millisecond), o.cfg.Interval)
	if o.split {
		fmt.Fprintln(w, "               (the partition held blocks back: Δ counts their wait, the model knows none)")
	}
	fmt.Fprintf(w, "reorgs         %d, the deepest %s off\n", st.Reorgs, plural(st.MaxReorg, "block"))
	if len(s.Trees) <= maxTipLines {
		for id, t := range s.Trees {
			mark := ok.Sprint("✓")
			if t.Tip().Hash != tip.Hash {
				mark = bad.Sprint("✗")
			}
			fmt.Fprintf(w, "  node %2d  tip #%d %s %s\n", id, t.Tip().Height, t.Tip().Hash.Short(), mark)
		}
	}
	if !agree {
		bad.Fprintln(w, "the nodes do not agree on a tip")
		return errors.New("the nodes ended on different tips")
	}
	ok.Fprintf(w, "every node follows #%d %s\n", tip.Height, tip.Hash.Short())
	return nil
}

func plural(n int, word string) string {
	if n == 1 {
		return "1 " + word
	}
	return fmt.Sprintf("%d %ss", n, word)
}
