package simulation

import (
	"math/rand/v2"
	"time"
)

// The Rumor machine's internals: how its random peer is found, and what
// its machines share so that a million of them fit in memory. None of
// it changes what a machine does, only where its data sits.

// rumorShared is what a Rumor machine reads but does not change, and the
// slice its Handle returns. NewRumor makes one per machine; Spread makes
// one for all its machines (and one more for the origin), which is safe
// because one network calls one machine at a time and is done with the
// returned slice before the next call.
type rumorShared struct {
	RumorConfig
	out   []Action
	buf   [3]Action  // out's first room
	again Action     // SetTimer for the next round, made once
	all   int        // Spread: the population is every node of `all`, with no slice
	sends *sendBoxes // Spread: the Sends of the rumor, made once per node
	slab  []Rumor    // Spread, any-to-any: the machines, by NodeID
	// met holds the peers each machine met through PeerConnected, for
	// the machines that met any: kept here, not in each machine, so
	// that a million machines that meet none (any-to-any) are smaller.
	met map[*Rumor]*rumorPeers
}

func newRumorShared(cfg RumorConfig) *rumorShared {
	s := &rumorShared{RumorConfig: cfg}
	s.out = s.buf[:0]
	return s
}

// rumorPeers is the peers a machine met through PeerConnected.
type rumorPeers struct {
	peers []PeerID       // in the order they came, but for forget's moves
	index map[PeerID]int // position of each in peers
}

// population is how many peers the machine knows from the start.
func (m *Rumor) population() int {
	if m.cfg.all > 0 {
		return m.cfg.all
	}
	return len(m.cfg.Population)
}

// known is the i-th peer known from the start.
func (m *Rumor) known(i int) PeerID {
	if m.cfg.all > 0 {
		return AnyPeer(NodeID(i))
	}
	return m.cfg.Population[i]
}

// wait is SetTimer for the round timer, after d. The usual wait, a whole
// round, is made into an Action once, not every round.
func (m *Rumor) wait(d time.Duration) Action {
	if d != m.cfg.Round {
		return SetTimer{Timer: roundTimer, After: d}
	}
	if m.cfg.again == nil {
		m.cfg.again = SetTimer{Timer: roundTimer, After: d}
	}
	return m.cfg.again
}

// send is Send of the rumor to p, boxed once per peer when the machines
// share a table of them (Spread's do).
func (m *Rumor) send(p PeerID) Action {
	if m.cfg.sends == nil {
		return Send{To: p, Msg: m.rumor}
	}
	return m.cfg.sends.get(p, m.rumor)
}

// isSelf reports whether p, the i-th peer known from the start, is the
// machine's own node: Self, or any-to-any in Spread, the node whose
// machine sits at i in the slab (so that a million machines need not
// each hold their PeerID).
func (m *Rumor) isSelf(i int, p PeerID) bool {
	if m.cfg.slab != nil {
		return &m.cfg.slab[i] == m
	}
	return p == m.cfg.Self
}

// randomPeer picks a peer uniformly from Population and the peers met
// since, never Self.
func (m *Rumor) randomPeer() (PeerID, bool) {
	pop := m.population()
	var met []PeerID
	if len(m.cfg.met) > 0 {
		if mp := m.cfg.met[m]; mp != nil {
			met = mp.peers
		}
	}
	total := pop + len(met)
	for range 64 { // Self is at most one of them: 64 misses in a row means no one else
		if total == 0 {
			return 0, false
		}
		i := m.rng.IntN(total)
		var p PeerID
		if i < pop {
			p = m.known(i)
		} else {
			p = met[i-pop]
		}
		if i >= pop || !m.isSelf(i, p) {
			return p, true
		}
	}
	return 0, false
}

// meet adds a peer that connected.
func (m *Rumor) meet(p PeerID) {
	if m.cfg.met == nil {
		m.cfg.met = make(map[*Rumor]*rumorPeers)
	}
	mp := m.cfg.met[m]
	if mp == nil {
		mp = &rumorPeers{index: make(map[PeerID]int)}
		m.cfg.met[m] = mp
	}
	mp.index[p] = len(mp.peers)
	mp.peers = append(mp.peers, p)
}

// forget drops a peer, moving the last one into its place.
func (m *Rumor) forget(p PeerID) {
	mp := m.cfg.met[m]
	if mp == nil {
		return
	}
	i, ok := mp.index[p]
	if !ok {
		return
	}
	peers := mp.peers
	last := peers[len(peers)-1]
	peers[i] = last
	mp.index[last] = i
	mp.peers = peers[:len(peers)-1]
	delete(mp.index, p)
}

// sendBoxes holds, for the machines of one Spread, the Send of the rumor
// to each node of an any-to-any population, made into an Action once:
// every machine sends the same message, and a Send made once can be
// returned again and again.
type sendBoxes struct {
	msg   *MsgRumor
	boxes []Action // by AnyPeer(id) - 1, all sending msg
}

func newSendBoxes(nodes int) *sendBoxes { return &sendBoxes{boxes: make([]Action, nodes)} }

func (b *sendBoxes) get(p PeerID, msg *MsgRumor) Action {
	i := int(p) - 1
	if i < 0 || i >= len(b.boxes) {
		return Send{To: p, Msg: msg}
	}
	if msg != b.msg { // another rumor: start over
		clear(b.boxes)
		b.msg = msg
	}
	if b.boxes[i] == nil {
		b.boxes[i] = Send{To: p, Msg: msg}
	}
	return b.boxes[i]
}

// spreadMachines builds Spread's machines: node 0 the origin of rumor,
// the others not, all with cfg. They sit side by side in one slab and
// share one rumorShared (the origin its own); any-to-any, their
// population is every node, without a slice of them, and their Sends
// are boxed once per node. Each machine does exactly what
// NewRumor(cfg with Population and Self, r) would.
func spreadMachines(sc SpreadConfig, cfg RumorConfig, rumor *MsgRumor) NewMachine {
	shared := newRumorShared(cfg)
	if sc.Topology == nil {
		shared.all = sc.Nodes
		shared.sends = newSendBoxes(sc.Nodes)
	}
	origin := *shared
	origin.Rumor = rumor
	origin.out = origin.buf[:0]
	slab := make([]Rumor, sc.Nodes)
	if shared.all > 0 {
		shared.slab, origin.slab = slab, slab
	}
	return func(id NodeID, r *rand.Rand) Machine {
		m := &slab[id]
		*m = Rumor{cfg: shared, rng: r}
		if id == 0 {
			m.cfg = &origin
		}
		delete(m.cfg.met, m) // a machine built again meets its peers afresh
		return m
	}
}
