package transactions

import (
	"bytes"
	"cmp"
	"maps"
	"slices"
	"time"
)

// docs:begin blocks

// BlockApplied is told, after the state applied a block, which
// transactions the block had: they leave the pool, and so does whatever
// they made invalid (the same sender's conflicting ones, or spends its
// balance no longer covers). It returns those dropped that the block did
// not have.
func (m *Mempool) BlockApplied(txs []*Tx) []*Tx {
	included := make(map[[32]byte]bool, len(txs))
	senders := make(map[Address]bool)
	for _, tx := range txs {
		included[tx.ID()] = true
		senders[tx.Sender()] = true
	}
	var dropped []*Tx
	for _, tx := range m.resync(senders, nil, time.Time{}) {
		if !included[tx.ID()] {
			dropped = append(dropped, tx)
		}
	}
	return dropped
}

// BlockReverted is told, after the state rolled a block back, which
// transactions it had: they are pending again, before their senders'
// pending ones, and whatever spent money the block had brought is
// checked again. It returns what no longer fits.
func (m *Mempool) BlockReverted(txs []*Tx, now time.Time) []*Tx {
	affected := make(map[Address]bool)
	for _, tx := range txs {
		affected[tx.Sender()] = true
		affected[tx.To] = true // it may have spent what it was paid
	}
	dropped := m.resync(affected, txs, now)
	for m.overfull() && len(m.tails) > 0 {
		q := m.tails[0]
		dropped = append(dropped, q.tail().tx)
		m.removeTail(q)
	}
	m.compact()
	return dropped
}

// docs:end blocks

func (m *Mempool) overfull() bool {
	return len(m.byID) > m.cfg.MaxCount || m.bytes > m.cfg.MaxBytes
}

// resync rebuilds the queues of some addresses on the state as it is
// now, with extra transactions (a reverted block's) among them: each
// keeps the longest run of nonces from its account's next that its
// balance covers. It returns what it dropped.
func (m *Mempool) resync(addrs map[Address]bool, extra []*Tx, now time.Time) []*Tx {
	byAddr := make(map[Address][]*entry)
	fresh := make(map[*entry]bool)
	for _, tx := range extra {
		if m.Has(tx.ID()) {
			continue
		}
		e := &entry{tx: tx, id: tx.ID(), size: tx.Size(), rate: RateOf(tx), added: now}
		byAddr[tx.Sender()] = append(byAddr[tx.Sender()], e)
		fresh[e] = true
	}
	var dropped []*Tx
	for _, a := range sortedAddresses(addrs) {
		list := byAddr[a]
		if q := m.senders[a]; q != nil {
			list = append(list, q.txs...)
			m.truncate(q, 0)
		}
		slices.SortStableFunc(list, func(x, y *entry) int { return cmp.Compare(x.tx.Nonce, y.tx.Nonce) })
		acc := m.state.Account(a)
		var spent uint64
		next := acc.Nonce
		for _, e := range list {
			cost := e.tx.Cost()
			if e.tx.Nonce != next || next-acc.Nonce >= uint64(m.cfg.MaxPerSender) ||
				spent+cost < spent || spent+cost > acc.Balance {
				dropped = append(dropped, e.tx)
				continue
			}
			e.removed = false
			m.insert(e, nil, a, fresh[e])
			spent += cost
			next++
		}
	}
	m.compact()
	return dropped
}

// sortedAddresses is a map's addresses in order, so that every node
// does the same thing.
func sortedAddresses[V any](m map[Address]V) []Address {
	return slices.SortedFunc(maps.Keys(m), func(a, b Address) int { return bytes.Compare(a[:], b[:]) })
}
