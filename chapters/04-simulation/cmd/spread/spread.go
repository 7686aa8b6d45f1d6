package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/fatih/color"
	"github.com/urfave/cli/v2"

	simulation "peerchain/chapters/04-simulation"
)

// barWidth is the length of a full progress bar, in characters.
const barWidth = 50

func spreadConfig(c *cli.Context) (simulation.SpreadConfig, error) {
	cfg := simulation.SpreadConfig{
		Nodes:  c.Int("nodes"),
		Seed:   c.Uint64("seed"),
		Loss:   c.Float64("loss"),
		Fanout: c.Int("fanout"),
		Round:  c.Duration("round"),
	}
	if cfg.Fanout < 1 || cfg.Round <= 0 {
		return cfg, fmt.Errorf("-fanout and -round must be positive")
	}
	topo, err := simulation.ParseTopology(c.String("topology"))
	if err != nil {
		return cfg, err
	}
	if c.String("topology") != "any" {
		cfg.Topology = topo
	}
	if cfg.Latency, err = simulation.ParseLatency(c.String("latency")); err != nil {
		return cfg, err
	}
	return cfg, nil
}

// spread runs one spread and prints its progress, round by round.
func spread(w io.Writer, cfg simulation.SpreadConfig, trace io.Writer) error {
	fmt.Fprintf(w, "%s, latency %s, loss %g, seed %d\n\n", cfg, cfg.Latency, cfg.Loss, cfg.Seed)
	cfg.Trace = trace
	res, err := simulation.Spread(cfg)
	if err != nil {
		return err
	}

	bar := color.New(color.FgGreen)
	fmt.Fprintln(w, "round  informed")
	for r, k := range res.ByRound {
		filled := k * barWidth / cfg.Nodes
		fmt.Fprintf(w, "%5d  %8d  |%s\n", r, k, bar.Sprint(strings.Repeat("█", filled)))
	}
	fmt.Fprintln(w)
	if res.Informed < cfg.Nodes {
		fmt.Fprintln(w, color.RedString("%d of %d nodes informed before the limit", res.Informed, cfg.Nodes))
	} else {
		fmt.Fprintf(w, "Every node informed after %.2f rounds (%v of virtual time).\n", res.Rounds, res.Time)
	}
	st := res.Stats
	fmt.Fprintf(w, "%d messages sent (%d bytes), %d lost, %d cut; %d events.\n",
		st.Sent.Messages, st.Sent.Bytes, st.Lost, st.Cut, st.Events)
	return nil
}
