package discovery

import (
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
)

func TestBookConfig(t *testing.T) {
	tests := []struct {
		name    string
		cfg     BookConfig
		wantErr string
	}{
		{name: "defaults", cfg: BookConfig{}},
		{name: "negative buckets", cfg: BookConfig{NewBuckets: -1}, wantErr: "NewBuckets -1 is negative"},
		{name: "too big", cfg: BookConfig{NewBuckets: 1 << 15, BucketSize: 64}, wantErr: "over 1048576"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := NewAddrBook(tt.cfg, rand.New(rand.NewPCG(1, 1)))
			if tt.wantErr == "" {
				require.NoError(t, err)
				assert.Equal(t, DefaultNewBuckets, b.cfg.NewBuckets)
				assert.NotEqual(t, [32]byte{}, b.cfg.Key, "a key is drawn")
				return
			}
			assert.ErrorIs(t, err, ErrBookConfig)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestBookAdd(t *testing.T) {
	src := simulation.Addr("198.51.100.1:8333")
	tests := []struct {
		name    string
		addr    simulation.Addr
		wantNew bool
	}{
		{name: "routable", addr: "203.0.113.7:8333", wantNew: true},
		{name: "simulator", addr: "sim-3", wantNew: true},
		{name: "unspecified", addr: "0.0.0.0:8333"},
		{name: "port zero", addr: "203.0.113.7:0"},
		{name: "multicast", addr: "224.0.0.1:8333"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBook(t, BookConfig{})
			assert.Equal(t, tt.wantNew, b.Add(t0, src, seen(tt.addr, t0)))
			assert.Equal(t, map[bool]int{true: 1, false: 0}[tt.wantNew], b.Len())
			if tt.wantNew {
				ka, ok := b.Get(tt.addr)
				require.True(t, ok)
				assert.Equal(t, src, ka.Source)
				assert.False(t, ka.Tried)
			}
		})
	}
	t.Run("again: fresher, not new", func(t *testing.T) {
		b := newTestBook(t, BookConfig{})
		a := simulation.Addr("203.0.113.7:8333")
		require.True(t, b.Add(t0, src, seen(a, t0)))
		assert.False(t, b.Add(t0, "192.0.2.1:1", KnownAddr{Addr: a, LastSeen: t0.Add(time.Hour), Services: 8}))
		ka, _ := b.Get(a)
		assert.Equal(t, t0.Add(time.Hour), ka.LastSeen)
		assert.Equal(t, uint64(8), ka.Services)
		assert.Equal(t, src, ka.Source, "the first source stays")
		assert.Equal(t, 1, b.Len())
	})
}

// TestBookFloodFromOneSource: one source sending 100,000 addresses from
// thousands of groups fills at most its own buckets, and leaves the
// addresses from other sources where they were.
func TestBookFloodFromOneSource(t *testing.T) {
	b := newTestBook(t, BookConfig{})
	honest := map[simulation.Addr]bool{}
	for i := range 300 {
		a := ipAddr(byte(i%200)+20, byte(i), 1)
		src := ipAddr(byte(i%100)+20, byte(i*7), 9)
		if b.Add(t0, src, seen(a, t0)) {
			honest[a] = true
		}
	}
	require.Greater(t, len(honest), 250)

	attacker := simulation.Addr("6.6.6.6:8333")
	for i := range 100_000 {
		b.Add(t0.Add(time.Minute), attacker, seen(ipAddr(byte(i>>16)+1, byte(i>>8), i), t0))
	}
	cap := DefaultNewBucketsPerSource * DefaultBucketSize
	assert.LessOrEqual(t, b.Len()-len(honest), cap, "the attacker holds at most its source group's buckets")
	for a := range honest {
		_, ok := b.Get(a)
		assert.True(t, ok, "%s was pushed out", a)
	}
}

// TestBookBounded: however many sources, the book never holds more
// than its slots.
func TestBookBounded(t *testing.T) {
	b := newTestBook(t, BookConfig{NewBuckets: 8, TriedBuckets: 4, BucketSize: 4, NewBucketsPerSource: 8, TriedBucketsPerGroup: 4})
	for i := range 20_000 {
		b.Add(t0, ipAddr(byte(i>>8)+1, byte(i), 2), seen(ipAddr(byte(i>>8)+1, byte(i), i), t0))
	}
	assert.LessOrEqual(t, b.Len(), 8*4)
	for i := range 2000 {
		b.Good(t0, ipAddr(byte(i>>8)+1, byte(i), i))
	}
	nw, tried := b.Counts()
	assert.LessOrEqual(t, tried, 4*4)
	assert.LessOrEqual(t, nw, 8*4)
	assert.LessOrEqual(t, len(b.collisions), MaxCollisions)
}

// TestBookReplacesTerrible: a slot held by an address not worth keeping
// goes to the newcomer.
func TestBookReplacesTerrible(t *testing.T) {
	// One bucket of one slot: every address collides.
	cfg := BookConfig{NewBuckets: 1, TriedBuckets: 1, BucketSize: 1, NewBucketsPerSource: 1, TriedBucketsPerGroup: 1}
	src := simulation.Addr("198.51.100.1:8333")
	old, newer := simulation.Addr("203.0.113.7:8333"), simulation.Addr("192.0.2.9:8333")
	tests := []struct {
		name      string
		setup     func(b *AddrBook)
		wantTaken bool
	}{
		{name: "good holder stays", setup: func(*AddrBook) {}},
		{name: "stale holder goes", setup: func(b *AddrBook) {
			b.addrs[old].LastSeen = t0.Add(-HorizonAge - time.Hour)
		}, wantTaken: true},
		{name: "failing holder goes", setup: func(b *AddrBook) {
			b.Failed(t0.Add(-time.Hour), old, t0)
			b.Failed(t0.Add(-time.Hour), old, t0)
			b.Failed(t0.Add(-time.Hour), old, t0)
		}, wantTaken: true},
		{name: "holder being dialed stays", setup: func(b *AddrBook) {
			b.addrs[old].LastSeen = t0.Add(-HorizonAge - time.Hour)
			b.Attempt(t0.Add(-time.Second), old)
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBook(t, cfg)
			require.True(t, b.Add(t0, src, seen(old, t0)))
			tt.setup(b)
			assert.Equal(t, tt.wantTaken, b.Add(t0, src, seen(newer, t0)))
			_, oldThere := b.Get(old)
			assert.Equal(t, !tt.wantTaken, oldThere)
			assert.Equal(t, 1, b.Len())
		})
	}
}

func TestIsTerrible(t *testing.T) {
	tests := []struct {
		name string
		ka   KnownAddr
		want bool
	}{
		{name: "fresh", ka: KnownAddr{LastSeen: t0}},
		{name: "from the future", ka: KnownAddr{LastSeen: t0.Add(MaxFutureDrift + time.Second)}, want: true},
		{name: "slightly ahead", ka: KnownAddr{LastSeen: t0.Add(MaxFutureDrift)}},
		{name: "too old", ka: KnownAddr{LastSeen: t0.Add(-HorizonAge - time.Second)}, want: true},
		{name: "never worked, failed thrice", ka: KnownAddr{LastSeen: t0, Attempts: MaxNewFailures}, want: true},
		{name: "never worked, failed twice", ka: KnownAddr{LastSeen: t0, Attempts: MaxNewFailures - 1}},
		{name: "worked long ago, failing", ka: KnownAddr{LastSeen: t0, LastSuccess: t0.Add(-MinFailDays - time.Hour), Attempts: MaxFailures}, want: true},
		{name: "worked lately, failing", ka: KnownAddr{LastSeen: t0, LastSuccess: t0.Add(-time.Hour), Attempts: MaxFailures}},
		{name: "being dialed", ka: KnownAddr{LastSeen: t0.Add(-HorizonAge - time.Hour), LastAttempt: t0.Add(-time.Second)}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.ka.IsTerrible(t0))
		})
	}
}

func TestBookGood(t *testing.T) {
	b := newTestBook(t, BookConfig{})
	a := simulation.Addr("203.0.113.7:8333")
	require.True(t, b.Add(t0, "198.51.100.1:8333", seen(a, t0)))
	b.Failed(t0, a, t0.Add(time.Minute))
	assert.Empty(t, b.Good(t0.Add(time.Hour), a))
	ka, _ := b.Get(a)
	assert.True(t, ka.Tried)
	assert.Zero(t, ka.Attempts)
	assert.Equal(t, t0.Add(time.Hour), ka.LastSuccess)
	nw, tried := b.Counts()
	assert.Equal(t, [2]int{0, 1}, [2]int{nw, tried})

	unknown := simulation.Addr("192.0.2.1:8333")
	assert.Empty(t, b.Good(t0, unknown))
	ka, ok := b.Get(unknown)
	require.True(t, ok, "an address we connected to is added")
	assert.True(t, ka.Tried)
}

// TestBookCollisions: a newcomer to a held tried slot waits while the
// holder is tested, and takes the slot only if the holder fails or is
// not tested in time.
func TestBookCollisions(t *testing.T) {
	cfg := BookConfig{NewBuckets: 4, TriedBuckets: 1, BucketSize: 1, NewBucketsPerSource: 4, TriedBucketsPerGroup: 1}
	old, newer := simulation.Addr("203.0.113.7:8333"), simulation.Addr("192.0.2.9:8333")
	tests := []struct {
		name      string
		at        time.Duration // when ResolveCollisions runs, after the collision
		test      func(b *AddrBook, at time.Time)
		wantNewer bool // the newcomer holds the slot
	}{
		{name: "holder worked lately: stays", at: time.Minute, test: func(*AddrBook, time.Time) {}},
		{name: "holder tested and works: stays", at: 5 * time.Hour, test: func(b *AddrBook, at time.Time) {
			b.Good(at, old)
		}},
		{name: "holder tested and failed: goes", at: 5 * time.Hour, test: func(b *AddrBook, at time.Time) {
			b.Failed(at, old, at)
		}, wantNewer: true},
		{name: "holder untested past the window: goes", at: 5*time.Hour + TestWindow, test: func(*AddrBook, time.Time) {}, wantNewer: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := newTestBook(t, cfg)
			require.Empty(t, b.Good(t0, old))
			collided := t0.Add(4*time.Hour + time.Minute)
			require.True(t, b.Add(collided, "198.51.100.1:8333", seen(newer, collided)))
			assert.Equal(t, old, b.Good(collided, newer), "test the holder first")
			cand, ok := b.TestCandidate()
			require.True(t, ok)
			assert.Equal(t, old, cand)

			at := collided.Add(tt.at)
			tt.test(b, at.Add(-time.Minute))
			b.ResolveCollisions(at)
			n, _ := b.Get(newer)
			o, oldThere := b.Get(old)
			assert.Equal(t, tt.wantNewer, n.Tried)
			if tt.wantNewer {
				assert.False(t, oldThere && o.Tried, "the holder left tried")
				assert.Empty(t, b.collisions)
			} else {
				assert.True(t, o.Tried)
			}
		})
	}
}

func TestBookSelect(t *testing.T) {
	b := newTestBook(t, BookConfig{})
	_, ok := b.Select(t0, false)
	assert.False(t, ok, "an empty book has nothing")

	for i := range 50 {
		b.Add(t0, ipAddr(198, 51, i), seen(ipAddr(byte(i)+1, 7, i), t0))
	}
	tried := ipAddr(203, 0, 1)
	b.Good(t0, tried)
	counts := map[bool]int{}
	for range 1000 {
		ka, ok := b.Select(t0.Add(time.Hour), false)
		require.True(t, ok)
		counts[ka.Tried]++
	}
	assert.InDelta(t, 500, counts[true], 60, "half from tried, the one address there")
	for range 100 {
		ka, _ := b.Select(t0.Add(time.Hour), true)
		assert.False(t, ka.Tried, "newOnly")
	}
}

func TestBookSample(t *testing.T) {
	tests := []struct {
		n        int
		size     int
		terrible int
		want     int
	}{
		{size: 0, n: 1000, want: 0},
		{size: 5, n: 1000, want: 5},
		{size: 30, n: 1000, want: 10},
		{size: 1000, n: 1000, want: 230},
		{size: 1000, n: 100, want: 100},
		{size: 5, terrible: 2, n: 1000, want: 3},
	}
	for _, tt := range tests {
		b := newTestBook(t, BookConfig{})
		for i := 0; b.Len() < tt.size; i++ { // some collide: add until there are enough
			a := ipAddr(byte(i/250)+1, byte(i), i)
			if b.Add(t0, ipAddr(byte(i)+1, 1, 1), seen(a, t0)) && b.Len() <= tt.terrible {
				b.addrs[a].LastSeen = t0.Add(-HorizonAge - time.Hour)
			}
		}
		got := b.Sample(t0, tt.n)
		assert.Len(t, got, tt.want, "book of %d, %d terrible, n %d", tt.size, tt.terrible, tt.n)
		distinct := map[simulation.Addr]bool{}
		for _, ka := range got {
			distinct[ka.Addr] = true
			assert.False(t, ka.IsTerrible(t0))
		}
		assert.Len(t, distinct, len(got))
	}
}

func TestBookSnapshotRestore(t *testing.T) {
	b := newTestBook(t, BookConfig{})
	for i := range 200 {
		b.Add(t0, ipAddr(byte(i%20)+1, 9, 9), seen(ipAddr(byte(i)+1, byte(i), i), t0))
	}
	for i := range 30 {
		b.Good(t0, ipAddr(byte(i)+1, byte(i), i))
	}
	b.Failed(t0, ipAddr(40, 39, 39), t0.Add(time.Minute))
	snap := b.Snapshot()
	require.Equal(t, b.Len(), len(snap.Addrs))

	back, err := RestoreBook(BookConfig{}, snap, rand.New(rand.NewPCG(5, 5)))
	require.NoError(t, err)
	assert.Equal(t, snap, back.Snapshot(), "the same book")
	nw, tried := b.Counts()
	nw2, tried2 := back.Counts()
	assert.Equal(t, [2]int{nw, tried}, [2]int{nw2, tried2})
	for a, e := range b.addrs {
		assert.Equal(t, e.slot, back.addrs[a].slot, "%s back in its slot", a)
	}

	t.Run("a smaller shape drops what does not fit", func(t *testing.T) {
		small, err := RestoreBook(BookConfig{NewBuckets: 1, TriedBuckets: 1, BucketSize: 2}, snap, rand.New(rand.NewPCG(5, 5)))
		require.NoError(t, err)
		assert.LessOrEqual(t, small.Len(), 4)
	})
}
