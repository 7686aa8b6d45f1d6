package main

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	simulation "peerchain/chapters/04-simulation"
	bc "peerchain/chapters/06-broadcast"
	labbc "peerchain/exercises/06-broadcast"
	"peerchain/tools/exercise"
)

// policy is a protocol configuration the demo runs, and its name.
type policy struct {
	name string // for the output: "flood (every item pushed ...)"
	cfg  bc.Config
}

// pickPolicy returns the configuration of -policy NAME, or with -lab the
// learner's LabPolicy in the chapter's default configuration, as the
// lab's tests grade it.
func pickPolicy(name string, lab bool) (policy, error) {
	if lab {
		if err := checkLab(); err != nil {
			return policy{}, err
		}
		cfg := bc.DefaultConfig()
		cfg.Policy = labbc.LabPolicy{}
		return policy{name: "your LabPolicy (exercises/06-broadcast/policy.go)", cfg: cfg}, nil
	}
	switch name {
	case "plumtree":
		return policy{name: fmt.Sprintf("plumtree (a push waits %s by the hops it has come; "+
			"an announcement rides on a push, or goes after %v on average)",
			delays(bc.DefaultPushDelays), bc.DefaultAnnounceDelay), cfg: bc.DefaultConfig()}, nil
	case "announce":
		// No tree: every link stays eager, and an announced item is
		// fetched at once (LazyWait zero), as nothing else brings it.
		return policy{name: fmt.Sprintf("announce (inv after %v on average, then getdata)", demoAnnounceDelay),
			cfg: bc.Config{Policy: bc.AnnouncePolicy{Delay: demoAnnounceDelay}, NoPrune: true}}, nil
	case "flood":
		return policy{name: "flood (every item pushed to every peer, at once)",
			cfg: bc.Config{Policy: bc.FloodPolicy{}, NoPrune: true}}, nil
	}
	return policy{}, fmt.Errorf("-policy %q: want plumtree, announce or flood", name)
}

// delays is "0s, 60ms, then 30ms".
func delays(ds []time.Duration) string {
	s := make([]string, len(ds))
	for i, d := range ds {
		s[i] = d.String()
	}
	if len(s) > 1 {
		s[len(s)-1] = "then " + s[len(s)-1]
	}
	return strings.Join(s, ", ")
}

// checkLab finds out whether the learner has started LabPolicy.
func checkLab() error {
	err := exercise.Try(func() {
		var p labbc.LabPolicy
		r := rand.New(rand.NewPCG(1, 1))
		p.Route(0, []bc.Link{{Peer: 1, Eager: true}})
		p.Flush(bc.Push, 1, r)
		p.Flush(bc.Announce, 1, r)
		p.Retry([]simulation.PeerID{1}, r)
	})
	if err != nil {
		return fmt.Errorf("-lab runs your LabPolicy from exercises/06-broadcast, but %w", err)
	}
	return nil
}
