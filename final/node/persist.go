package node

import (
	"fmt"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	"peerchain/final/store"
)

// saved is what the node keeps across restarts, as chapters 05 and 07
// hold it.
type saved struct {
	book    []discovery.KnownAddr
	bans    []discovery.Ban
	anchors []simulation.Addr
	mempool [][]byte // encodings, each sender's in nonce order
}

// load reads what a node saved when it last stopped.
func load(s *store.Store) (saved, error) {
	var out saved
	book, err := s.LoadBook()
	if err != nil {
		return out, err
	}
	for _, k := range book {
		out.book = append(out.book, discovery.KnownAddr{
			Addr: simulation.Addr(k.Addr), Services: k.Services, LastSeen: k.LastSeen,
			Source: simulation.Addr(k.Source), Attempts: k.Attempts, LastAttempt: k.LastAttempt,
			LastSuccess: k.LastSuccess, Tried: k.Tried, RetryAt: k.RetryAt,
		})
	}
	bans, err := s.LoadBans()
	if err != nil {
		return out, err
	}
	for _, b := range bans {
		out.bans = append(out.bans, discovery.Ban{Key: b.Key, Until: b.Until, Reason: b.Reason})
	}
	anchors, err := s.LoadAnchors()
	if err != nil {
		return out, err
	}
	for _, a := range anchors {
		out.anchors = append(out.anchors, simulation.Addr(a))
	}
	out.mempool, err = s.LoadMempool()
	return out, err
}

// snapshot reads what to save from the machine. Only the loop, or the
// node once its loop has stopped, may call it.
func snapshot(m *Machine, now time.Time) saved {
	var out saved
	if b := m.Book(); b != nil {
		out.book = b.Snapshot().Addrs
	}
	out.bans = m.Bans(now)
	out.anchors = m.Anchors()
	out.mempool = mempoolSnapshot(m)
	return out
}

// mempoolSnapshot is the mempool's transactions, each sender's in nonce
// order, as restore adds them back. Only the loop may call it.
func mempoolSnapshot(m *Machine) [][]byte {
	out := [][]byte{}
	for _, q := range m.relay.Mempool().Queues() {
		for _, tx := range q {
			if raw, err := tx.Bytes(); err == nil { // the mempool took it: it encodes
				out = append(out, raw)
			}
		}
	}
	return out
}

// restore adds saved transactions back to a new machine's mempool,
// checked as any: one the state no longer takes is left out. It
// returns how many it added. Only the loop, or its owner before it
// runs, may call it.
func restore(m *Machine, txs [][]byte, now time.Time) int {
	added := 0
	for _, raw := range txs {
		tx, err := transactions.ParseTx(raw)
		if err != nil {
			continue
		}
		if _, err := m.relay.Mempool().Add(tx, now); err == nil {
			added++
		}
	}
	return added
}

// save writes a snapshot to the store.
func save(s *store.Store, sv saved) error {
	book := make([]store.KnownAddr, 0, len(sv.book))
	for _, k := range sv.book {
		book = append(book, store.KnownAddr{
			Addr: string(k.Addr), Services: k.Services, LastSeen: k.LastSeen,
			Source: string(k.Source), Attempts: k.Attempts, LastAttempt: k.LastAttempt,
			LastSuccess: k.LastSuccess, Tried: k.Tried, RetryAt: k.RetryAt,
		})
	}
	bans := make([]store.Ban, 0, len(sv.bans))
	for _, b := range sv.bans {
		bans = append(bans, store.Ban{Key: b.Key, Until: b.Until, Reason: b.Reason})
	}
	anchors := make([]string, 0, len(sv.anchors))
	for _, a := range sv.anchors {
		anchors = append(anchors, string(a))
	}
	if err := s.SaveBook(book); err != nil {
		return fmt.Errorf("save address book: %w", err)
	}
	if err := s.SaveBans(bans); err != nil {
		return fmt.Errorf("save bans: %w", err)
	}
	if err := s.SaveAnchors(anchors); err != nil {
		return fmt.Errorf("save anchors: %w", err)
	}
	if sv.mempool != nil {
		if err := s.SaveMempool(sv.mempool); err != nil {
			return fmt.Errorf("save mempool: %w", err)
		}
	}
	return nil
}

// restoreChain connects the blocks the store kept to a new machine's
// chain, every rule checked again, and returns the height it reached.
// Only its owner, before the loop runs, may call it.
func restoreChain(s *store.Store, m *Machine, now time.Time) (uint64, error) {
	err := s.LoadChain(func(height uint64, hash [32]byte, raw []byte) error {
		b, err := blocks.ParseBlock(raw)
		if err != nil {
			return fmt.Errorf("%w: %s: block at height %d: %v", store.ErrCorrupt, s.Path(), height, err)
		}
		if b.Hash() != hash {
			return fmt.Errorf("%w: %s: block at height %d hashes to %s, stored as %s",
				store.ErrCorrupt, s.Path(), height, b.Hash(), blocks.Hash(hash))
		}
		if err := m.ledger.restore(b, now); err != nil {
			return fmt.Errorf("%s: stored block %s at height %d: %w", s.Path(), b.Hash().Short(), height, err)
		}
		return nil
	})
	return m.ledger.chain.Height(), err
}

// saveBranch writes blocks the chain connected, lowest first, to the
// store in one transaction.
func saveBranch(s *store.Store, branch []BlockConnected) error {
	if len(branch) == 0 {
		return nil
	}
	records := make([]store.BlockRecord, len(branch))
	for i, c := range branch {
		records[i] = store.BlockRecord{Hash: c.Block.Hash(), Raw: c.Raw}
	}
	if err := s.SaveBranch(branch[0].Height, records); err != nil {
		return fmt.Errorf("save blocks from height %d: %w", branch[0].Height, err)
	}
	return nil
}
