package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
	forkchoice "peerchain/chapters/10-forkchoice"
	chainsync "peerchain/chapters/11-sync"
	labdisc "peerchain/exercises/05-discovery"
	labbc "peerchain/exercises/06-broadcast"
	labtx "peerchain/exercises/07-transactions"
	labpow "peerchain/exercises/09-pow"
	labforks "peerchain/exercises/10-forkchoice"
	labsync "peerchain/exercises/11-sync"
	"peerchain/final/node"
	"peerchain/tools/exercise"
)

// nodeLab is one chapter's lab the node can run: what it is, how to
// tell it is not started yet, and where it goes in the node.
type nodeLab struct {
	chapter string // "06"
	what    string // "your LabPolicy from exercises/06-broadcast"
	try     func() // calls the learner's code once, to find a stub
	apply   func(*node.Lab)
}

// nodeLabs are the labs a node runs, by chapter. The other chapters'
// labs run in their own demos.
var nodeLabs = []nodeLab{
	{chapter: "05", what: "your Backoff from exercises/05-discovery",
		try:   func() { labdisc.Backoff(time.Second, time.Minute, 1, rand.New(rand.NewPCG(1, 1))) },
		apply: func(l *node.Lab) { l.Backoff = labdisc.Backoff }},
	{chapter: "06", what: "your LabPolicy from exercises/06-broadcast",
		try: func() {
			var p labbc.LabPolicy
			p.Route(0, []broadcast.Link{})
			p.Flush(broadcast.Push, 1, rand.New(rand.NewPCG(1, 1)))
		},
		apply: func(l *node.Lab) { l.Policy = labbc.LabPolicy{} }},
	{chapter: "07", what: "your Select from exercises/07-transactions",
		try:   func() { labtx.Select(nil, transactions.Limit{}) },
		apply: func(l *node.Lab) { l.Select = labtx.Select }},
	{chapter: "09", what: "your NextWorkRequired from exercises/09-pow",
		try: func() {
			c, _ := blocks.NewChain(blocks.ChainConfig{Network: blocks.DevNet,
				State: transactions.NewState(blocks.DevNet.Magic, nil)})
			labpow.NextWorkRequired(pow.DevNetParams, c)
		},
		apply: func(l *node.Lab) { l.Retarget = labpow.NextWorkRequired }},
	{chapter: "10", what: "your LabChoice from exercises/10-forkchoice",
		try: func() {
			tree, _ := forkchoice.New(forkchoice.Config{Network: blocks.DevNet,
				State: transactions.NewState(blocks.DevNet.Magic, nil)})
			labforks.LabChoice{}.Better(tree.Tip(), tree.Tip())
		},
		apply: func(l *node.Lab) { l.Choice = labforks.LabChoice{} }},
	{chapter: "11", what: "your LabScheduler from exercises/11-sync",
		try: func() {
			new(labsync.LabScheduler).Schedule([]chainsync.Wanted{}, []chainsync.PeerLoad{}, 1)
		},
		apply: func(l *node.Lab) { l.Scheduler = new(labsync.LabScheduler) }},
}

var labFlag = &cli.StringSliceFlag{Name: "lab", EnvVars: []string{"PEERCHAIN_LAB"},
	Usage: "run your code from exercises/`NN`-... in the node instead of the chapter's: " +
		labChapters() + " (repeat, or separate with commas)"}

func labChapters() string {
	var list []string
	for _, l := range nodeLabs {
		list = append(list, l.chapter+" ("+strings.TrimPrefix(l.what, "your ")+")")
	}
	return strings.Join(list, ", ")
}

// lab is the node.Lab of the --lab chapters, or an error that says
// which is unknown or not attempted yet.
func lab(chapters []string) (node.Lab, error) { return labOf(chapters, nodeLabs) }

func labOf(chapters []string, labs []nodeLab) (node.Lab, error) {
	var l node.Lab
	for _, ch := range chapters {
		i := slices.IndexFunc(labs, func(n nodeLab) bool { return n.chapter == ch })
		if i < 0 {
			return l, fmt.Errorf("--lab %s: the node runs the labs of chapters %s; the others run in their chapter's demo",
				ch, labChapters())
		}
		nl := labs[i]
		if err := exercise.Try(nl.try); err != nil {
			return l, fmt.Errorf("--lab %s runs %s, but %w", ch, nl.what, err)
		}
		nl.apply(&l)
	}
	return l, nil
}
