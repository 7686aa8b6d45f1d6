package forkchoice

import (
	"time"

	transactions "peerchain/chapters/07-transactions"
)

// docs:begin mempool

// UpdateMempool tells chapter 07's mempool what a Change did to the
// chain, once the state is at the new tip. The transactions of the
// blocks taken off go back to the pool, lowest block first so that
// each sender's nonces come in order, except those the new branch has
// too; then those of the blocks put on leave it, with whatever they
// made invalid. It returns the pending transactions that no longer
// fit: dropped, with neither branch having them.
func UpdateMempool(pool *transactions.Mempool, c *Change,
	now time.Time) []*transactions.Tx {
	onNew := make(map[[32]byte]bool)
	var applied []*transactions.Tx
	for _, b := range c.Connected {
		for _, tx := range b.Txs {
			onNew[tx.ID()] = true
			applied = append(applied, tx)
		}
	}
	var back []*transactions.Tx
	for i := len(c.Disconnected) - 1; i >= 0; i-- {
		for _, tx := range c.Disconnected[i].Txs {
			if !onNew[tx.ID()] {
				back = append(back, tx)
			}
		}
	}
	var dropped []*transactions.Tx
	if len(back) > 0 {
		dropped = pool.BlockReverted(back, now)
	}
	return append(dropped, pool.BlockApplied(applied)...)
}

// docs:end mempool
