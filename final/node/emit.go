package node

import (
	"context"
	"log/slog"
	"time"

	simulation "peerchain/chapters/04-simulation"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
	transactions "peerchain/chapters/07-transactions"
	chainsync "peerchain/chapters/11-sync"
	"peerchain/final/api"
)

// Event types on the API's stream, one per kind of value the node
// emits.
const (
	EventPeerUp      = "peer_up"
	EventPeerDown    = "peer_down"
	EventBanned      = "banned"
	EventAnchors     = "anchors"
	EventSelfLearned = "self_learned"
	EventSeed        = "seed_failed"
	EventItem        = "item"          // an item new to the node
	EventRejected    = "item_rejected" // an item published here, refused
	EventTx          = "tx"            // a transaction new to the mempool
	EventTxDropped   = "tx_dropped"    // transactions gone from it unmined
	EventTxRefused   = "tx_refused"    // a transaction submitted here, refused
	EventBlock       = "block"         // a new tip
	EventBlockAside  = "block_aside"   // a valid block kept off the chain
	EventReorg       = "reorg"         // the chain moved to another branch
	EventForkRefused = "fork_refused"  // a branch too deep to follow
	EventSynced      = "synced"        // chapter 11's sync caught up
	EventSyncStatus  = "sync_progress" // how far the download is
	EventSyncStalled = "sync_stalled"  // a peer held the download up
	EventSyncFault   = "sync_fault"    // a block the sync could not use
	EventError       = "error"
	EventOther       = "other"
)

// Stream forms of what chapter 05 emits: its values hold errors and
// kinds, which JSON would show as {} and numbers.
type (
	peerUpEvent struct {
		Peer uint64 `json:"peer"`
		Addr string `json:"addr"`
		Kind string `json:"kind"`
	}
	peerDownEvent struct {
		Peer   uint64 `json:"peer"`
		Addr   string `json:"addr"`
		Kind   string `json:"kind"`
		Reason string `json:"reason"`
	}
	bannedEvent struct {
		Addr   string    `json:"addr"`
		Until  time.Time `json:"until"`
		Reason string    `json:"reason"`
	}
	addrsEvent struct {
		Addrs []simulation.Addr `json:"addrs"`
	}
	textEvent struct {
		Text string `json:"text"`
	}
	// itemEvent is an item without its bytes: a stream event stays
	// small whatever the item's size.
	itemEvent struct {
		ID   string `json:"id"`
		Size int    `json:"size"`
		From uint64 `json:"from"` // the peer; 0: published here
	}
	rejectedEvent struct {
		ID     string `json:"id"`
		Reason string `json:"reason"`
	}
	// txEvent is a transaction, as the mempool listing shows it, and
	// where it came from.
	txEvent struct {
		Tx   api.Tx `json:"tx"`
		Peer uint64 `json:"peer"` // 0: submitted here
		Stem bool   `json:"stem,omitempty"`
	}
	asideEvent struct {
		Hash   string `json:"hash"`
		Parent string `json:"parent"`
		Orphan bool   `json:"orphan,omitempty"`
	}
	syncEvent struct {
		Headers uint64 `json:"headers,omitempty"`
		Height  uint64 `json:"height"`
		Peer    uint64 `json:"peer,omitempty"`
		Timeout string `json:"timeout,omitempty"`
	}
	reorgEvent struct {
		Fork         uint64 `json:"fork"`
		OldTip       string `json:"old_tip"`
		NewTip       string `json:"new_tip"`
		Disconnected int    `json:"disconnected"`
		Connected    int    `json:"connected"`
	}
	txDroppedEvent struct {
		IDs []string `json:"ids"`
		Why string   `json:"why"` // replaced, evicted, expired
	}
)

// describe turns an emitted value into its stream type and data, and
// its log line.
func describe(v any) (typ string, data any, level slog.Level, msg string, attrs []any) {
	switch e := v.(type) {
	case discovery.PeerUp:
		return EventPeerUp, peerUpEvent{uint64(e.Peer), string(e.Addr), e.Kind.String()},
			slog.LevelInfo, "peer up", []any{"peer", e.Peer, "addr", e.Addr, "kind", e.Kind}
	case discovery.PeerDown:
		reason := ""
		if e.Err != nil {
			reason = e.Err.Error()
		}
		return EventPeerDown, peerDownEvent{uint64(e.Peer), string(e.Addr), e.Kind.String(), reason},
			slog.LevelInfo, "peer down", []any{"peer", e.Peer, "addr", e.Addr, "kind", e.Kind, "reason", reason}
	case discovery.Banned:
		return EventBanned, bannedEvent{string(e.Addr), e.Until, e.Reason},
			slog.LevelWarn, "banned", []any{"addr", e.Addr, "until", e.Until.Format(time.RFC3339), "reason", e.Reason}
	case discovery.Anchors:
		return EventAnchors, addrsEvent{e.Addrs}, slog.LevelDebug, "anchors", []any{"addrs", e.Addrs}
	case discovery.SelfLearned:
		return EventSelfLearned, addrsEvent{[]simulation.Addr{e.Addr}},
			slog.LevelInfo, "learned own address", []any{"addr", e.Addr}
	case discovery.SeedResolved:
		return EventSeed, textEvent{errText(e.Err)}, slog.LevelWarn, "seed lookup failed", []any{"name", e.Name, "err", e.Err}
	case broadcast.Delivered:
		// Debug: a busy network delivers many; the devnet's summary
		// counts them.
		return EventItem, itemEvent{e.Item.ID.Hex(), len(e.Item.Data), uint64(e.From)},
			slog.LevelDebug, "item", []any{"id", e.Item.ID, "size", len(e.Item.Data), "from", e.From}
	case broadcast.Rejected:
		return EventRejected, rejectedEvent{e.ID.Hex(), errText(e.Err)},
			slog.LevelWarn, "item rejected", []any{"id", e.ID, "err", e.Err}
	case transactions.Accepted:
		return EventTx, txEvent{txAPI(e.Tx), uint64(e.From), e.Stem},
			slog.LevelDebug, "tx", []any{"id", e.Tx.ID(), "from", e.From}
	case transactions.Dropped:
		ids := make([]string, len(e.Txs))
		for i, tx := range e.Txs {
			ids[i] = tx.ID().Hex()
		}
		return EventTxDropped, txDroppedEvent{ids, e.Why},
			slog.LevelInfo, "txs dropped", []any{"count", len(ids), "why", e.Why}
	case transactions.Refused:
		return EventTxRefused, rejectedEvent{e.ID.Hex(), errText(e.Err)},
			slog.LevelInfo, "tx refused", []any{"id", e.ID, "err", e.Err}
	case BlockConnected:
		b := e.Block
		return EventBlock, blockSummary(b, e.Height), slog.LevelInfo, "block",
			[]any{"height", e.Height, "hash", b.Hash().Short(), "txs", len(b.Txs)}
	case BlockAside:
		return EventBlockAside, asideEvent{e.Hash.String(), e.Parent.String(), e.Orphan}, slog.LevelInfo,
			"block kept aside", []any{"hash", e.Hash.Short(), "parent", e.Parent.Short(), "orphan", e.Orphan}
	case Reorganized:
		return EventReorg, reorgEvent{e.Fork, e.OldTip.String(), e.NewTip.String(),
				e.Disconnected, e.Connected}, slog.LevelWarn, "reorganisation",
			[]any{"fork", e.Fork, "off", e.Disconnected, "on", e.Connected,
				"old_tip", e.OldTip.Short(), "new_tip", e.NewTip.Short()}
	case chainsync.Synced:
		return EventSynced, syncEvent{Height: e.Height}, slog.LevelInfo, "synced", []any{"height", e.Height}
	case chainsync.Progress:
		return EventSyncStatus, syncEvent{Headers: e.Headers, Height: e.Blocks}, slog.LevelInfo,
			"sync progress", []any{"headers", e.Headers, "blocks", e.Blocks}
	case chainsync.Stalled:
		return EventSyncStalled, syncEvent{Height: e.Height, Peer: uint64(e.Peer), Timeout: e.Timeout.String()},
			slog.LevelWarn, "sync stalled",
			[]any{"peer", e.Peer, "height", e.Height, "timeout", e.Timeout}
	case chainsync.Fault:
		return EventSyncFault, textEvent{errText(e.Err)}, slog.LevelWarn, "sync fault", []any{"err", e.Err}
	case ForkRefused:
		return EventForkRefused, rejectedEvent{e.Hash.String(), errText(e.Err)}, slog.LevelWarn,
			"fork refused", []any{"hash", e.Hash.Short(), "err", e.Err}
	case error:
		return EventError, textEvent{e.Error()}, slog.LevelError, "machine error", []any{"err", e}
	}
	return EventOther, v, slog.LevelDebug, "emitted", []any{"value", v}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// docs:begin on-emit

// onEmit is the real driver's OnEmit: it logs what the machine emitted,
// publishes it on the API's stream, and asks for a save when it is
// something to keep (a ban, new anchors). A new tip it writes to the
// store before the loop goes on, so that no block the node has shown
// is lost when it stops, and tells the miner; a reorganisation's
// blocks it writes together, in one transaction. It runs on the loop and
// waits for nothing but that write.
func (n *Node) onEmit(v any) {
	typ, data, level, msg, attrs := describe(v)
	switch c := v.(type) {
	case Reorganized:
		if err := saveBranch(n.db, c.Branch); err != nil {
			n.log.Error("reorganisation not saved", "fork", c.Fork, "err", err)
		}
	case BlockConnected:
		if !c.Reorg { // a reorganisation's blocks are saved with it
			if err := saveBranch(n.db, []BlockConnected{c}); err != nil {
				n.log.Error("block not saved", "height", c.Height, "err", err)
			}
		}
		signal(n.tipChanged)
	}
	n.log.Log(context.Background(), level, msg, attrs...)
	n.hub.Publish(time.Now(), typ, data)
	if typ == EventBanned || typ == EventAnchors {
		signal(n.saveSoon)
	}
}

// docs:end on-emit

// signal wakes whoever waits on c, unless it is woken already.
func signal(c chan struct{}) {
	select {
	case c <- struct{}{}:
	default:
	}
}
