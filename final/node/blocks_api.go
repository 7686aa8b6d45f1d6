package node

import (
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"time"

	blocks "peerchain/chapters/08-blocks"
	"peerchain/final/api"
	"peerchain/final/store"
)

// Blocks implements api.Backend.
func (n *Node) Blocks(ctx context.Context) (api.Blocks, error) {
	return query(ctx, n, func(m *Machine, _ time.Time) api.Blocks { return m.BlockList() })
}

// Block implements api.Backend: the main chain's block at a height or
// with a hash, from the tree's memory, or else read from the store off
// the loop.
func (n *Node) Block(ctx context.Context, id string) (api.Block, error) {
	byHash, height, err := parseBlockID(id)
	if err != nil {
		return api.Block{}, api.BadRequest(err)
	}
	type found struct {
		hash   blocks.Hash
		height uint64
		tip    uint64
		block  *blocks.Block // nil: not in memory
		ok     bool
	}
	f, err := query(ctx, n, func(m *Machine, _ time.Time) found {
		c := m.ledger.chain
		f := found{hash: byHash, height: height, tip: c.Height()}
		if byHash.IsZero() {
			f.hash, f.ok = c.HashAt(height)
		} else {
			f.height, f.ok = c.HeightOf(byHash)
		}
		f.block = m.ledger.mainBlock(f.hash)
		return f
	})
	if err != nil {
		return api.Block{}, err
	}
	if !f.ok {
		return api.Block{}, api.NotFound(fmt.Errorf("block %s is not on this node's chain (height %d)", id, f.tip))
	}
	b := f.block
	if b == nil {
		if b, err = n.storedBlock(f.hash, f.height); err != nil {
			return api.Block{}, err
		}
	}
	return blockAPI(b, f.height, f.tip), nil
}

// storedBlock reads a block of the main chain from the store: genesis
// is the network's, never stored.
func (n *Node) storedBlock(hash blocks.Hash, height uint64) (*blocks.Block, error) {
	if height == 0 {
		return &n.machine.ledger.chain.Network().Genesis, nil
	}
	raw, err := n.db.Block(hash)
	if errors.Is(err, store.ErrNotFound) {
		// A reorganisation took it off the chain since: ask again.
		return nil, api.NotFound(fmt.Errorf("block %s: %w", hash, err))
	}
	if err != nil {
		return nil, err
	}
	return blocks.ParseBlock(raw)
}

// Headers implements api.Backend.
func (n *Node) Headers(ctx context.Context, from uint64, count int) (api.Headers, error) {
	return query(ctx, n, func(m *Machine, _ time.Time) api.Headers { return m.HeaderList(from, count) })
}

// parseBlockID reads a block's hash (64 hex digits) or height
// (decimal); a zero hash means it was a height.
func parseBlockID(id string) (blocks.Hash, uint64, error) {
	if len(id) == 2*blocks.HashSize {
		h, err := blocks.ParseHash(id)
		return h, 0, err
	}
	height, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return blocks.Hash{}, 0, fmt.Errorf("block %q: want a height (decimal) or a hash (%d hex digits)",
			id, 2*blocks.HashSize)
	}
	return blocks.Hash{}, height, nil
}

// BlockList is the chain's tip and newest blocks, the tip first, in the
// API's terms. Only the loop may call it.
func (m *Machine) BlockList() api.Blocks {
	c := m.ledger.chain
	out := api.Blocks{Height: c.Height(), Tip: c.Tip().String(), Blocks: []api.BlockSummary{}}
	height := c.Height()
	for _, b := range m.ledger.recent() {
		out.Blocks = append(out.Blocks, blockSummary(b, height))
		height--
	}
	return out
}

// HeaderList is up to count headers of the chain from height from, in
// the API's terms. Only the loop may call it.
func (m *Machine) HeaderList(from uint64, count int) api.Headers {
	c := m.ledger.chain
	out := api.Headers{From: from, Height: c.Height(), Headers: []api.Header{}}
	for h := from; h <= c.Height() && len(out.Headers) < count; h++ {
		hd, _ := c.HeaderAt(h)
		raw := hd.Bytes()
		out.Headers = append(out.Headers, api.Header{
			Hash: hd.BlockHash().String(), Height: h, Version: hd.Version,
			PrevBlock: hd.PrevBlock.String(), MerkleRoot: hd.MerkleRoot.String(),
			Time: hd.Timestamp(), Bits: fmt.Sprintf("%08x", hd.Bits), Nonce: hd.Nonce,
			Hex: hex.EncodeToString(raw[:]),
		})
	}
	return out
}

// blockSummary is a block at height in the API's terms.
func blockSummary(b *blocks.Block, height uint64) api.BlockSummary {
	return api.BlockSummary{
		Hash: b.Hash().String(), Height: height, PrevBlock: b.Header.PrevBlock.String(),
		Time: b.Header.Timestamp(), Bits: fmt.Sprintf("%08x", b.Header.Bits), Nonce: b.Header.Nonce,
		Txs: len(b.Txs), Size: b.Size(), Miner: b.Coinbase.To.String(), Reward: b.Coinbase.Amount,
	}
}

// blockAPI is a block at height, with the tip at tip, in the API's
// terms.
func blockAPI(b *blocks.Block, height, tip uint64) api.Block {
	out := api.Block{BlockSummary: blockSummary(b, height), Version: b.Header.Version,
		MerkleRoot: b.Header.MerkleRoot.String(), Confirmations: tip - height + 1,
		Transactions: make([]api.Tx, 0, len(b.Txs))}
	for _, tx := range b.Txs {
		out.Transactions = append(out.Transactions, txAPI(tx))
	}
	return out
}
