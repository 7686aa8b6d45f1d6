package main

import (
	"fmt"

	"github.com/fatih/color"

	txn "peerchain/chapters/07-transactions"
)

// blockLimit is the next block's room, in transactions.
var blockLimit = txn.Limit{Count: 20}

// nextBlock prints the block a miner would take from node 0's mempool:
// its Select, the chapter's GreedySelect or, with -lab, the learner's.
func (d *demo) nextBlock() error {
	pool := d.s.Relays[0].Mempool()
	who := "GreedySelect"
	if d.o.lab {
		who = "your Select (exercises/07-transactions/selection.go)"
	}
	fmt.Fprintf(d.out, "\nThe next block a miner would take from node 0's mempool of %d:\n", pool.Len())
	fmt.Fprintf(d.out, "Select(Limit{Count: %d}) with %s\n", blockLimit.Count, who)
	block := pool.Select(blockLimit)
	d.block = block
	fmt.Fprintln(d.out, "  id        from   to       fee  fee rate  nonce")
	total := uint64(0)
	for _, tx := range block {
		fmt.Fprintf(d.out, "  %s  %-5s  %-5s  %6d  %8.2f  %5d\n", tx.ID(), d.name(tx.Sender()),
			d.name(tx.To), tx.Fee, txn.RateOf(tx).PerByte(), tx.Nonce)
		total += tx.Fee
	}
	fmt.Fprintf(d.out, "  %d transactions, total fee %d", len(block), total)
	if !d.o.lab {
		fmt.Fprintln(d.out)
		return nil
	}
	greedy := uint64(0)
	for _, tx := range txn.GreedySelect(pool.Queues(), blockLimit) {
		greedy += tx.Fee
	}
	fmt.Fprintf(d.out, "; GreedySelect's: %d\n", greedy)
	if err := d.checkBlock(block); err != nil {
		return fmt.Errorf("your Select's block is not one a miner could mine: %w", err)
	}
	if total < greedy {
		fmt.Fprintln(d.out, color.YellowString("  your block pays %d less than GreedySelect's", greedy-total))
	}
	return nil
}

// checkBlock says whether a block fits the limit and applies, in order,
// to node 0's state (the genesis, since no block has been mined).
func (d *demo) checkBlock(block []*txn.Tx) error {
	if blockLimit.Count > 0 && len(block) > blockLimit.Count {
		return fmt.Errorf("%d transactions, limit %d", len(block), blockLimit.Count)
	}
	state := txn.NewState(chain, d.genesis)
	for i, tx := range block {
		if !d.s.Relays[0].Mempool().Has(tx.ID()) {
			return fmt.Errorf("transaction %d, %s, is not in the mempool", i, tx.ID())
		}
		if _, err := state.Apply(tx); err != nil {
			return fmt.Errorf("transaction %d, %s: %w", i, tx.ID(), err)
		}
	}
	return nil
}
