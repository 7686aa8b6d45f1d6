package transactions

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	broadcast "peerchain/chapters/06-broadcast"
)

// mpChain is the network of the mempool's tests.
var mpChain = wire.DevNet

// mpT0 is the tests' clock at its start.
var mpT0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// mpSink is an address nobody in the tests owns.
var mpSink = Address{0xee}

// mpWallets are n keys made from a seed: the same seed, the same keys.
func mpWallets(n int, seed uint64) []Key {
	r := rand.New(rand.NewPCG(seed, 0x6d70))
	keys := make([]Key, n)
	for i := range keys {
		var s [32]byte
		for j := 0; j < len(s); j += 8 {
			binary.LittleEndian.PutUint64(s[j:], r.Uint64())
		}
		keys[i] = KeyFromSeed(s)
	}
	return keys
}

// mpState is a state of mpChain giving each key balance.
func mpState(keys []Key, balance uint64) *State {
	genesis := make(map[Address]uint64, len(keys))
	for _, k := range keys {
		genesis[k.Address()] = balance
	}
	return NewState(mpChain, genesis)
}

// mpTx is a transfer on mpChain, signed by from.
func mpTx(from Key, to Address, amount, fee, nonce uint64) *Tx {
	return mpTxMemo(from, to, amount, fee, nonce, 0)
}

// mpTxMemo is mpTx with a memo of memo bytes, which makes it bigger.
func mpTxMemo(from Key, to Address, amount, fee, nonce uint64, memo int) *Tx {
	tx := &Tx{Chain: mpChain, To: to, Amount: amount, Fee: fee, Nonce: nonce}
	if memo > 0 {
		tx.Memo = make([]byte, memo)
	}
	tx.Sign(from)
	return tx
}

// mpRateTx pays fee rate units a byte, with a memo of memo bytes.
func mpRateTx(from Key, amount, rate, nonce uint64, memo int) *Tx {
	size := uint64(MinTxSize + memo)
	return mpTxMemo(from, mpSink, amount, rate*size, nonce, memo)
}

// mpPool is a mempool of mpChain on state.
func mpPool(t testing.TB, cfg MempoolConfig, state Accounts) *Mempool {
	t.Helper()
	if cfg.Chain == (wire.Magic{}) {
		cfg.Chain = mpChain
	}
	m, err := NewMempool(cfg, state)
	require.NoError(t, err)
	return m
}

// mpAdd adds txs that must be accepted, a second apart from now on.
func mpAdd(t testing.TB, m *Mempool, now time.Time, txs ...*Tx) {
	t.Helper()
	for i, tx := range txs {
		_, err := m.Add(tx, now.Add(time.Duration(i)*time.Second))
		require.NoError(t, err, "adding %s", tx)
	}
}

// mpIDs are the transactions' IDs, in order.
func mpIDs(txs []*Tx) []broadcast.ID {
	ids := make([]broadcast.ID, len(txs))
	for i, tx := range txs {
		ids[i] = tx.ID()
	}
	return ids
}

// mpView is what can be seen of a pool from outside: each sender's
// pending IDs, in nonce order, and the totals.
type mpView struct {
	Queues map[Address][]broadcast.ID
	Len    int
	Bytes  int
}

// mpSnapshot is the pool's view, to compare before and after.
func mpSnapshot(m *Mempool) mpView {
	v := mpView{Queues: make(map[Address][]broadcast.ID), Len: m.Len(), Bytes: m.Bytes()}
	for a, q := range m.senders {
		for _, e := range q.txs {
			v.Queues[a] = append(v.Queues[a], e.id)
		}
	}
	return v
}

// mpDigest sums up a pool cheaply: two pools with the same pending
// entries have the same digest, and the invariants mpCheck checks make
// the rest (their order) follow.
type mpDigest struct {
	Len, Bytes, Senders int
	Spent               uint64
	IDs                 broadcast.ID // every pending ID, XORed
}

// mpDigestOf is the pool's digest.
func mpDigestOf(m *Mempool) mpDigest {
	d := mpDigest{Len: m.Len(), Bytes: m.Bytes(), Senders: len(m.senders)}
	for _, q := range m.senders {
		d.Spent += q.spent
	}
	for id := range m.byID {
		for i := range id {
			d.IDs[i] ^= id[i]
		}
	}
	return d
}

// mpCloneState is a copy of s, built from its Addresses: changing one
// does not change the other.
func mpCloneState(s *State) *State {
	c := NewState(s.Chain(), nil)
	for _, a := range s.Addresses() {
		c.accounts[a] = s.Account(a)
	}
	return c
}

// mpApply applies a block's transactions to s, in order, and returns
// the undos to revert it.
func mpApply(t testing.TB, s *State, txs []*Tx) []Undo {
	t.Helper()
	undos := make([]Undo, 0, len(txs))
	for _, tx := range txs {
		u, err := s.Apply(tx)
		require.NoError(t, err, "applying %s", tx)
		undos = append(undos, u)
	}
	return undos
}

// mpRevert takes back a block's undos, newest first.
func mpRevert(s *State, undos []Undo) {
	for _, u := range slices.Backward(undos) {
		s.Revert(u)
	}
}

// mpCheck is every invariant of a pool on top of state s: nil, or the
// first one broken.
func mpCheck(m *Mempool, s *State) error {
	count, size := 0, 0
	for a, q := range m.senders {
		if q.sender != a || len(q.txs) == 0 {
			return fmt.Errorf("queue of %s: sender %s, %d txs", a, q.sender, len(q.txs))
		}
		if len(q.txs) > m.cfg.MaxPerSender {
			return fmt.Errorf("queue of %s: %d txs, limit %d", a, len(q.txs), m.cfg.MaxPerSender)
		}
		if AddressOf(q.txs[0].tx.From) != a {
			return fmt.Errorf("queue of %s holds another sender's", a)
		}
		acc := s.Account(a)
		var spent uint64
		for i, e := range q.txs {
			if e.tx.Nonce != acc.Nonce+uint64(i) {
				return fmt.Errorf("queue of %s: nonce %d at %d, account's next %d",
					a, e.tx.Nonce, i, acc.Nonce)
			}
			same := bytes.Equal(e.tx.From, q.txs[0].tx.From)
			if !same || e.removed || m.byID[e.id] != e {
				return fmt.Errorf("queue of %s: entry %d (%s) not indexed", a, i, e.id)
			}
			if e.size != e.tx.Size() || e.rate != RateOf(e.tx) {
				return fmt.Errorf("entry %s: size %d, rate %v", e.id, e.size, e.rate)
			}
			spent += e.tx.Cost()
			size += e.size
		}
		count += len(q.txs)
		if spent != q.spent || spent > acc.Balance {
			return fmt.Errorf("queue of %s: spent %d, sum %d, balance %d", a, q.spent, spent, acc.Balance)
		}
	}
	if count != len(m.byID) || size != m.bytes {
		return fmt.Errorf("queues hold %d txs, %d bytes; byID %d, bytes %d",
			count, size, len(m.byID), m.bytes)
	}
	if count > m.cfg.MaxCount || size > m.cfg.MaxBytes {
		return fmt.Errorf("%d txs, %d bytes: over %d, %d",
			count, size, m.cfg.MaxCount, m.cfg.MaxBytes)
	}
	if err := mpCheckTails(m); err != nil {
		return err
	}
	if err := mpCheckAges(m); err != nil {
		return err
	}
	return mpCheckSelect(m, s)
}

// mpCheckTails checks the heap of queues: each queue once, its index
// right, and no child ordered before its parent.
func mpCheckTails(m *Mempool) error {
	if len(m.tails) != len(m.senders) {
		return fmt.Errorf("%d queues in the heap, %d senders", len(m.tails), len(m.senders))
	}
	for i, q := range m.tails {
		if q.index != i || m.senders[q.sender] != q {
			return fmt.Errorf("heap[%d]: index %d, queue of %s not the sender's", i, q.index, q.sender)
		}
		if i > 0 && m.tails.Less(i, (i-1)/2) {
			return fmt.Errorf("heap[%d] orders before its parent", i)
		}
	}
	return nil
}

// mpCheckAges checks byAge: every pending entry once, oldest first,
// and no more than the bound compact keeps.
func mpCheckAges(m *Mempool) error {
	seen := make(map[*entry]bool, len(m.byID))
	var last time.Time
	for _, e := range m.byAge {
		if e.removed {
			continue
		}
		if seen[e] || m.byID[e.id] != e || e.added.Before(last) {
			return fmt.Errorf("byAge: %s twice, unindexed, or out of order", e.id)
		}
		seen[e], last = true, e.added
	}
	if len(seen) != len(m.byID) {
		return fmt.Errorf("byAge holds %d of %d pending", len(seen), len(m.byID))
	}
	if len(m.byAge) >= 2*len(m.byID)+64 {
		return fmt.Errorf("byAge holds %d entries for %d pending", len(m.byAge), len(m.byID))
	}
	return nil
}

// mpCheckSelect applies what Select takes with no limit, in order, to
// a copy of s: every transaction must apply.
func mpCheckSelect(m *Mempool, s *State) error {
	txs := m.Select(Limit{})
	if len(txs) != m.Len() {
		return fmt.Errorf("select took %d of %d", len(txs), m.Len())
	}
	c := mpCloneState(s)
	for i, tx := range txs {
		if _, err := c.Apply(tx); err != nil {
			return fmt.Errorf("select's tx %d (%s): %w", i, tx, err)
		}
	}
	return nil
}
