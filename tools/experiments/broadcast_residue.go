package main

import (
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
	"peerchain/tools/experiments/chart"
)

// Demers et al.'s rumor mongering, measured as their 1987 paper did:
// 1,000 sites, any-to-any, one push a cycle, the rumor started at one.
const (
	residueNodes = 1000
	residueRuns  = 50 // per k and stop rule
	residueMaxK  = 5
	residueCycle = time.Second
	residueLimit = 1000 * residueCycle
)

var broadcastResidue = Experiment{
	Name:    "residue",
	Summary: "Demers' rumor mongering with feedback: the share never informed, against s = e^-(k+1)(1-s)",
	Docs:    "06-residue",
	Run:     runResidue,
}

// docs:begin residue

// runResidue spreads a rumor with each stop rule and each k, and
// compares the share of nodes it never reached with the paper's
// equation for the coin: s = e^-(k+1)(1-s).
func runResidue(opts Options) (*Result, error) {
	runs := residueRuns
	if opts.Runs > 0 {
		runs = opts.Runs
	}
	return residueTable(residueNodes, runs)
}

// docs:end residue

func residueTable(nodes, runs int) (*Result, error) {
	res := &Result{
		Title: fmt.Sprintf("Rumor mongering with feedback: %s nodes, any-to-any, %d runs each",
			formatNumber(float64(nodes), 0), runs),
		Columns: []Column{
			{Key: "k", Header: "k"},
			{Key: "coin", Header: "coin", Decimals: 4},
			{Key: "equation", Header: "e^-(k+1)(1-s)", Decimals: 4},
			{Key: "counter", Header: "counter", Decimals: 4},
			{Key: "coin_traffic", Header: "msgs (coin)", Decimals: 2},
			{Key: "counter_traffic", Header: "msgs (counter)", Decimals: 2},
		},
		Notes: []string{
			"An informed node pushes to one node at random each cycle. When",
			"the push was not needed (the node knew), it is told so, and it",
			"stops: with probability 1/k (coin), or the k-th time (counter).",
			"coin, counter: the residue, the mean share of nodes never",
			"informed; e^-(k+1)(1-s): the paper's equation for the coin;",
			"msgs: pushes per node.",
		},
	}
	coin := chart.Series{Name: "coin, measured", Dots: true}
	counter := chart.Series{Name: "counter, measured", Dots: true}
	theory := chart.Series{Name: "s = e^-(k+1)(1-s)", Line: true, Dashed: true}
	for k := 1; k <= residueMaxK; k++ {
		row := []float64{float64(k)}
		var traffic [2]float64
		for i, useCoin := range []bool{true, false} {
			sum, pushes := 0.0, 0.0
			for seed := range runs {
				o, err := rumorMongering(rumorRule{k: k, coin: useCoin}, nodes, uint64(seed+1))
				if err != nil {
					return nil, err
				}
				sum += float64(nodes-o.informed) / float64(nodes)
				pushes += float64(o.pushes) / float64(nodes)
			}
			mean := sum / float64(runs)
			traffic[i] = pushes / float64(runs)
			if useCoin {
				row = append(row, mean, demersResidue(k))
				coin.Points = append(coin.Points, chart.Point{X: float64(k), Y: lnInverse(mean, nodes*runs)})
			} else {
				row = append(row, mean)
				counter.Points = append(counter.Points, chart.Point{X: float64(k), Y: lnInverse(mean, nodes*runs)})
			}
		}
		res.Rows = append(res.Rows, append(row, traffic[0], traffic[1]))
	}
	for k := 1.0; k <= residueMaxK; k += 0.1 {
		theory.Points = append(theory.Points, chart.Point{X: k, Y: -math.Log(demersResidueAt(k))})
	}
	res.Chart = &chart.Chart{
		Title:  "Rumor mongering: residue s against k, as ln(1/s)",
		XLabel: "k", YLabel: "ln(1/s), s the share never informed",
		Series: []chart.Series{coin, counter, theory},
	}
	return res, nil
}

// lnInverse is ln(1/s), with s no less than one node in all the runs,
// so that a run that missed nobody still has a point.
func lnInverse(s float64, total int) float64 {
	return -math.Log(math.Max(s, 1/float64(total)))
}

// demersResidue solves s = e^-(k+1)(1-s) for its root below 1.
func demersResidue(k int) float64 { return demersResidueAt(float64(k)) }

func demersResidueAt(k float64) float64 {
	s := 0.0 // from 0 the iteration climbs to the smaller root
	for range 10_000 {
		next := math.Exp(-(k + 1) * (1 - s))
		if math.Abs(next-s) < 1e-15 {
			break
		}
		s = next
	}
	return s
}

// rumorRule is when an informed node stops pushing.
type rumorRule struct {
	k    int
	coin bool // lose interest with probability 1/k; else after k
}

// rumorOutcome is what one run of rumor mongering did.
type rumorOutcome struct {
	informed, pushes int
}

// rumorMongering runs one rumor from node 0 over n nodes any-to-any in
// chapter 04's simulator, until no node is pushing.
func rumorMongering(rule rumorRule, nodes int, seed uint64) (rumorOutcome, error) {
	sh := &mongerShared{rule: rule, nodes: nodes, rumor: &simulation.MsgRumor{ID: 1}}
	net, err := simulation.New(simulation.Config{Nodes: nodes, Seed: seed,
		Topology: simulation.AnyToAny(), MaxEmitted: 1},
		func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
			return &monger{sh: sh, self: id, r: r}
		})
	if err != nil {
		return rumorOutcome{}, err
	}
	quiet := func() bool { return net.Pending() == 0 }
	if ok, err := net.RunUntil(quiet, residueLimit); err != nil || !ok {
		return rumorOutcome{}, fmt.Errorf("rumor mongering, k %d, seed %d: still pushing after %v (%v)",
			rule.k, seed, residueLimit, err)
	}
	return rumorOutcome{informed: sh.informed, pushes: sh.pushes}, nil
}

// mongerShared is what the machines of one run share: the rule, and
// the counts the run reports.
type mongerShared struct {
	rule     rumorRule
	nodes    int
	rumor    *simulation.MsgRumor
	informed int
	pushes   int
}

// monger is one node of Demers' rumor mongering with feedback, as a
// chapter 04 machine. Chapter 04's Rumor pushes for a fixed number of
// rounds whatever happens; this one hears back, which is what the
// paper's equation is about.
type monger struct {
	sh       *mongerShared
	self     simulation.NodeID
	r        *rand.Rand
	informed bool
	removed  bool // lost interest: knows the rumor, pushes no more
	unneeded int  // pushes to nodes that knew
}

const mongerTimer simulation.TimerID = 1

// docs:begin monger

// Handle implements simulation.Machine.
func (m *monger) Handle(now time.Time,
	ev simulation.Event) []simulation.Action {
	switch ev := ev.(type) {
	case simulation.Start:
		if m.self == 0 { // the origin
			return m.learn(now)
		}
	case simulation.MessageReceived:
		switch ev.Msg.(type) {
		case *simulation.MsgRumor:
			if m.informed { // a push it did not need: say so
				return []simulation.Action{
					simulation.Send{To: ev.From, Msg: msgKnew{}}}
			}
			return m.learn(now)
		case msgKnew:
			m.unneeded++
			m.removed = m.removed || m.loseInterest()
		}
	case simulation.TimerFired:
		if !m.removed {
			return m.push()
		}
	}
	return nil
}

// loseInterest is the stop rule, after a push the peer did not need.
func (m *monger) loseInterest() bool {
	if m.sh.rule.coin {
		return m.r.IntN(m.sh.rule.k) == 0 // with probability 1/k
	}
	return m.unneeded >= m.sh.rule.k
}

// push sends the rumor to a node chosen at random, and waits a cycle.
func (m *monger) push() []simulation.Action {
	m.sh.pushes++
	other := m.r.IntN(m.sh.nodes - 1) // anyone but itself
	if other >= int(m.self) {
		other++
	}
	to := simulation.AnyPeer(simulation.NodeID(other))
	return []simulation.Action{
		simulation.Send{To: to, Msg: m.sh.rumor},
		simulation.SetTimer{Timer: mongerTimer, After: residueCycle},
	}
}

// learn takes the rumor in; the node pushes from the next cycle on.
func (m *monger) learn(now time.Time) []simulation.Action {
	m.informed = true
	m.sh.informed++
	next := now.Truncate(residueCycle).Add(residueCycle)
	return []simulation.Action{
		simulation.SetTimer{Timer: mongerTimer, After: next.Sub(now)}}
}

// docs:end monger

// msgKnew is the feedback: "I knew that already". The simulator here
// has no registry, so it needs no decoder, only to be sized.
type msgKnew struct{}

func (msgKnew) Command() string        { return "knew" }
func (msgKnew) String() string         { return "knew" }
func (msgKnew) MaxPayload() uint32     { return 0 }
func (msgKnew) Encode(io.Writer) error { return nil }
func (msgKnew) Decode(io.Reader) error { return nil }
