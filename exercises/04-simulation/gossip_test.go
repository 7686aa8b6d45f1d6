package simulation

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	sim "peerchain/chapters/04-simulation"
	"peerchain/tools/exercise"
	"peerchain/tools/testseed"
)

// The lab's network: 200 nodes, each linked to 6 at random, messages
// taking 20 to 200 ms.
const (
	labNodes  = 200
	labDegree = 6
	// labBudget is how many messages per node a run may send in all.
	// Telling every peer once costs 6; the reference Gossip sends 15 to
	// 25. Pushing to one peer a second costs 60 a minute, and the
	// scenarios run for one to two minutes.
	labBudget = 40
	labSeeds  = 3
)

// labInformer is a machine the scenarios can ask whether it knows the
// rumor: the learner's Gossip, or one of the judge's own below.
type labInformer interface {
	sim.Machine
	Informed() bool
}

// labBuild makes a node's machine; rumor is set for the origin.
type labBuild func(rumor *sim.MsgRumor, r *rand.Rand) labInformer

// labNet is one scenario's network and what the test knows of it.
type labNet struct {
	net      *sim.Network
	machines []labInformer // each node's current machine
	down     map[sim.NodeID]bool
	midway   float64 // share of the origin's side informed before the heal
}

// newLabNet builds the lab's network; node 0 starts with the rumor, the
// first time only: after a crash it restarts knowing nothing.
func newLabNet(t *testing.T, seed uint64, loss float64, build labBuild) *labNet {
	t.Helper()
	ln := &labNet{machines: make([]labInformer, labNodes), down: map[sim.NodeID]bool{}}
	originBuilt := false
	net, err := sim.New(sim.Config{
		Nodes:    labNodes,
		Seed:     seed,
		Topology: sim.RandomRegular(labDegree),
		Latency:  sim.Uniform{Min: 20 * time.Millisecond, Max: 200 * time.Millisecond},
		Loss:     loss,
	}, func(id sim.NodeID, r *rand.Rand) sim.Machine {
		var rumor *sim.MsgRumor
		if id == 0 && !originBuilt {
			rumor, originBuilt = &sim.MsgRumor{ID: 7, Body: []byte("hello")}, true
		}
		m := build(rumor, r)
		ln.machines[id] = m
		return m
	})
	require.NoError(t, err)
	ln.net = net
	return ln
}

// uninformed lists the nodes that are up and do not know the rumor.
func (ln *labNet) uninformed(ids []sim.NodeID) []sim.NodeID {
	var out []sim.NodeID
	for _, id := range ids {
		if !ln.down[id] && !ln.machines[id].Informed() {
			out = append(out, id)
		}
	}
	return out
}

func labRange(from, to int) []sim.NodeID {
	ids := make([]sim.NodeID, 0, to-from)
	for id := from; id < to; id++ {
		ids = append(ids, sim.NodeID(id))
	}
	return ids
}

// labScenario is one story the lab's machine must get through.
type labScenario struct {
	name string
	loss float64
	// play runs the story and checks what must hold along the way.
	play func(t *testing.T, ln *labNet, rng *rand.Rand)
}

// labMidway is the share of the origin's side of the partition that must
// know the rumor before the partition heals. Not all of it: a node whose
// every link crosses the cut cannot hear it until the heal.
const labMidway = 0.9

// labVerdict is how a machine did in a scenario.
type labVerdict struct {
	uninformed []sim.NodeID // nodes up at the end without the rumor
	perNode    float64      // messages sent per node, in all
	midway     float64      // see labMidway; 1 without a partition
}

var labScenarios = []labScenario{
	{name: "lossy links", loss: 0.2, play: func(t *testing.T, ln *labNet, _ *rand.Rand) {
		require.NoError(t, ln.net.RunFor(60*time.Second))
	}},
	{name: "a partition that heals", loss: 0.05, play: func(t *testing.T, ln *labNet, _ *rand.Rand) {
		left, right := labRange(0, labNodes/2), labRange(labNodes/2, labNodes)
		require.NoError(t, ln.net.Partition(left, right))
		require.NoError(t, ln.net.RunFor(60*time.Second))
		ln.midway = 1 - float64(len(ln.uninformed(left)))/float64(len(left))
		ln.net.Heal()
		require.NoError(t, ln.net.RunFor(60*time.Second))
	}},
	{name: "crashes and restarts", loss: 0.05, play: func(t *testing.T, ln *labNet, rng *rand.Rand) {
		// Three seconds in, the rumor is on its way: 20 nodes crash,
		// the origin among them.
		require.NoError(t, ln.net.RunFor(3*time.Second))
		crashed := []sim.NodeID{0}
		for _, i := range rng.Perm(labNodes - 1)[:19] {
			crashed = append(crashed, sim.NodeID(i+1))
		}
		for _, id := range crashed {
			require.NoError(t, ln.net.Crash(id))
			ln.down[id] = true
		}
		require.NoError(t, ln.net.RunFor(40*time.Second))
		// Half of them come back, knowing nothing; the rest stay down.
		for _, id := range crashed[:10] {
			require.NoError(t, ln.net.Restart(id))
			delete(ln.down, id)
		}
		require.NoError(t, ln.net.RunFor(60*time.Second))
	}},
}

// labJudge runs a scenario with the machines build makes.
func labJudge(t *testing.T, sc labScenario, seed uint64, build labBuild) labVerdict {
	t.Helper()
	ln := newLabNet(t, seed, sc.loss, build)
	ln.midway = 1
	sc.play(t, ln, rand.New(rand.NewPCG(seed, 99)))
	st := ln.net.Stats()
	return labVerdict{
		uninformed: ln.uninformed(labRange(0, labNodes)),
		perNode:    float64(st.Sent.Messages) / labNodes,
		midway:     ln.midway,
	}
}

// TestGossip grades the lab: in every scenario, over several seeds,
// every node that is up ends informed, within the message budget.
func TestGossip(t *testing.T) {
	for _, sc := range labScenarios {
		t.Run(sc.name, func(t *testing.T) {
			testseed.Run(t, labSeeds, func(t *testing.T, seed uint64) {
				defer exercise.SkipIfNotAttempted(t)
				v := labJudge(t, sc, seed, func(rumor *sim.MsgRumor, r *rand.Rand) labInformer {
					return NewGossip(rumor, r)
				})
				t.Logf("%v", v)
				assert.GreaterOrEqual(t, v.midway, labMidway, "share of the origin's side informed before the partition heals")
				assert.Empty(t, v.uninformed, "nodes up at the end that never learned the rumor")
				assert.LessOrEqual(t, v.perNode, float64(labBudget), "messages sent per node")
			})
		})
	}
}

// TestGossip_Judge checks the judge itself, with two machines of its
// own: one that pushes forever must go over the budget, and one that
// pushes for ten rounds and stops must leave nodes out. It runs once
// you have started the lab.
func TestGossip_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	NewGossip(nil, rand.New(rand.NewPCG(1, 1))) // skips the test until you start
	tests := []struct {
		name       string
		rounds     int // 0: forever
		scenario   int
		wantOver   bool // over the budget
		wantMisses bool // leaves nodes uninformed
	}{
		{name: "push forever is over the budget", scenario: 1, wantOver: true},
		{name: "push for ten rounds misses the far side of the partition", rounds: 10, scenario: 1, wantMisses: true},
		{name: "push for ten rounds misses restarted nodes", rounds: 10, scenario: 2, wantMisses: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := labJudge(t, labScenarios[tt.scenario], 1, func(rumor *sim.MsgRumor, r *rand.Rand) labInformer {
				return &labPusher{rumor: rumor, rng: r, rounds: tt.rounds}
			})
			t.Logf("%v", v)
			assert.Equal(t, tt.wantOver, v.perNode > labBudget, "over the budget: %.1f messages per node", v.perNode)
			assert.Equal(t, tt.wantMisses, len(v.uninformed) > 0, "uninformed: %v", v.uninformed)
		})
	}
}

// labPusher is push gossip: once informed, it tells one random peer a
// second, for rounds seconds (0: forever).
type labPusher struct {
	rng    *rand.Rand
	rumor  *sim.MsgRumor
	peers  []sim.PeerID
	rounds int
	pushed int
}

func (p *labPusher) Informed() bool { return p.rumor != nil }

func (p *labPusher) Handle(_ time.Time, ev sim.Event) []sim.Action {
	tick := sim.SetTimer{Timer: 1, After: time.Second}
	switch ev := ev.(type) {
	case sim.Start:
		if p.rumor != nil {
			return []sim.Action{tick}
		}
	case sim.PeerConnected:
		p.peers = append(p.peers, ev.Peer)
	case sim.PeerDisconnected:
		for i, q := range p.peers {
			if q == ev.Peer {
				p.peers = append(p.peers[:i], p.peers[i+1:]...)
				break
			}
		}
	case sim.MessageReceived:
		if r, ok := ev.Msg.(*sim.MsgRumor); ok && p.rumor == nil {
			p.rumor = r
			return []sim.Action{tick}
		}
	case sim.TimerFired:
		if (p.rounds > 0 && p.pushed >= p.rounds) || len(p.peers) == 0 {
			return nil
		}
		p.pushed++
		return []sim.Action{sim.Send{To: p.peers[p.rng.IntN(len(p.peers))], Msg: p.rumor}, tick}
	}
	return nil
}

func (v labVerdict) String() string {
	return fmt.Sprintf("%d uninformed, %.2f messages per node, %.2f informed midway", len(v.uninformed), v.perNode, v.midway)
}
