package transactions

import (
	"slices"
	"time"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin orphans

// The orphan pool's bounds (Bitcoin Core keeps 100 orphans).
const (
	MaxOrphans = 1_000
	OrphanAge  = 20 * time.Minute
)

// orphan is a valid transaction whose nonce is past its sender's next
// here: its predecessor is on its way, by another path. Bitcoin calls a
// transaction whose inputs are unknown an orphan, and keeps it a while.
type orphan struct {
	tx    *Tx
	from  simulation.PeerID
	added time.Time
}

// orphans holds them by sender and nonce, oldest first for eviction:
// order has each key of byKey once, so it is bounded as byKey is.
type orphans struct {
	byKey map[orphanKey]orphan
	order []orphanKey
}

type orphanKey struct {
	sender Address
	nonce  uint64
}

func newOrphans() *orphans { return &orphans{byKey: make(map[orphanKey]orphan)} }

// add keeps tx, forgetting the oldest past MaxOrphans or OrphanAge.
func (o *orphans) add(now time.Time, tx *Tx, from simulation.PeerID) {
	k := orphanKey{tx.Sender(), tx.Nonce}
	if _, ok := o.byKey[k]; ok {
		return // the first one stays: a conflict is the mempool's to settle
	}
	for len(o.order) > 0 {
		old := o.byKey[o.order[0]]
		if len(o.byKey) < MaxOrphans && now.Sub(old.added) < OrphanAge {
			break
		}
		delete(o.byKey, o.order[0])
		o.order = o.order[1:]
	}
	o.byKey[k] = orphan{tx: tx, from: from, added: now}
	o.order = append(o.order, k)
}

// take removes and returns the orphan of a sender's nonce, if any.
func (o *orphans) take(sender Address, nonce uint64) (orphan, bool) {
	k := orphanKey{sender, nonce}
	v, ok := o.byKey[k]
	if ok {
		delete(o.byKey, k)
		i := slices.Index(o.order, k) // of at most MaxOrphans, on a hit
		o.order = slices.Delete(o.order, i, i+1)
	}
	return v, ok
}

// docs:end orphans

func (o *orphans) len() int { return len(o.byKey) }
