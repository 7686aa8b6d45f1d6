package transactions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	broadcast "peerchain/chapters/06-broadcast"
)

// mpQueues is the view of a pool holding queues, for mpSnapshot's.
func mpQueues(queues ...[]*Tx) map[Address][]broadcast.ID {
	out := make(map[Address][]broadcast.ID)
	for _, q := range queues {
		out[q[0].Sender()] = mpIDs(q)
	}
	return out
}

func TestMempoolBlockApplied(t *testing.T) {
	w := mpWallets(3, 17)
	a, b, c := w[0], w[1], w[2]
	a0, a1, a2 := mpTx(a, mpSink, 1000, 500, 0), mpTx(a, mpSink, 1000, 500, 1), mpTx(a, mpSink, 1000, 500, 2)
	b0 := mpTx(b, mpSink, 1000, 500, 0)
	a0other := mpTx(a, c.Address(), 2000, 600, 0) // a0's nonce, another ID
	a0big := mpTx(a, mpSink, 8000, 600, 0)        // leaves 1400: a1 costs 1500
	tests := []struct {
		name        string
		pool, block []*Tx
		wantDropped []*Tx
		want        map[Address][]broadcast.ID
	}{
		{"included ones leave", []*Tx{a0, a1, b0}, []*Tx{a0, b0},
			nil, mpQueues([]*Tx{a1})},
		{"a whole chain leaves", []*Tx{a0, a1, a2}, []*Tx{a0, a1, a2},
			nil, mpQueues()},
		{"the rest of a chain stays", []*Tx{a0, a1, a2}, []*Tx{a0, a1},
			nil, mpQueues([]*Tx{a2})},
		{"a conflicting one is dropped, later ones stay", []*Tx{a0, a1, b0}, []*Tx{a0other},
			[]*Tx{a0}, mpQueues([]*Tx{a1}, []*Tx{b0})},
		{"later ones the new balance does not cover are dropped", []*Tx{a0, a1, b0}, []*Tx{a0big},
			[]*Tx{a0, a1}, mpQueues([]*Tx{b0})},
		{"a block of others' leaves the pool alone", []*Tx{a0, a1}, []*Tx{b0},
			nil, mpQueues([]*Tx{a0, a1})},
		{"money a block brings changes no pending one", []*Tx{b0}, []*Tx{mpTx(a, b.Address(), 5000, 500, 0)},
			nil, mpQueues([]*Tx{b0})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mpState(w, 10_000)
			m := mpPool(t, MempoolConfig{}, s)
			mpAdd(t, m, mpT0, tt.pool...)
			mpApply(t, s, tt.block)
			dropped := m.BlockApplied(tt.block)
			assert.Equal(t, mpIDs(tt.wantDropped), mpIDs(dropped))
			got := mpSnapshot(m)
			assert.Equal(t, tt.want, got.Queues)
			for _, tx := range append(tt.block, dropped...) {
				assert.False(t, m.Has(tx.ID()), "%s still pending", tx)
			}
			require.NoError(t, mpCheck(m, s))
		})
	}
}

func TestMempoolBlockReverted(t *testing.T) {
	w := mpWallets(4, 19)
	a, b, e, c := w[0], w[1], w[2], w[3] // c has nothing before a block pays it
	rate := func(k Key, r, nonce uint64) *Tx { return mpRateTx(k, 100, r, nonce, 0) }
	a0, a1 := mpTx(a, mpSink, 1000, 500, 0), mpTx(a, mpSink, 1000, 500, 1)
	a2, a3, a4 := mpTx(a, mpSink, 1000, 500, 2), mpTx(a, mpSink, 1000, 500, 3), mpTx(a, mpSink, 1000, 500, 4)
	a0other := mpTx(a, mpSink, 2000, 600, 0)
	payC, payB := mpTx(a, c.Address(), 5000, 500, 0), mpTx(a, b.Address(), 5000, 500, 0)
	c0 := mpTx(c, mpSink, 1000, 500, 0)
	b0, b1 := mpTx(b, mpSink, 8500, 500, 0), mpTx(b, mpSink, 1000, 500, 1) // b1 needs payB
	b0r4, b1r2, e0r3, a0r5 := rate(b, 4, 0), rate(b, 2, 1), rate(e, 3, 0), rate(a, 5, 0)
	tests := []struct {
		name string
		cfg  MempoolConfig
		// before is pending when the block comes, after is added on the
		// state after it; then the block is reverted.
		before, block, after []*Tx
		wantDropped          []*Tx
		want                 map[Address][]broadcast.ID
	}{
		{name: "a block's come back pending", block: []*Tx{a0},
			want: mpQueues([]*Tx{a0})},
		{name: "a block's come back before the sender's others",
			block: []*Tx{a0, a1}, after: []*Tx{a2, a3},
			want: mpQueues([]*Tx{a0, a1, a2, a3})},
		{name: "a spend of what the block brought is dropped",
			block: []*Tx{payC}, after: []*Tx{c0},
			wantDropped: []*Tx{c0}, want: mpQueues([]*Tx{payC})},
		{name: "a spend the old balance does not cover is dropped",
			block: []*Tx{payB}, after: []*Tx{b0, b1},
			wantDropped: []*Tx{b1}, want: mpQueues([]*Tx{payB}, []*Tx{b0})},
		{name: "a conflicting one dropped by the block stays gone",
			before: []*Tx{a0, a1}, block: []*Tx{a0other},
			want: mpQueues([]*Tx{a0other, a1})},
		{name: "the count bound evicts the lowest tail",
			cfg:   MempoolConfig{MaxCount: 3},
			block: []*Tx{a0r5}, after: []*Tx{b0r4, b1r2, e0r3},
			wantDropped: []*Tx{b1r2}, want: mpQueues([]*Tx{a0r5}, []*Tx{b0r4}, []*Tx{e0r3})},
		{name: "the byte bound evicts the lowest tail",
			cfg:   MempoolConfig{MaxBytes: 3 * MinTxSize},
			block: []*Tx{a0r5}, after: []*Tx{b0r4, b1r2, e0r3},
			wantDropped: []*Tx{b1r2}, want: mpQueues([]*Tx{a0r5}, []*Tx{b0r4}, []*Tx{e0r3})},
		{name: "the sender limit drops the last",
			cfg:   MempoolConfig{MaxPerSender: 3},
			block: []*Tx{a0, a1}, after: []*Tx{a2, a3, a4},
			wantDropped: []*Tx{a3, a4}, want: mpQueues([]*Tx{a0, a1, a2})},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := mpState(w[:3], 10_000)
			m := mpPool(t, tt.cfg, s)
			mpAdd(t, m, mpT0, tt.before...)
			undos := mpApply(t, s, tt.block)
			m.BlockApplied(tt.block)
			mpAdd(t, m, mpT0.Add(time.Minute), tt.after...)
			require.NoError(t, mpCheck(m, s))

			mpRevert(s, undos)
			now := mpT0.Add(2 * time.Minute)
			dropped := m.BlockReverted(tt.block, now)
			assert.ElementsMatch(t, mpIDs(tt.wantDropped), mpIDs(dropped))
			assert.Equal(t, tt.want, mpSnapshot(m).Queues)
			for _, tx := range dropped {
				assert.False(t, m.Has(tx.ID()), "%s still pending", tx)
			}
			require.NoError(t, mpCheck(m, s))
			var back []*Tx
			for _, tx := range tt.block {
				if m.Has(tx.ID()) {
					back = append(back, tx)
				}
			}
			m.Expire(now.Add(m.cfg.MaxAge - time.Nanosecond))
			for _, tx := range back {
				assert.True(t, m.Has(tx.ID()), "%s is as young as its revert", tx)
			}
		})
	}
}
