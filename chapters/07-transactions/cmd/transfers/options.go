package main

import (
	"fmt"
	"time"

	bc "peerchain/chapters/06-broadcast"
	txn "peerchain/chapters/07-transactions"
	labtxn "peerchain/exercises/07-transactions"
	"peerchain/tools/exercise"
)

// options are the flags of a run.
type options struct {
	seed     uint64
	nodes    int
	wallets  int
	duration time.Duration
	rate     int
	stem     bool
	policy   policy
	lab      bool
}

// maxNodes and maxWallets bound what a run builds: beyond them a demo
// run stops being one that shows its figures in a few seconds.
const (
	maxNodes   = 1000
	maxWallets = 10_000
	maxRate    = 1000
)

// check rejects flags the run cannot work with, saying which.
func (o options) check() error {
	switch {
	case o.nodes < 2 || o.nodes > maxNodes:
		return fmt.Errorf("-nodes %d: want 2 to %d", o.nodes, maxNodes)
	case o.wallets < 2 || o.wallets > maxWallets:
		return fmt.Errorf("-wallets %d: want 2 to %d: a transfer pays another wallet", o.wallets, maxWallets)
	case o.rate < 1 || o.rate > maxRate:
		return fmt.Errorf("-rate %d: want 1 to %d transfers a second", o.rate, maxRate)
	case o.duration < time.Second || o.duration%time.Second != 0:
		return fmt.Errorf("-duration %v: want whole seconds, at least 1s", o.duration)
	}
	return nil
}

// policy is a broadcast configuration the relay runs, and its name.
type policy struct {
	name string
	cfg  bc.Config
}

// pickPolicy returns the configuration of -policy NAME.
func pickPolicy(name string) (policy, error) {
	switch name {
	case "batched":
		return policy{name: fmt.Sprintf("batched (announced after %v on average, then fetched)",
			txn.DefaultAnnounceDelay), cfg: txn.TxBroadcast()}, nil
	case "flood":
		return policy{name: "flood (every transfer pushed to every peer, at once)",
			cfg: bc.Config{Policy: bc.FloodPolicy{}, NoPrune: true}}, nil
	}
	return policy{}, fmt.Errorf("-policy %q: want batched or flood", name)
}

// checkLab finds out whether the learner has started Select.
func checkLab() error {
	keys, _ := txn.Wallets(2, 1, 1)
	one := txn.Transfer(chain, keys[0], keys[1].Address(), 1, 1, 0)
	err := exercise.Try(func() {
		labtxn.Select([][]*txn.Tx{{one}}, txn.Limit{})
	})
	if err != nil {
		return fmt.Errorf("-lab builds the next block with your Select from exercises/07-transactions, but %w", err)
	}
	return nil
}
