package main

import (
	"math/rand/v2"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
)

// naiveList is the address book the eclipse experiment measures the
// real one against: every address heard, in one list, up to the same
// size as the bucketed book, a random one making room when it is full,
// picked uniformly. No groups, no sources, no tried table.
type naiveList struct {
	rng   *rand.Rand
	max   int
	list  []discovery.KnownAddr
	index map[simulation.Addr]int
}

func newNaiveList(max int, r *rand.Rand) *naiveList {
	return &naiveList{rng: r, max: max, index: make(map[simulation.Addr]int)}
}

// clone is the list as a node saves it, for a restart.
func (l *naiveList) clone(r *rand.Rand) *naiveList {
	c := newNaiveList(l.max, r)
	c.list = append(c.list, l.list...)
	for a, i := range l.index {
		c.index[a] = i
	}
	return c
}

func (l *naiveList) Add(now time.Time, source simulation.Addr, ka discovery.KnownAddr) bool {
	if !discovery.Routable(ka.Addr) {
		return false
	}
	if i, ok := l.index[ka.Addr]; ok {
		if ka.LastSeen.After(l.list[i].LastSeen) {
			l.list[i].LastSeen = ka.LastSeen
		}
		return false
	}
	ka = discovery.KnownAddr{Addr: ka.Addr, Services: ka.Services, LastSeen: ka.LastSeen, Source: source}
	if len(l.list) < l.max {
		l.index[ka.Addr] = len(l.list)
		l.list = append(l.list, ka)
		return true
	}
	i := l.rng.IntN(len(l.list))
	delete(l.index, l.list[i].Addr)
	l.list[i] = ka
	l.index[ka.Addr] = i
	return true
}

func (l *naiveList) Select(time.Time, bool) (discovery.KnownAddr, bool) {
	if len(l.list) == 0 {
		return discovery.KnownAddr{}, false
	}
	return l.list[l.rng.IntN(len(l.list))], true
}

func (l *naiveList) entry(a simulation.Addr) *discovery.KnownAddr {
	if i, ok := l.index[a]; ok {
		return &l.list[i]
	}
	return nil
}

func (l *naiveList) Attempt(now time.Time, a simulation.Addr) {
	if e := l.entry(a); e != nil {
		e.LastAttempt = now
	}
}

func (l *naiveList) Failed(now time.Time, a simulation.Addr, retryAt time.Time) {
	if e := l.entry(a); e != nil {
		e.Attempts++
		e.LastAttempt, e.RetryAt = now, retryAt
	}
}

func (l *naiveList) Good(now time.Time, a simulation.Addr) simulation.Addr {
	if l.entry(a) == nil {
		l.Add(now, a, discovery.KnownAddr{Addr: a, LastSeen: now})
	}
	if e := l.entry(a); e != nil {
		e.LastSeen, e.LastSuccess, e.Attempts = now, now, 0
	}
	return ""
}

func (l *naiveList) Connected(now time.Time, a simulation.Addr) {
	if e := l.entry(a); e != nil && now.After(e.LastSeen) {
		e.LastSeen = now
	}
}

func (l *naiveList) ResolveCollisions(time.Time)            {}
func (l *naiveList) TestCandidate() (simulation.Addr, bool) { return "", false }
func (l *naiveList) Len() int                               { return len(l.list) }
func (l *naiveList) Get(a simulation.Addr) (discovery.KnownAddr, bool) {
	if e := l.entry(a); e != nil {
		return *e, true
	}
	return discovery.KnownAddr{}, false
}

func (l *naiveList) Sample(now time.Time, n int) []discovery.KnownAddr {
	want := min(n, max(len(l.list)*discovery.GetAddrPercent/100, min(len(l.list), discovery.MinGetAddrAnswer)))
	var out []discovery.KnownAddr
	for _, i := range l.rng.Perm(len(l.list))[:want] {
		out = append(out, l.list[i])
	}
	return out
}
