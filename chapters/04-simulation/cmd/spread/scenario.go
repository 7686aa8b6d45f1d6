package main

import (
	"fmt"
	"io"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/fatih/color"

	simulation "peerchain/chapters/04-simulation"
	labsim "peerchain/exercises/04-simulation"
	"peerchain/tools/exercise"
)

// labBudget is the lab's bound on messages per node (see
// exercises/04-simulation/gossip_test.go), shown beside what a run sent.
const labBudget = 40

// maxRounds bounds a run that waits for every live node to be informed.
const maxRounds = 1000

// scenario is a run with faults, or with the learner's Gossip: it steps
// round by round, so that it can break the network on schedule.
type scenario struct {
	cfg    simulation.SpreadConfig
	faults []fault
	lab    bool
	rounds int // run this many rounds; 0: until every live node knows
}

// informer is a machine that can say whether it knows the rumor: the
// chapter's Rumor and the lab's Gossip both can.
type informer interface {
	simulation.Machine
	Informed() bool
}

// checkLab finds out whether the learner has started Gossip.
func checkLab() error {
	err := exercise.Try(func() { labsim.NewGossip(nil, rand.New(rand.NewPCG(1, 1))) })
	if err != nil {
		return fmt.Errorf("-lab runs your Gossip from exercises/04-simulation, but %w", err)
	}
	return nil
}

// run plays the scenario and prints it.
func (sc scenario) run(w io.Writer) error {
	cfg := sc.cfg
	machines := make([]informer, cfg.Nodes)
	rumor := &simulation.MsgRumor{ID: 1, Body: []byte("hello")}
	originBuilt := false
	build := func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		var start *simulation.MsgRumor
		if id == 0 && !originBuilt { // a restarted origin knows nothing
			start, originBuilt = rumor, true
		}
		var m informer
		if sc.lab {
			m = labsim.NewGossip(start, r)
		} else {
			m = simulation.NewRumor(simulation.RumorConfig{Round: cfg.Round, Fanout: cfg.Fanout, Rumor: start}, r)
		}
		machines[id] = m
		return m
	}
	net, err := simulation.New(simulation.Config{Nodes: cfg.Nodes, Seed: cfg.Seed,
		Topology: cfg.Topology, Latency: cfg.Latency, Loss: cfg.Loss, Trace: cfg.Trace}, build)
	if err != nil {
		return err
	}
	who := "push gossip (the chapter's Rumor)"
	if sc.lab {
		who = "your Gossip (exercises/04-simulation/gossip.go)"
	}
	fmt.Fprintf(w, "%s, latency %s, loss %g, seed %d\n%s\n\n", cfg, cfg.Latency, cfg.Loss, cfg.Seed, who)

	down := map[simulation.NodeID]bool{}
	count := func() (informed, live int) {
		for id, m := range machines {
			if !down[simulation.NodeID(id)] {
				live++
				if m.Informed() {
					informed++
				}
			}
		}
		return informed, live
	}
	bar := color.New(color.FgGreen)
	faults := sc.faults
	fmt.Fprintln(w, "round  informed  of live")
	round := 0
	for ; round <= maxRounds; round++ {
		end := time.Duration(round) * cfg.Round
		for len(faults) > 0 && faults[0].at <= end {
			f := faults[0]
			faults = faults[1:]
			if err := net.RunFor(f.at - net.Elapsed()); err != nil {
				return err
			}
			if err := f.do(net, down); err != nil {
				return err
			}
			fmt.Fprintln(w, color.YellowString("       at %v: %s", f.at, f.what))
		}
		if err := net.RunFor(end - net.Elapsed()); err != nil {
			return err
		}
		informed, live := count()
		fmt.Fprintf(w, "%5d  %8d  %7d  |%s\n", round, informed, live,
			bar.Sprint(strings.Repeat("█", informed*barWidth/max(cfg.Nodes, 1))))
		if sc.rounds > 0 && round >= sc.rounds {
			break
		}
		if sc.rounds == 0 && informed == live && len(faults) == 0 {
			break
		}
	}
	fmt.Fprintln(w)
	informed, live := count()
	if informed < live {
		fmt.Fprintln(w, color.RedString("%d of %d live nodes informed after %d rounds", informed, live, round))
	} else {
		fmt.Fprintf(w, "Every live node (%d of %d) informed by round %d.\n", live, cfg.Nodes, round)
	}
	st := net.Stats()
	fmt.Fprintf(w, "%d messages sent (%d bytes), %d lost, %d cut; %d events.\n",
		st.Sent.Messages, st.Sent.Bytes, st.Lost, st.Cut, st.Events)
	perNode := float64(st.Sent.Messages) / float64(cfg.Nodes)
	fmt.Fprintf(w, "%.1f messages per node (the lab's budget is %d).\n", perNode, labBudget)
	return nil
}
