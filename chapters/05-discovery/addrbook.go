package discovery

import (
	"cmp"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin book-defaults

// The address book's shape, Bitcoin Core's divided by four: Core has
// 1,024 new buckets and 256 tried, 64 addresses each, and lets one
// source group fill 64 new buckets and one group 8 tried buckets.
// peerchain's nodes are many to a machine in the simulator, so its
// books are smaller, in the same proportions: 16,384 new addresses and
// 4,096 tried, of which one source group can fill 1,024 and one group
// 128.
const (
	DefaultNewBuckets           = 256
	DefaultTriedBuckets         = 64
	DefaultBucketSize           = 64
	DefaultNewBucketsPerSource  = 16
	DefaultTriedBucketsPerGroup = 2
)

// docs:end book-defaults

// Bounds of the address book.
const (
	// MaxBookSlots bounds NewBuckets×BucketSize and TriedBuckets×
	// BucketSize, so that a typo cannot ask for a gigabyte book.
	MaxBookSlots = 1 << 20
	// MaxCollisions is how many tried-table collisions wait to be
	// tested at once (Core's ADDRMAN_SET_TRIED_COLLISION_SIZE).
	MaxCollisions = 10
	// GetAddrPercent is the share of the book a getaddr answer holds
	// at most, so one peer cannot copy a whole book (Core: 23 %).
	GetAddrPercent = 23
	// MinGetAddrAnswer is the fewest addresses an answer holds when the
	// book has that many: a devnet of five nodes must share its four
	// addresses, which 23 % of would round to none. Core has no floor.
	MinGetAddrAnswer = 10
	// KeepTriedFor: a tried address that worked this recently keeps its
	// place when a newer one collides with it (Core: 4 hours).
	KeepTriedFor = 4 * time.Hour
	// TestWindow: a collision whose old entry was not tested within
	// this long is settled for the newcomer (Core: 40 minutes).
	TestWindow = 40 * time.Minute
)

// ErrBookConfig is a BookConfig that cannot work.
var ErrBookConfig = errors.New("invalid address book config")

// docs:begin book-config

// BookConfig shapes an address book. Zero values take the defaults.
type BookConfig struct {
	// Key is the node's secret for the keyed hash that places
	// addresses. Zero: drawn from the book's random source.
	Key                  [32]byte
	NewBuckets           int // buckets of the new table
	TriedBuckets         int // buckets of the tried table
	BucketSize           int // addresses per bucket
	NewBucketsPerSource  int // new buckets one source group can fill
	TriedBucketsPerGroup int // tried buckets one group can fill
}

// docs:end book-config

func (c BookConfig) withDefaults() (BookConfig, error) {
	fields := []struct {
		name  string
		value *int
		def   int
	}{
		{"NewBuckets", &c.NewBuckets, DefaultNewBuckets},
		{"TriedBuckets", &c.TriedBuckets, DefaultTriedBuckets},
		{"BucketSize", &c.BucketSize, DefaultBucketSize},
		{"NewBucketsPerSource", &c.NewBucketsPerSource, DefaultNewBucketsPerSource},
		{"TriedBucketsPerGroup", &c.TriedBucketsPerGroup, DefaultTriedBucketsPerGroup},
	}
	for _, f := range fields {
		if *f.value < 0 {
			return c, fmt.Errorf("%w: %s %d is negative", ErrBookConfig, f.name, *f.value)
		}
		if *f.value == 0 {
			*f.value = f.def
		}
	}
	if c.NewBuckets*c.BucketSize > MaxBookSlots || c.TriedBuckets*c.BucketSize > MaxBookSlots {
		return c, fmt.Errorf("%w: %d×%d or %d×%d slots, over %d", ErrBookConfig,
			c.NewBuckets, c.BucketSize, c.TriedBuckets, c.BucketSize, MaxBookSlots)
	}
	return c, nil
}

// AddrBook is a node's address book, after Bitcoin Core's addrman. It
// has two tables of buckets. "New" holds addresses heard of and not yet
// tried; an address's bucket depends on its group and on the group of
// the peer that told us, so one source fills only a few buckets however
// much it sends. "Tried" holds addresses we connected to; its bucket
// depends on the address's group. A full slot is never taken from an
// address that is still good: a flood of new addresses cannot push out
// the ones a node knows work.
//
// It is deterministic: randomness comes from the *rand.Rand it was
// made with, and times from its callers.
type AddrBook struct {
	cfg        BookConfig
	rng        *rand.Rand
	addrs      map[simulation.Addr]*entry
	newSlots   map[int]simulation.Addr // bucket*BucketSize + position
	triedSlots map[int]simulation.Addr
	newList    []simulation.Addr // each table's addresses, to pick from
	triedList  []simulation.Addr
	collisions []collision // tried-table collisions waiting for a test
}

// entry is one address in the book: what is known of it, and where it is.
type entry struct {
	KnownAddr
	slot int // in newSlots or triedSlots, by Tried
	idx  int // in newList or triedList
}

// collision is an address that would go into a tried slot already held.
type collision struct {
	addr  simulation.Addr // the newcomer, still in new
	since time.Time
}

// NewAddrBook returns an empty address book.
func NewAddrBook(cfg BookConfig, r *rand.Rand) (*AddrBook, error) {
	cfg, err := cfg.withDefaults()
	if err != nil {
		return nil, err
	}
	if r == nil {
		return nil, fmt.Errorf("%w: no random source", ErrBookConfig)
	}
	if cfg.Key == ([32]byte{}) {
		for i := range 4 {
			v := r.Uint64()
			for j := range 8 {
				cfg.Key[i*8+j] = byte(v >> (8 * j))
			}
		}
	}
	return &AddrBook{
		cfg:        cfg,
		rng:        r,
		addrs:      make(map[simulation.Addr]*entry),
		newSlots:   make(map[int]simulation.Addr),
		triedSlots: make(map[int]simulation.Addr),
	}, nil
}

// Len is how many addresses the book holds.
func (b *AddrBook) Len() int { return len(b.addrs) }

// Counts is how many addresses each table holds.
func (b *AddrBook) Counts() (newCount, tried int) {
	return len(b.newList), len(b.triedList)
}

// Get returns what the book knows of an address.
func (b *AddrBook) Get(a simulation.Addr) (KnownAddr, bool) {
	e, ok := b.addrs[a]
	if !ok {
		return KnownAddr{}, false
	}
	return e.KnownAddr, true
}

// docs:begin add

// Add takes an address a peer told us about: ka's Addr, Services and
// LastSeen, from source. It reports whether the address is new to the
// book. One already known only gets fresher. A new one goes to its
// slot in the new table, unless that slot holds an address still worth
// keeping: then the newcomer is dropped, not the old one.
func (b *AddrBook) Add(now time.Time, source simulation.Addr, ka KnownAddr) bool {
	if !Routable(ka.Addr) {
		return false
	}
	if e, ok := b.addrs[ka.Addr]; ok {
		if ka.LastSeen.After(e.LastSeen) {
			e.LastSeen = ka.LastSeen
		}
		e.Services |= ka.Services
		return false
	}
	bucket := NewBucket(b.cfg.Key, Group(ka.Addr), Group(source),
		b.cfg.NewBuckets, b.cfg.NewBucketsPerSource)
	slot := bucket*b.cfg.BucketSize +
		position(b.cfg.Key, "new", bucket, ka.Addr, b.cfg.BucketSize)
	if old, taken := b.newSlots[slot]; taken {
		if !b.addrs[old].IsTerrible(now) {
			return false
		}
		b.remove(old)
	}
	e := &entry{KnownAddr: KnownAddr{Addr: ka.Addr, Services: ka.Services,
		LastSeen: ka.LastSeen, Source: source}}
	b.place(e, slot)
	return true
}

// docs:end add

// place puts e in a slot of the table e.Tried names.
func (b *AddrBook) place(e *entry, slot int) {
	e.slot = slot
	b.addrs[e.Addr] = e
	if e.Tried {
		b.triedSlots[slot] = e.Addr
		e.idx = len(b.triedList)
		b.triedList = append(b.triedList, e.Addr)
		return
	}
	b.newSlots[slot] = e.Addr
	e.idx = len(b.newList)
	b.newList = append(b.newList, e.Addr)
}

// unplace takes e out of its table, leaving it in b.addrs.
func (b *AddrBook) unplace(e *entry) {
	slots, list := b.newSlots, &b.newList
	if e.Tried {
		slots, list = b.triedSlots, &b.triedList
	}
	delete(slots, e.slot)
	last := (*list)[len(*list)-1]
	(*list)[e.idx] = last
	b.addrs[last].idx = e.idx
	*list = (*list)[:len(*list)-1]
}

// remove forgets an address.
func (b *AddrBook) remove(a simulation.Addr) {
	e := b.addrs[a]
	b.unplace(e)
	delete(b.addrs, a)
}

// Attempt records a dial to an address starting.
func (b *AddrBook) Attempt(now time.Time, a simulation.Addr) {
	if e, ok := b.addrs[a]; ok {
		e.LastAttempt = now
	}
}

// Failed records a failed dial; the address is not to be dialed again
// before retryAt.
func (b *AddrBook) Failed(now time.Time, a simulation.Addr, retryAt time.Time) {
	if e, ok := b.addrs[a]; ok {
		e.Attempts++
		e.LastAttempt = now
		e.RetryAt = retryAt
	}
}

// Connected records that a connection to an address, either way, was
// alive at now: it keeps the address fresh.
func (b *AddrBook) Connected(now time.Time, a simulation.Addr) {
	if e, ok := b.addrs[a]; ok && now.After(e.LastSeen) {
		e.LastSeen = now
	}
}

// docs:begin good

// Good records a successful outbound connection, and moves the address
// to the tried table. If its tried slot is held, the holder is not
// evicted at once: Good returns it, for the connection manager to test
// with a feeler, and ResolveCollisions settles the matter later. An
// address the book does not know is added first, from itself.
func (b *AddrBook) Good(now time.Time, a simulation.Addr) (test simulation.Addr) {
	e, ok := b.addrs[a]
	if !ok {
		if !b.Add(now, a, KnownAddr{Addr: a, LastSeen: now}) {
			return ""
		}
		e = b.addrs[a]
	}
	e.LastSeen, e.LastSuccess, e.LastAttempt = now, now, now
	e.Attempts, e.RetryAt = 0, time.Time{}
	if e.Tried {
		return ""
	}
	slot := b.triedSlot(a)
	if old, taken := b.triedSlots[slot]; taken {
		if len(b.collisions) < MaxCollisions && !b.colliding(a) {
			b.collisions = append(b.collisions, collision{addr: a, since: now})
		}
		return old
	}
	b.unplace(e)
	e.Tried = true
	b.place(e, slot)
	return ""
}

// docs:end good

func (b *AddrBook) triedSlot(a simulation.Addr) int {
	bucket := TriedBucket(b.cfg.Key, a, b.cfg.TriedBuckets, b.cfg.TriedBucketsPerGroup)
	return bucket*b.cfg.BucketSize + position(b.cfg.Key, "tried", bucket, a, b.cfg.BucketSize)
}

func (b *AddrBook) colliding(a simulation.Addr) bool {
	return slices.ContainsFunc(b.collisions, func(c collision) bool { return c.addr == a })
}

// docs:begin resolve

// ResolveCollisions settles the tried-table collisions it can, Bitcoin
// Core's way. The old address keeps its slot if it worked in the last
// KeepTriedFor. If it was tried since and failed, the newcomer takes
// its slot and the old one goes back to new. If nobody tested it
// within TestWindow, the newcomer takes the slot too.
func (b *AddrBook) ResolveCollisions(now time.Time) {
	kept := b.collisions[:0]
	for _, c := range b.collisions {
		e, ok := b.addrs[c.addr]
		if !ok || e.Tried {
			continue // gone, or moved since
		}
		slot := b.triedSlot(c.addr)
		old, taken := b.triedSlots[slot]
		switch {
		case !taken:
			b.promote(e, slot)
			continue
		case now.Sub(b.addrs[old].LastSuccess) < KeepTriedFor:
			continue // the old one works: keep it
		}
		o := b.addrs[old]
		failed := o.LastAttempt.After(c.since) && o.LastAttempt.After(o.LastSuccess)
		if failed || now.Sub(c.since) > TestWindow {
			b.demote(o)
			b.promote(e, slot)
			continue
		}
		kept = append(kept, c) // still being tested
	}
	b.collisions = kept
}

// docs:end resolve

// TestCandidate returns the holder of a tried slot that a newcomer
// wants, for a feeler to test, if there is one.
func (b *AddrBook) TestCandidate() (simulation.Addr, bool) {
	for _, c := range b.collisions {
		if old, taken := b.triedSlots[b.triedSlot(c.addr)]; taken {
			return old, true
		}
	}
	return "", false
}

// promote moves a new address into a free tried slot.
func (b *AddrBook) promote(e *entry, slot int) {
	b.unplace(e)
	e.Tried = true
	b.place(e, slot)
}

// demote moves a tried address back to new, to its slot there, or out
// of the book if that slot is held.
func (b *AddrBook) demote(e *entry) {
	b.unplace(e)
	e.Tried = false
	bucket := NewBucket(b.cfg.Key, Group(e.Addr), Group(e.Source),
		b.cfg.NewBuckets, b.cfg.NewBucketsPerSource)
	slot := bucket*b.cfg.BucketSize + position(b.cfg.Key, "new", bucket, e.Addr, b.cfg.BucketSize)
	if _, taken := b.newSlots[slot]; taken {
		delete(b.addrs, e.Addr)
		return
	}
	b.place(e, slot)
}

// docs:begin select

// Select picks an address to dial: from either table with even odds
// (only new if newOnly, for a feeler), then uniformly within it, each
// taken with its chance (recently tried or failing addresses less
// often), and the bar lowered a little after each refusal, so that the
// loop ends.
func (b *AddrBook) Select(now time.Time, newOnly bool) (KnownAddr, bool) {
	list := b.newList
	switch {
	case newOnly:
	case len(b.newList) == 0:
		list = b.triedList
	case len(b.triedList) > 0 && b.rng.IntN(2) == 0:
		list = b.triedList
	}
	if len(list) == 0 {
		return KnownAddr{}, false
	}
	for factor := 1.0; ; factor *= 1.2 {
		e := b.addrs[list[b.rng.IntN(len(list))]]
		if b.rng.Float64() < factor*e.chance(now) {
			return e.KnownAddr, true
		}
	}
}

// docs:end select

// Sample returns addresses for a getaddr answer: at most n, at most
// GetAddrPercent of the book (but MinGetAddrAnswer if it has them),
// chosen at random, none terrible.
func (b *AddrBook) Sample(now time.Time, n int) []KnownAddr {
	total := len(b.addrs)
	want := min(n, max(total*GetAddrPercent/100, min(total, MinGetAddrAnswer)))
	// Draw indexes into the two lists, skipping repeats: want is at
	// most a quarter of the book, unless the book is tiny, so few
	// draws repeat, and the book is never copied.
	picked := make(map[int]bool, want)
	var out []KnownAddr
	for tries := 0; len(out) < want && tries < 4*total; tries++ {
		i := b.rng.IntN(total)
		if picked[i] {
			continue
		}
		picked[i] = true
		var a simulation.Addr
		if i < len(b.newList) {
			a = b.newList[i]
		} else {
			a = b.triedList[i-len(b.newList)]
		}
		if e := b.addrs[a]; !e.IsTerrible(now) {
			out = append(out, e.KnownAddr)
		}
	}
	return out
}

// docs:begin snapshot

// BookSnapshot is what a node saves of its book to start again with it:
// its key, so that every address goes back to the bucket it was in, and
// the addresses. A later chapter stores it in the node's database.
type BookSnapshot struct {
	Key   [32]byte
	Addrs []KnownAddr
}

// Snapshot returns the book's contents, sorted by address.
func (b *AddrBook) Snapshot() BookSnapshot {
	s := BookSnapshot{Key: b.cfg.Key}
	for _, e := range b.addrs {
		s.Addrs = append(s.Addrs, e.KnownAddr)
	}
	slices.SortFunc(s.Addrs, func(x, y KnownAddr) int { return cmp.Compare(x.Addr, y.Addr) })
	return s
}

// RestoreBook makes a book from a snapshot, with cfg's shape and the
// snapshot's key. Tried addresses go back to tried, and new ones to new;
// one whose slot is taken (the shape changed) or that is not routable is
// left out.
func RestoreBook(cfg BookConfig, s BookSnapshot, r *rand.Rand) (*AddrBook, error) {
	cfg.Key = s.Key
	b, err := NewAddrBook(cfg, r)
	if err != nil {
		return nil, err
	}
	for _, ka := range s.Addrs {
		if _, dup := b.addrs[ka.Addr]; dup || !Routable(ka.Addr) {
			continue
		}
		e := &entry{KnownAddr: ka}
		if ka.Tried {
			slot := b.triedSlot(ka.Addr)
			if _, taken := b.triedSlots[slot]; !taken {
				b.place(e, slot)
				continue
			}
			e.Tried = false
		}
		bucket := NewBucket(b.cfg.Key, Group(ka.Addr), Group(ka.Source),
			b.cfg.NewBuckets, b.cfg.NewBucketsPerSource)
		slot := bucket*b.cfg.BucketSize + position(b.cfg.Key, "new", bucket, ka.Addr, b.cfg.BucketSize)
		if _, taken := b.newSlots[slot]; !taken {
			b.place(e, slot)
		}
	}
	return b, nil
}

// docs:end snapshot
