package transactions

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	simulation "peerchain/chapters/04-simulation"
)

// rtOrphan is an unsigned transaction of rtKeys[sender] with a nonce:
// the orphan pool reads only its sender and nonce. fee tells two of one
// nonce apart.
func rtOrphan(sender int, nonce, fee uint64) *Tx {
	return &Tx{Chain: rtChain, From: rtKeys[sender].Public(), Nonce: nonce, Fee: fee}
}

// rtOrphanOp is one step of a story of the orphan pool: n adds (or
// takes, or each an add then a take) of sender's nonces from nonce on,
// at an offset from rtT0.
type rtOrphanOp struct {
	take   bool
	cycle  bool
	at     time.Duration
	sender int
	nonce  uint64
	n      int    // 0: one
	fee    uint64 // of what is added
	from   simulation.PeerID
}

// rtKept is an orphan a story expects, or expects gone.
type rtKept struct {
	sender int
	nonce  uint64
	fee    uint64 // of the one kept; unused for gone
	from   simulation.PeerID
}

// TestOrphanPool: the pool keeps orphans by sender and nonce, the
// first of one nonce; take removes one; it holds at most MaxOrphans,
// forgetting the oldest, and forgets at its next add what has waited
// OrphanAge; what was taken frees its room, whatever order it left in.
func TestOrphanPool(t *testing.T) {
	tests := []struct {
		name     string
		ops      []rtOrphanOp
		wantLen  int
		wantKept []rtKept
		wantGone []rtKept
	}{
		{name: "kept, then taken once",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, fee: 5, from: 7},
				{take: true, sender: 0, nonce: 1}},
			wantGone: []rtKept{{sender: 0, nonce: 1}}},
		{name: "by sender and nonce: the same nonce of two senders, two nonces of one",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, fee: 5, from: 7},
				{sender: 1, nonce: 1, fee: 6, from: 8}, {sender: 0, nonce: 2, fee: 7}},
			wantLen: 3,
			wantKept: []rtKept{{sender: 0, nonce: 1, fee: 5, from: 7},
				{sender: 1, nonce: 1, fee: 6, from: 8}, {sender: 0, nonce: 2, fee: 7}},
			wantGone: []rtKept{{sender: 1, nonce: 2}, {sender: 0, nonce: 3}}},
		{name: "two of one nonce: the first stays",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, fee: 5, from: 7},
				{at: time.Second, sender: 0, nonce: 1, fee: 50, from: 8}},
			wantLen: 1, wantKept: []rtKept{{sender: 0, nonce: 1, fee: 5, from: 7}}},
		{name: "past MaxOrphans the oldest is forgotten",
			ops:     []rtOrphanOp{{sender: 0, nonce: 1, n: MaxOrphans + 1, fee: 5}},
			wantLen: MaxOrphans,
			wantKept: []rtKept{{sender: 0, nonce: 2, fee: 5},
				{sender: 0, nonce: MaxOrphans + 1, fee: 5}},
			wantGone: []rtKept{{sender: 0, nonce: 1}}},
		{name: "past MaxOrphans by two, the two oldest",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, n: MaxOrphans, fee: 5},
				{sender: 1, nonce: 1, n: 2, fee: 6}},
			wantLen:  MaxOrphans,
			wantKept: []rtKept{{sender: 0, nonce: 3, fee: 5}, {sender: 1, nonce: 2, fee: 6}},
			wantGone: []rtKept{{sender: 0, nonce: 1}, {sender: 0, nonce: 2}}},
		{name: "just under OrphanAge, kept",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, fee: 5},
				{at: OrphanAge - time.Nanosecond, sender: 1, nonce: 1, fee: 6}},
			wantLen:  2,
			wantKept: []rtKept{{sender: 0, nonce: 1, fee: 5}, {sender: 1, nonce: 1, fee: 6}}},
		{name: "OrphanAge old at the next add, forgotten; younger ones kept",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, fee: 5},
				{at: time.Minute, sender: 0, nonce: 2, fee: 5},
				{at: OrphanAge, sender: 1, nonce: 1, fee: 6}},
			wantLen:  2,
			wantKept: []rtKept{{sender: 0, nonce: 2, fee: 5}, {sender: 1, nonce: 1, fee: 6}},
			wantGone: []rtKept{{sender: 0, nonce: 1}}},
		{name: "taken ones free their room: MaxOrphans more after a full pool is emptied",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, n: MaxOrphans, fee: 5},
				{take: true, sender: 0, nonce: 1, n: MaxOrphans},
				{sender: 1, nonce: 1, n: MaxOrphans, fee: 6}},
			wantLen:  MaxOrphans,
			wantKept: []rtKept{{sender: 1, nonce: 1, fee: 6}, {sender: 1, nonce: MaxOrphans, fee: 6}}},
		{name: "one taken and added again is the newest, not the oldest",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, fee: 5},
				{at: time.Second, sender: 0, nonce: 2, fee: 5},
				{at: 2 * time.Second, sender: 1, nonce: 1, n: MaxOrphans - 2, fee: 6},
				{at: 3 * time.Second, take: true, sender: 0, nonce: 2},
				{at: 4 * time.Second, sender: 0, nonce: 2, fee: 7},
				{at: 5 * time.Second, sender: 2, nonce: 1, n: 2, fee: 8}},
			wantLen: MaxOrphans,
			wantKept: []rtKept{{sender: 0, nonce: 2, fee: 7}, {sender: 2, nonce: 1, fee: 8},
				{sender: 2, nonce: 2, fee: 8}, {sender: 1, nonce: 2, fee: 6}},
			wantGone: []rtKept{{sender: 0, nonce: 1}, {sender: 1, nonce: 1}}},
		{name: "many adopted while an old one waits: the pool's memory stays bounded",
			ops: []rtOrphanOp{{sender: 0, nonce: 1, fee: 5},
				{cycle: true, sender: 1, nonce: 1, n: 3 * MaxOrphans, fee: 6},
				{sender: 2, nonce: 1, fee: 8}},
			wantLen:  2,
			wantKept: []rtKept{{sender: 0, nonce: 1, fee: 5}, {sender: 2, nonce: 1, fee: 8}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := newOrphans()
			for _, op := range tt.ops {
				for i := range max(op.n, 1) {
					nonce := op.nonce + uint64(i)
					if !op.take {
						o.add(rtT0.Add(op.at), rtOrphan(op.sender, nonce, op.fee), op.from)
					}
					if op.take || op.cycle {
						_, ok := o.take(rtKeys[op.sender].Address(), nonce)
						assert.True(t, ok, "take of %d's nonce %d", op.sender, nonce)
					}
				}
				assert.LessOrEqual(t, o.len(), MaxOrphans)
				assert.LessOrEqual(t, len(o.order), MaxOrphans, "the eviction order is bounded too")
			}
			assert.Equal(t, tt.wantLen, o.len())
			for _, k := range tt.wantKept {
				got, ok := o.take(rtKeys[k.sender].Address(), k.nonce)
				if assert.True(t, ok, "%d's nonce %d kept", k.sender, k.nonce) {
					assert.Equal(t, k.fee, got.tx.Fee, "%d's nonce %d: which one", k.sender, k.nonce)
					assert.Equal(t, k.from, got.from)
					assert.Equal(t, k.nonce, got.tx.Nonce)
				}
			}
			for _, k := range tt.wantGone {
				_, ok := o.take(rtKeys[k.sender].Address(), k.nonce)
				assert.False(t, ok, "%d's nonce %d gone", k.sender, k.nonce)
			}
		})
	}
}
