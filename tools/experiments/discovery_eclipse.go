package main

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	"peerchain/tools/experiments/chart"
)

// The eclipse experiment's story: honest nodes bootstrap and settle;
// an attacker with addresses in a few network groups then floods one
// victim with addr messages and inbound connections; the victim
// restarts with what it saved, and we count where its outbound
// connections go.
const (
	eclipseHonest   = 100 // honest nodes, each in a /16 of its own
	eclipseSeeds    = 3
	eclipseVictim   = 10
	eclipseGroups   = 2  // the attacker's /16s
	eclipseDialers  = 50 // attacker nodes that dial the victim and flood it
	eclipseRuns     = 2
	eclipseSettle   = 20 * time.Minute // before the attack
	eclipseAttack   = 30 * time.Minute // flooding, until the restart
	eclipseAfter    = time.Minute      // after the restart, then measure
	eclipseFloodGap = time.Minute      // between one dialer's floods
)

// eclipseSizes are the attacker's numbers of addresses.
var eclipseSizes = []int{100, 300, 1000, 3000}

// eclipseVariant is one way to build the victim: which countermeasures
// it has.
type eclipseVariant struct {
	name    string
	naive   bool // a plain list instead of the bucketed book
	groups  bool // at most one outbound connection per network group
	anchors bool // dial the saved anchors first after the restart
}

var eclipseVariants = []eclipseVariant{
	{name: "naive list", naive: true},
	{name: "buckets"},
	{name: "+ one per group", groups: true},
	{name: "+ anchors", groups: true, anchors: true},
}

var discoveryEclipse = Experiment{
	Name:    "eclipse",
	Summary: "an attacker floods a victim, which restarts: its outbound share at the attacker",
	Docs:    "05-eclipse",
	Run:     runEclipse,
}

// docs:begin eclipse

// runEclipse measures, for each attacker size and each set of
// countermeasures, the share of the victim's outbound connections that
// end at the attacker one minute after it restarts, averaged over runs.
func runEclipse(opts Options) (*Result, error) {
	runs := eclipseRuns
	if opts.Runs > 0 {
		runs = opts.Runs
	}
	res := &Result{
		Title: fmt.Sprintf("Eclipse: attacker in %d groups floods a victim, "+
			"which restarts", eclipseGroups),
		Columns: []Column{{Key: "addrs", Header: "attacker addrs"}},
		Notes: []string{
			"Each cell: share of the victim's outbound connections at the",
			"attacker, 1 minute after its restart, mean of the runs.",
			"ratio: naive list's share over the full book's (+ anchors).",
		},
	}
	keys := []string{"naive", "buckets", "groups", "anchors"}
	for i, v := range eclipseVariants {
		res.Columns = append(res.Columns,
			Column{Key: keys[i], Header: v.name, Decimals: 3})
	}
	res.Columns = append(res.Columns,
		Column{Key: "ratio", Header: "ratio", Decimals: 1})
	series := make([]chart.Series, len(eclipseVariants))
	for i, v := range eclipseVariants {
		series[i] = chart.Series{Name: v.name, Line: true, Dots: true}
	}
	for _, size := range eclipseSizes {
		row := []float64{float64(size)}
		for i, v := range eclipseVariants {
			total := 0.0
			for seed := range runs {
				share, err := eclipseRun(v, size, uint64(seed+1))
				if err != nil {
					return nil, err
				}
				total += share
			}
			mean := total / float64(runs)
			row = append(row, mean)
			series[i].Points = append(series[i].Points,
				chart.Point{X: float64(size), Y: mean})
		}
		ratio := row[1] / max(row[len(row)-1], 1.0/
			float64(discovery.DefaultOutboundTarget*runs))
		res.Rows = append(res.Rows, append(row, ratio))
	}
	res.Chart = &chart.Chart{
		Title:  "Victim's outbound connections at the attacker",
		XLabel: "attacker addresses (log scale)", YLabel: "share",
		LogX: true, Series: series,
	}
	return res, nil
}

// docs:end eclipse

// attackerAddr is attacker address j: spread over eclipseGroups /16s.
func attackerAddr(j int) simulation.Addr {
	g, k := j%eclipseGroups, j/eclipseGroups
	return simulation.Addr(fmt.Sprintf("66.%d.%d.%d:8333", g, k>>8&0xff, k&0xff))
}

// eclipseRun is one run: the attacker's share of the victim's outbound
// connections after its restart.
func eclipseRun(v eclipseVariant, size int, seed uint64) (float64, error) {
	reg, err := discoveryRegistry()
	if err != nil {
		return 0, err
	}
	n := eclipseHonest + size
	addrOf := func(id simulation.NodeID) simulation.Addr {
		if int(id) < eclipseHonest {
			return honestAddr(id)
		}
		return attackerAddr(int(id) - eclipseHonest)
	}
	var attackers []simulation.Addr
	var pool []discovery.AddrEntry // the same addresses, as addr carries them
	for j := range size {
		attackers = append(attackers, attackerAddr(j))
		ap, _ := discovery.ToWire(attackerAddr(j))
		pool = append(pool, discovery.AddrEntry{NetAddress: netAddr(ap)})
	}
	var seeds []simulation.Addr
	for i := range eclipseSeeds {
		seeds = append(seeds, honestAddr(simulation.NodeID(i)))
	}
	victim := addrOf(eclipseVictim)
	conn := func(id simulation.NodeID) discovery.ConnConfig {
		c := discovery.ConnConfig{Self: addrOf(id), Seeds: seeds}
		if id == eclipseVictim && !v.groups {
			c.MaxPerGroup = discovery.DefaultOutboundTarget
		}
		return c
	}
	var naive *naiveList
	build := func(id simulation.NodeID, r *rand.Rand) simulation.Machine {
		if int(id) >= eclipseHonest {
			j := int(id) - eclipseHonest
			return &attacker{victim: victim, pool: pool,
				dialer: j < eclipseDialers, next: r.IntN(size)}
		}
		cfg := discovery.NodeConfig{Conn: conn(id)}
		if id == eclipseVictim && v.naive {
			naive = newNaiveList(eclipseBookSize, r)
			cfg.AddressBook = naive
		}
		node, err := discovery.NewNode(cfg, r)
		if err != nil {
			panic(err) // the experiment's own config: valid
		}
		return node
	}
	net, err := simulation.New(simulation.Config{
		Nodes: n, Seed: seed, Topology: simulation.NoLinks(),
		Latency: discoveryLatency, Registry: reg, Address: addrOf, MaxEmitted: 1,
	}, build)
	if err != nil {
		return 0, err
	}
	if err := net.RunFor(eclipseSettle + eclipseAttack); err != nil {
		return 0, err
	}

	// The restart, with what the victim saved.
	old := nodeOf(net.Machine(eclipseVictim))
	cfg := discovery.NodeConfig{Conn: conn(eclipseVictim)}
	if v.anchors {
		cfg.Conn.Anchors = old.Anchors()
	}
	cfg.Conn.Bans = old.Bans(net.Now())
	if v.naive {
		cfg.AddressBook = naive.clone(newNodeRand(seed, eclipseVictim, 1))
	} else {
		snap := old.Book().Snapshot()
		cfg.Restore = &snap
	}
	if err := net.Crash(eclipseVictim); err != nil {
		return 0, err
	}
	err = net.RestartWith(eclipseVictim, func(_ simulation.NodeID, _ int, r *rand.Rand) simulation.Machine {
		node, err := discovery.NewNode(cfg, r)
		if err != nil {
			panic(err)
		}
		return node
	})
	if err != nil {
		return 0, err
	}
	if err := net.RunFor(eclipseAfter); err != nil {
		return 0, err
	}
	out := nodeOf(net.Machine(eclipseVictim)).Outbound()
	bad := 0
	for _, a := range out {
		if slices.Contains(attackers, a) {
			bad++
		}
	}
	return float64(bad) / float64(max(len(out), 1)), nil
}

// eclipseBookSize is the naive list's size: as many addresses as the
// bucketed book's two tables hold.
const eclipseBookSize = (discovery.DefaultNewBuckets + discovery.DefaultTriedBuckets) * discovery.DefaultBucketSize

// attacker is one of the attacker's nodes. It accepts every connection
// and answers every getaddr with attacker addresses; a dialer also
// dials the victim once the attack starts and floods it with addr
// messages of attacker addresses, redialing when it is dropped.
type attacker struct {
	victim simulation.Addr
	pool   []discovery.AddrEntry // every attacker address
	next   int                   // where in pool the next flood starts
	dialer bool
	peer   simulation.PeerID // our connection to the victim
	out    []simulation.Action
}

func (a *attacker) AcceptInbound(time.Time, simulation.Addr) error { return nil }

func (a *attacker) Handle(now time.Time, ev simulation.Event) []simulation.Action {
	a.out = a.out[:0]
	switch e := ev.(type) {
	case simulation.Start:
		if a.dialer {
			wait := eclipseSettle - now.Sub(simulation.Epoch)
			a.out = append(a.out, simulation.SetTimer{Timer: 1, After: max(wait, 0)})
		}
	case simulation.TimerFired:
		if a.peer == 0 {
			a.out = append(a.out, simulation.Dial{Addr: a.victim})
		} else {
			a.flood(now, a.peer)
		}
		a.out = append(a.out, simulation.SetTimer{Timer: 1, After: eclipseFloodGap})
	case simulation.PeerConnected:
		if !e.Inbound && e.Addr == a.victim {
			a.peer = e.Peer
			a.flood(now, e.Peer)
		}
	case simulation.PeerDisconnected:
		if e.Peer == a.peer {
			a.peer = 0
		}
	case simulation.MessageReceived:
		if _, ok := e.Msg.(*discovery.MsgGetAddr); ok {
			a.flood(now, e.From)
		}
	}
	return a.out
}

// flood sends an addr of up to 1,000 attacker addresses, stamped now:
// the next ones in the pool, going round.
func (a *attacker) flood(now time.Time, to simulation.PeerID) {
	n := min(len(a.pool), discovery.MaxAddrPerMsg)
	msg := &discovery.MsgAddr{Addrs: make([]discovery.AddrEntry, n)}
	for i := range n {
		msg.Addrs[i] = a.pool[(a.next+i)%len(a.pool)]
		msg.Addrs[i].Time = uint32(now.Unix())
	}
	a.next = (a.next + n) % len(a.pool)
	a.out = append(a.out, simulation.Send{To: to, Msg: msg})
}
