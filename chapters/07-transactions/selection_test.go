package transactions

import (
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestGreedySelect(t *testing.T) {
	w := mpWallets(4, 23)
	a, b, c := w[0], w[1], w[2]
	rate := func(k Key, r, nonce uint64) *Tx { return mpRateTx(k, 100, r, nonce, 0) }
	a0r3, a1r9, a2r1 := rate(a, 3, 0), rate(a, 9, 1), rate(a, 1, 2)
	b0r5, b1r2 := rate(b, 5, 0), rate(b, 2, 1)
	c0r4 := rate(c, 4, 0)
	a0r10, b0r8, b1r7 := rate(a, 10, 0), rate(b, 8, 0), rate(b, 7, 1)
	a1big := mpRateTx(a, 100, 9, 1, 200) // more than twice a plain one's bytes
	a2r12 := rate(a, 12, 2)              // pays the most, but after a1big
	// same pays what c0r4 does: the smaller ID goes first.
	same := rate(w[3], 4, 0)
	tied := []*Tx{c0r4, same}
	slices.SortFunc(tied, func(x, y *Tx) int {
		i, j := x.ID(), y.ID()
		return slices.Compare(i[:], j[:])
	})
	tests := []struct {
		name  string
		pool  []*Tx
		limit Limit
		want  []*Tx
	}{
		{"an empty pool", nil, Limit{}, nil},
		{"by fee rate across senders", []*Tx{a0r3, b0r5, c0r4}, Limit{},
			[]*Tx{b0r5, c0r4, a0r3}},
		{"a sender's nonces in order when a later pays more", []*Tx{a0r3, a1r9, b0r5}, Limit{},
			[]*Tx{b0r5, a0r3, a1r9}},
		{"chains interleave by their next", []*Tx{a0r3, a1r9, a2r1, b0r5, b1r2, c0r4}, Limit{},
			[]*Tx{b0r5, c0r4, a0r3, a1r9, b1r2, a2r1}},
		{"a count limit takes the best", []*Tx{a0r3, a1r9, b0r5, c0r4}, Limit{Count: 2},
			[]*Tx{b0r5, c0r4}},
		{"a count of one", []*Tx{a0r3, b0r5}, Limit{Count: 1}, []*Tx{b0r5}},
		{"a byte limit takes the best that fit", []*Tx{a0r3, b0r5, c0r4},
			Limit{Bytes: 2 * MinTxSize}, []*Tx{b0r5, c0r4}},
		{"a byte limit one short", []*Tx{a0r3, b0r5, c0r4},
			Limit{Bytes: 2*MinTxSize - 1}, []*Tx{b0r5}},
		{"a sender whose next does not fit is done, others go on",
			[]*Tx{a0r10, a1big, a2r12, b0r8, b1r7},
			Limit{Bytes: 3 * MinTxSize}, []*Tx{a0r10, b0r8, b1r7}},
		{"count and bytes together", []*Tx{a0r3, b0r5, c0r4},
			Limit{Count: 5, Bytes: 2 * MinTxSize}, []*Tx{b0r5, c0r4}},
		{"ties go to the smaller ID", []*Tx{c0r4, same}, Limit{}, tied},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mpState(w, 1_000_000)
			m := mpPool(t, MempoolConfig{}, s)
			mpAdd(t, m, mpT0, tt.pool...)
			require.NoError(t, mpCheck(m, s))
			got := m.Select(tt.limit)
			assert.Equal(t, mpStrings(tt.want), mpStrings(got))
			assert.Equal(t, mpStrings(tt.want), mpStrings(GreedySelect(m.Queues(), tt.limit)))
		})
	}
}

func TestGreedySelectQueues(t *testing.T) {
	w := mpWallets(2, 29)
	a0, a1 := mpRateTx(w[0], 100, 2, 0, 0), mpRateTx(w[0], 100, 8, 1, 0)
	b0 := mpRateTx(w[1], 100, 5, 0, 0)
	tests := []struct {
		name   string
		queues [][]*Tx
		limit  Limit
		want   []*Tx
	}{
		{"no queues", nil, Limit{}, nil},
		{"empty queues are skipped", [][]*Tx{{}, {b0}, {}}, Limit{}, []*Tx{b0}},
		{"queues in any order", [][]*Tx{{b0}, {a0, a1}}, Limit{}, []*Tx{b0, a0, a1}},
		{"queues in the other order", [][]*Tx{{a0, a1}, {b0}}, Limit{}, []*Tx{b0, a0, a1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, mpStrings(tt.want), mpStrings(GreedySelect(tt.queues, tt.limit)))
		})
	}
}

// TestSelectDeterministic builds the same pool in different orders of
// insertion: Queues and Select must not tell them apart.
func TestSelectDeterministic(t *testing.T) {
	w := mpWallets(12, 31)
	r := rand.New(rand.NewPCG(31, 1))
	var chains [][]*Tx
	for _, k := range w {
		var chain []*Tx
		for n := range 1 + r.IntN(4) {
			// few rates, so that ties are common
			chain = append(chain, mpRateTx(k, 100, uint64(1+r.IntN(3)), uint64(n), r.IntN(3)))
		}
		chains = append(chains, chain)
	}
	build := func(seed uint64) *Mempool {
		s := mpState(w, 1_000_000)
		m := mpPool(t, MempoolConfig{}, s)
		order := rand.New(rand.NewPCG(seed, 2))
		next := make([]int, len(chains))
		for left := len(w); left > 0; {
			i := order.IntN(len(chains))
			if next[i] == len(chains[i]) {
				continue
			}
			mpAdd(t, m, mpT0, chains[i][next[i]])
			if next[i]++; next[i] == len(chains[i]) {
				left--
			}
		}
		require.NoError(t, mpCheck(m, s))
		return m
	}
	want := build(1)
	tests := []struct {
		name  string
		seed  uint64
		limit Limit
	}{
		{"no limit", 2, Limit{}},
		{"no limit, another order", 3, Limit{}},
		{"a count limit", 4, Limit{Count: 7}},
		{"a byte limit", 5, Limit{Bytes: 9 * MinTxSize}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := build(tt.seed)
			assert.Equal(t, mpStrings(want.Select(tt.limit)), mpStrings(m.Select(tt.limit)))
			var wantQ, gotQ [][]string
			for _, q := range want.Queues() {
				wantQ = append(wantQ, mpStrings(q))
			}
			for _, q := range m.Queues() {
				gotQ = append(gotQ, mpStrings(q))
			}
			assert.Equal(t, wantQ, gotQ)
		})
	}
}

// mpStrings are the transactions' summaries, to compare readably.
func mpStrings(txs []*Tx) []string {
	out := make([]string, len(txs))
	for i, tx := range txs {
		out[i] = tx.String()
	}
	return out
}

// mpReferenceSelect is GreedySelect written the slow, plain way: each
// time, scan every sender's next for the best rate, the smaller ID on a
// tie; a sender whose next does not fit is done.
func mpReferenceSelect(queues [][]*Tx, limit Limit) []*Tx {
	next := make([]int, len(queues))
	done := make([]bool, len(queues))
	var out []*Tx
	size := 0
	for limit.Count == 0 || len(out) < limit.Count {
		best := -1
		for i, q := range queues {
			if done[i] || next[i] == len(q) {
				continue
			}
			if best < 0 {
				best = i
				continue
			}
			x, y := q[next[i]], queues[best][next[best]]
			c := RateOf(x).Cmp(RateOf(y))
			xi, yi := x.ID(), y.ID()
			if c > 0 || c == 0 && slices.Compare(xi[:], yi[:]) < 0 {
				best = i
			}
		}
		if best < 0 {
			break
		}
		tx := queues[best][next[best]]
		if limit.Bytes > 0 && size+tx.Size() > limit.Bytes {
			done[best] = true
			continue
		}
		out = append(out, tx)
		size += tx.Size()
		next[best]++
	}
	return out
}

// TestGreedySelectMatchesReference compares GreedySelect with the plain
// scan on random pools with few rates, so that ties are everywhere.
func TestGreedySelectMatchesReference(t *testing.T) {
	w := mpWallets(8, 37)
	tests := []struct {
		name  string
		seed  uint64
		limit Limit
	}{
		{"no limit", 1, Limit{}},
		{"no limit, another pool", 2, Limit{}},
		{"a count limit", 3, Limit{Count: 10}},
		{"a byte limit", 4, Limit{Bytes: 12 * MinTxSize}},
		{"both limits", 5, Limit{Count: 8, Bytes: 10 * MinTxSize}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := rand.New(rand.NewPCG(tt.seed, 4))
			var queues [][]*Tx
			for _, k := range w {
				var q []*Tx
				for n := range r.IntN(5) {
					memo := r.IntN(2) * 30
					q = append(q, mpRateTx(k, 100, uint64(1+r.IntN(2)), uint64(n), memo))
				}
				queues = append(queues, q)
			}
			want := mpReferenceSelect(queues, tt.limit)
			require.NotEmpty(t, want)
			assert.Equal(t, mpStrings(want), mpStrings(GreedySelect(queues, tt.limit)))
		})
	}
}
