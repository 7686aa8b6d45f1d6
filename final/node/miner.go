package node

import (
	"context"
	"errors"
	"time"

	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	pow "peerchain/chapters/09-pow"
)

// templateRetry is how long the miner waits after a template it could
// not make (a mempool whose fees overflow, which the chain refuses),
// unless the tip moves first.
const templateRetry = time.Second

// docs:begin miner

// mine mines on the node's tip until ctx ends. It asks the loop for a
// template (the machine changes only on the loop), searches it on
// MineThreads threads, and hands a block it finds to the loop as any
// published item: the block type's check connects it, and the
// broadcast relays it. A new tip, mined anywhere, stops the search:
// the template builds on a parent that is no longer the tip.
func (n *Node) mine(ctx context.Context) {
	for ctx.Err() == nil {
		select {
		case <-n.tipChanged: // the template below sees the new tip
		default:
		}
		t, err := query(ctx, n, func(m *Machine, now time.Time) templateResult {
			b, err := m.ledger.template(n.cfg.MineTo, now)
			return templateResult{b, err}
		})
		if err == nil {
			err = t.err
		}
		if err != nil {
			if ctx.Err() == nil {
				n.log.Error("no block template", "err", err)
				n.waitTip(ctx, templateRetry)
			}
			continue
		}
		b := t.b
		res, err := n.search(ctx, b)
		switch {
		case errors.Is(err, context.Canceled):
			continue // a new tip, or the node stops
		case err != nil:
			n.log.Error("mining failed", "err", err)
			continue
		}
		raw, err := b.Bytes()
		if err != nil {
			n.log.Error("mined block does not encode", "err", err)
			continue
		}
		n.log.Info("mined block", "height", b.Coinbase.Height, "hash", b.Hash().Short(),
			"txs", len(b.Txs), "hashes", res.Hashes)
		_ = n.inject(ctx, transactions.Name, broadcast.Publish{Item: broadcast.Item{
			Type: blocks.BlockItem, ID: broadcast.ID(b.Hash()), Data: raw}})
	}
}

// docs:end miner

// search mines b until it meets its target, the tip changes, or ctx
// ends.
func (n *Node) search(ctx context.Context, b *blocks.Block) (pow.Result, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan struct{})
	defer close(done)
	go func() {
		select {
		case <-n.tipChanged:
			cancel()
		case <-done:
		}
	}()
	return pow.MineBlock(ctx, b, pow.Config{Threads: n.cfg.MineThreads, Now: time.Now})
}

// waitTip waits for a new tip, at most d.
func (n *Node) waitTip(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-t.C:
	case <-n.tipChanged:
	}
}

// templateResult is a template, or why there is none, from the loop.
type templateResult struct {
	b   *blocks.Block
	err error
}
