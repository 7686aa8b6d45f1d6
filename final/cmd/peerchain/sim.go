package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/final/node"
)

// Bounds of `peerchain sim`.
const (
	maxSimNodes    = 100_000
	maxSimDuration = 24 * time.Hour
	maxSimSeeds    = 64
)

var simCommand = &cli.Command{
	Name:  "sim",
	Usage: "run the same nodes in chapter 04's simulator, in virtual time",
	Description: "Builds -n nodes exactly as `peerchain node` builds its machine, and runs them in\n" +
		"the simulator: no links at the start, the first --seeds nodes as everyone's\n" +
		"seeds, messages delayed by --latency and lost with --loss. Every --every of\n" +
		"virtual time it prints the devnet's summary; it stops when every node is ready\n" +
		"and no fault is left, or after --duration. The same flags give the same run.\n\n" +
		"Faults, at moments of virtual time:\n" +
		"   --partition 30s   split the network in two halves\n" +
		"   --heal 60s        end the partition\n" +
		"   --crash 20s:100   crash 100 nodes, chosen at random (never a seed)\n" +
		"   --restart 40s     restart every crashed node, knowing nothing",
	Before: setColor,
	Flags: []cli.Flag{
		&cli.IntFlag{Name: "nodes", Aliases: []string{"n"}, EnvVars: []string{"PEERCHAIN_SIM_NODES"}, Value: 1000, Usage: "how many nodes"},
		&cli.IntFlag{Name: "seeds", EnvVars: []string{"PEERCHAIN_SIM_SEEDS"}, Value: 3, Usage: "how many of the nodes are seeds"},
		&cli.IntFlag{Name: "outbound", EnvVars: []string{"PEERCHAIN_OUTBOUND"}, DefaultText: strconv.Itoa(discovery.DefaultOutboundTarget), Usage: "each node keeps `N` outbound connections"},
		&cli.DurationFlag{Name: "seed-timeout", EnvVars: []string{"PEERCHAIN_SEED_TIMEOUT"}, Value: discovery.DefaultOneShotTimeout,
			Usage: "how long a node waits for a seed's addresses before hanging up"},
		&cli.StringFlag{Name: "latency", EnvVars: []string{"PEERCHAIN_SIM_LATENCY"}, Value: "lognormal:40ms:0.5",
			Usage: "none, 50ms, uniform:MIN:MAX, exp:MEAN or lognormal:MEDIAN:SIGMA"},
		&cli.Float64Flag{Name: "loss", EnvVars: []string{"PEERCHAIN_SIM_LOSS"}, Usage: "chance each message is lost, 0 to 1"},
		&cli.Uint64Flag{Name: "rand", EnvVars: []string{"PEERCHAIN_SIM_RAND"}, Value: 1, Usage: "the seed every random choice derives from"},
		&cli.DurationFlag{Name: "duration", EnvVars: []string{"PEERCHAIN_SIM_DURATION"}, Value: 5 * time.Minute, Usage: "the most virtual time to run"},
		&cli.DurationFlag{Name: "every", EnvVars: []string{"PEERCHAIN_SIM_EVERY"}, Value: 5 * time.Second, Usage: "print a summary every `D` of virtual time"},
		&cli.DurationFlag{Name: "partition", Usage: "at `TIME`, split the network in two halves"},
		&cli.DurationFlag{Name: "heal", Usage: "at `TIME`, end the partition"},
		&cli.StringFlag{Name: "crash", Usage: "at `TIME:COUNT`, crash COUNT nodes"},
		&cli.DurationFlag{Name: "restart", Usage: "at `TIME`, restart the crashed nodes"},
		noColorFlag,
	},
	Action: runSim,
}

// simFault is something that happens at a moment of virtual time.
type simFault struct {
	at   time.Duration
	name string
	do   func(*simulation.Network) error
}

func runSim(c *cli.Context) error {
	n, seeds := c.Int("nodes"), c.Int("seeds")
	switch {
	case n < 1 || n > maxSimNodes:
		return fmt.Errorf("-n %d: want 1 to %d nodes", n, maxSimNodes)
	case seeds < 1 || seeds > min(n, maxSimSeeds):
		return fmt.Errorf("--seeds %d: want 1 to %d (and no more than -n)", seeds, min(n, maxSimSeeds))
	case c.Int("outbound") < 0:
		return fmt.Errorf("--outbound %d: must not be negative", c.Int("outbound"))
	case c.Duration("duration") <= 0 || c.Duration("duration") > maxSimDuration:
		return fmt.Errorf("--duration %v: want more than 0 and at most %v", c.Duration("duration"), maxSimDuration)
	case c.Duration("seed-timeout") < 0:
		return fmt.Errorf("--seed-timeout %v: must not be negative", c.Duration("seed-timeout"))
	case c.Duration("every") <= 0:
		return fmt.Errorf("--every %v: must be positive", c.Duration("every"))
	}
	latency, err := simulation.ParseLatency(c.String("latency"))
	if err != nil {
		return fmt.Errorf("--latency: %w", err)
	}
	faults, err := simFaults(c, n, seeds)
	if err != nil {
		return err
	}
	reg, err := transactions.Registry() // the node's messages: chapters 02, 05, 06 and 07
	if err != nil {
		return err
	}
	seedAddrs := make([]simulation.Addr, seeds)
	for i := range seeds {
		seedAddrs[i] = simulation.SimAddr(simulation.NodeID(i))
	}
	var buildErr error
	build := func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		cfg := node.MachineConfig{Self: simulation.SimAddr(id), OutboundTarget: c.Int("outbound"),
			SeedTimeout: c.Duration("seed-timeout")}
		for _, s := range seedAddrs {
			if s != cfg.Self {
				cfg.Seeds = append(cfg.Seeds, s)
			}
		}
		for i := range cfg.BookKey {
			cfg.BookKey[i] = byte(r.Uint32())
		}
		m, err := node.NewMachine(cfg, r)
		if err != nil && buildErr == nil {
			buildErr = err
		}
		return m
	}
	net, err := simulation.New(simulation.Config{
		Nodes: n, Seed: c.Uint64("rand"), Topology: simulation.NoLinks(),
		Latency: latency, Loss: c.Float64("loss"), Registry: reg,
	}, build)
	if err != nil {
		return err
	}
	if buildErr != nil {
		return buildErr
	}
	w := c.App.Writer
	seedWord := "seeds"
	if seeds == 1 {
		seedWord = "seed"
	}
	fmt.Fprintf(w, "%d nodes, %d %s, latency %v, loss %v, rand %d: the final node's machine in the simulator\n",
		n, seeds, seedWord, latency, c.Float64("loss"), c.Uint64("rand"))
	rows := func() []row {
		out := make([]row, n)
		for i := range n {
			out[i] = row{name: "node" + strconv.Itoa(i), paint: nodeColor(i)}
			if m, ok := net.Machine(simulation.NodeID(i)).(*node.Machine); ok {
				out[i].up, out[i].status = true, m.Status(net.Now())
			} else {
				out[i].note = "crashed"
			}
		}
		return out
	}
	every, end := c.Duration("every"), c.Duration("duration")
	noted := false
	for t := every; ; t += every {
		t = min(t, end)
		for len(faults) > 0 && faults[0].at <= t {
			f := faults[0]
			faults = faults[1:]
			if err := net.RunFor(f.at - net.Elapsed()); err != nil {
				return err
			}
			if err := f.do(net); err != nil {
				return fmt.Errorf("at %v: %s: %w", f.at, f.name, err)
			}
			fmt.Fprintf(w, "at %v: %s\n", f.at, f.name)
		}
		if err := net.RunFor(t - net.Elapsed()); err != nil {
			return err
		}
		rs := rows()
		fmt.Fprintln(w, strings.Join(summary(net.Elapsed(), rs), "\n"))
		if !noted {
			noted = true
			fmt.Fprintln(w, readyNote)
		}
		if allReady(rs) && len(faults) == 0 {
			fmt.Fprintf(w, "every node ready by %v of virtual time; %d events\n", net.Elapsed(), net.Stats().Events)
			return nil
		}
		if t >= end {
			fmt.Fprintf(w, "not every node ready after %v of virtual time; %d events\n", end, net.Stats().Events)
			return nil
		}
	}
}

func allReady(rows []row) bool {
	for _, r := range rows {
		if !r.up || !node.Ready(r.status, len(rows)) {
			return false
		}
	}
	return true
}

// simFaults reads the fault flags, in time order.
func simFaults(c *cli.Context, n, seeds int) ([]simFault, error) {
	var faults []simFault
	if c.IsSet("partition") {
		half := make([]simulation.NodeID, 0, n/2)
		for i := range n / 2 {
			half = append(half, simulation.NodeID(i))
		}
		faults = append(faults, simFault{at: c.Duration("partition"), name: fmt.Sprintf("partition nodes 0-%d | the rest", n/2-1),
			do: func(net *simulation.Network) error { return net.Partition(half) }})
	}
	if c.IsSet("heal") {
		faults = append(faults, simFault{at: c.Duration("heal"), name: "heal",
			do: func(net *simulation.Network) error { net.Heal(); return nil }})
	}
	var crashed []simulation.NodeID
	if s := c.String("crash"); s != "" {
		at, count, err := parseCrash(s)
		if err != nil {
			return nil, err
		}
		if count > n-seeds {
			return nil, fmt.Errorf("--crash %q: %d nodes, but only %d are not seeds", s, count, n-seeds)
		}
		r := rand.New(rand.NewPCG(c.Uint64("rand"), 99))
		for _, i := range r.Perm(n - seeds)[:count] {
			crashed = append(crashed, simulation.NodeID(seeds+i))
		}
		slices.Sort(crashed)
		faults = append(faults, simFault{at: at, name: fmt.Sprintf("crash %d nodes", count), do: func(net *simulation.Network) error {
			for _, id := range crashed {
				if err := net.Crash(id); err != nil {
					return err
				}
			}
			return nil
		}})
	}
	if c.IsSet("restart") {
		if crashed == nil {
			return nil, fmt.Errorf("--restart needs --crash: nothing to restart")
		}
		faults = append(faults, simFault{at: c.Duration("restart"), name: fmt.Sprintf("restart %d nodes", len(crashed)),
			do: func(net *simulation.Network) error {
				for _, id := range crashed {
					if err := net.Restart(id); err != nil {
						return err
					}
				}
				return nil
			}})
	}
	for _, f := range faults {
		if f.at < 0 || f.at > c.Duration("duration") {
			return nil, fmt.Errorf("%s at %v: not within --duration %v", f.name, f.at, c.Duration("duration"))
		}
	}
	slices.SortStableFunc(faults, func(a, b simFault) int { return int(a.at - b.at) })
	return faults, nil
}

// parseCrash reads --crash TIME:COUNT.
func parseCrash(s string) (time.Duration, int, error) {
	at, count, ok := strings.Cut(s, ":")
	d, err := time.ParseDuration(at)
	if !ok || err != nil {
		return 0, 0, fmt.Errorf("--crash %q: want TIME:COUNT, such as 20s:100", s)
	}
	k, err := strconv.Atoi(count)
	if err != nil || k < 1 {
		return 0, 0, fmt.Errorf("--crash %q: COUNT must be a positive number", s)
	}
	return d, k, nil
}
