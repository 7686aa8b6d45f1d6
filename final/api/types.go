// Package api is the final node's HTTP JSON API, under /api/v1: what the
// node knows (status, peers, address book, bans, items, mempool,
// accounts, blocks, headers), a server-sent-events stream of what it emits, and the calls
// that change it (ban, connect, publish an item, submit a transaction),
// which need the token from the node's cookie file.
//
// The server knows nothing of how the node works: it asks a Backend, and
// streams what the node Publishes to its Hub.
package api

import (
	"context"
	"time"
)

// Version is the API's path prefix. A change that breaks a client gets
// a new one.
const Version = "/api/v1"

// Backend is what the server asks. Each call is quick and safe from any
// goroutine; the final node answers them through its driver's Query.
type Backend interface {
	Status(ctx context.Context) (Status, error)
	Peers(ctx context.Context) ([]Peer, error)
	Book(ctx context.Context) (Book, error)
	Bans(ctx context.Context) ([]Ban, error)
	// Ban bans an address for a while. An error that matches
	// ErrBadRequest (see BadRequest) is the caller's fault: 400.
	Ban(ctx context.Context, req BanRequest) (Ban, error)
	// Unban lifts the ban on an address: ErrNotFound if there is none.
	Unban(ctx context.Context, addr string) (Unbanned, error)
	// Connect asks the node to dial an address.
	Connect(ctx context.Context, addr string) error
	// Publish broadcasts an item of data, at most Config.MaxItemBytes
	// and not empty (the server checks both).
	Publish(ctx context.Context, data []byte) (Published, error)
	// Items is what the node holds: how many items, and the newest.
	Items(ctx context.Context) (Items, error)
	// Item is one item the node holds, by its ID in reversed hex. An
	// ID that is not one is ErrBadRequest; an item the node does not
	// hold, ErrNotFound.
	Item(ctx context.Context, id string) (Item, error)
	// SubmitTx hands the node a transaction's encoding, for its
	// mempool and its peers. An error that matches ErrBadRequest says
	// why the node would not take it: 400.
	SubmitTx(ctx context.Context, raw []byte) (TxAccepted, error)
	// Mempool is the node's pending transactions, in the order a block
	// would take them.
	Mempool(ctx context.Context) (Mempool, error)
	// Account is what the node knows of an address: the chain's
	// account and its pending transactions. An address that is not
	// one is ErrBadRequest.
	Account(ctx context.Context, addr string) (Account, error)
	// Blocks is the tip and the newest blocks of the main chain, the
	// tip first.
	Blocks(ctx context.Context) (Blocks, error)
	// Block is one block of the main chain, by its hash (reversed hex)
	// or its height (decimal). An id that is neither is ErrBadRequest;
	// a block not on the main chain, ErrNotFound.
	Block(ctx context.Context, id string) (Block, error)
	// Headers is up to count headers of the main chain from height
	// from up; none when from is above the tip.
	Headers(ctx context.Context, from uint64, count int) (Headers, error)
}

// Status is GET /api/v1/status.
type Status struct {
	Name           string    `json:"name,omitempty"` // the devnet's name for the node
	UserAgent      string    `json:"user_agent"`
	Network        string    `json:"network"`
	Listen         string    `json:"listen"`
	API            string    `json:"api"`
	Started        time.Time `json:"started"`
	Uptime         string    `json:"uptime"`
	Inbound        int       `json:"inbound"`
	Outbound       int       `json:"outbound"`
	OutboundTarget int       `json:"outbound_target"`
	Book           Book      `json:"addrbook"`
	Bans           int       `json:"bans"`
	Items          int       `json:"items"`   // items held (chapter 06)
	Mempool        int       `json:"mempool"` // transactions pending (chapter 07)
	// The main chain (chapters 08 and 09).
	Height  uint64    `json:"height"`
	Tip     string    `json:"tip"`      // the tip's hash, reversed hex
	TipTime time.Time `json:"tip_time"` // the tip's header time
	// LastInterval is the time between the last two blocks this node
	// connected, by its own clock, in seconds: 0 before two. Header
	// times move in whole seconds and may run ahead of the clock.
	LastInterval float64 `json:"last_interval_s"`
	Mining       bool    `json:"mining"`
	// Aside is how many valid blocks the node keeps off its chain:
	// blocks on another branch, or whose parent it has not got yet.
	Aside int `json:"aside"`
	// Reorgs is how many times the chain moved to another branch
	// (chapter 10), and DeepestReorg the most blocks one took off.
	Reorgs       int `json:"reorgs"`
	DeepestReorg int `json:"deepest_reorg"`
	// ChainWork is the main chain's cumulative work, genesis included,
	// in 64 hex digits as Bitcoin Core's getblockchaininfo: what the
	// fork choice compares.
	ChainWork string `json:"chain_work"`
	// Headers is the height of the best header chain chapter 11's sync
	// knows, ahead of Height while blocks download; Synced says the
	// node has caught up (new blocks are announced by headers since).
	Headers uint64 `json:"headers"`
	Synced  bool   `json:"synced"`
}

// Peers is the number of connected peers.
func (s Status) Peers() int { return s.Inbound + s.Outbound }

// Peer is one connected peer, in GET /api/v1/peers.
type Peer struct {
	ID        uint64    `json:"id"`
	Addr      string    `json:"addr"`   // where it listens
	Remote    string    `json:"remote"` // the far end of the connection
	Inbound   bool      `json:"inbound"`
	Kind      string    `json:"kind"` // outbound, inbound, feeler, seed
	UserAgent string    `json:"user_agent"`
	Since     time.Time `json:"since"`
	Score     int       `json:"score"` // misbehaviour points
}

// Book is GET /api/v1/addrbook: the address book's size.
type Book struct {
	New   int `json:"new"`
	Tried int `json:"tried"`
}

// Ban is one banned address, in GET /api/v1/bans.
type Ban struct {
	Key    string    `json:"key"`
	Until  time.Time `json:"until"`
	Reason string    `json:"reason"`
}

// BanRequest is the body of POST /api/v1/bans: ban the peer connected
// at Addr, for the node's ban duration (chapter 05's BanDuration).
type BanRequest struct {
	Addr   string `json:"addr"`
	Reason string `json:"reason,omitempty"`
}

// Unbanned is the answer of DELETE /api/v1/bans/{addr}: the address
// whose ban was lifted.
type Unbanned struct {
	Addr string `json:"addr"`
}

// ConnectRequest is the body of POST /api/v1/connect.
type ConnectRequest struct {
	Addr string `json:"addr"`
}

// PublishRequest is the JSON body of POST /api/v1/items (with
// Content-Type: application/json): the item's bytes, as text. Any
// other body is the item's bytes themselves.
type PublishRequest struct {
	Data string `json:"data"`
}

// Published answers POST /api/v1/items.
type Published struct {
	ID   string `json:"id"` // the item's ID in reversed hex
	Size int    `json:"size"`
	// New is false when the node held the item already: nothing is
	// sent again.
	New bool `json:"new"`
}

// Items is GET /api/v1/items.
type Items struct {
	Items  int    `json:"items"`  // how many the node holds
	Recent []Item `json:"recent"` // the newest first, at most MaxRecentItems
}

// MaxRecentItems bounds Items.Recent.
const MaxRecentItems = 10

// Item is one item a node holds. All but its ID are left out when the
// node no longer remembers them (it remembers its newest items).
type Item struct {
	ID   string    `json:"id"` // reversed hex
	Size int       `json:"size,omitempty"`
	From uint64    `json:"from,omitempty"` // the peer it came from
	Here bool      `json:"here,omitempty"` // published at this node
	At   time.Time `json:"at,omitzero"`    // when the node got it
}

// Error is the body of every answer that is not a success.
type Error struct {
	Error string `json:"error"`
}

// TxRequest is the body of POST /api/v1/tx: a signed transaction's
// encoding, in hex.
type TxRequest struct {
	Tx string `json:"tx"`
}

// TxAccepted answers POST /api/v1/tx: the mempool took it.
type TxAccepted struct {
	ID string `json:"id"` // the transaction's ID in reversed hex
}

// Mempool is GET /api/v1/mempool.
type Mempool struct {
	Count int `json:"count"` // transactions pending
	Bytes int `json:"bytes"` // their encodings' size
	// Txs are the pending transactions in the order the mempool's
	// selection takes them for a block, at most MaxMempoolTxs.
	Txs []Tx `json:"txs"`
}

// MaxMempoolTxs bounds Mempool.Txs: a full mempool holds 100,000.
const MaxMempoolTxs = 1000

// Tx is one pending transaction.
type Tx struct {
	ID      string  `json:"id"`   // reversed hex
	From    string  `json:"from"` // the sender's address
	To      string  `json:"to"`
	Amount  uint64  `json:"amount"`
	Fee     uint64  `json:"fee"`
	FeeRate float64 `json:"fee_rate"` // fee a byte
	Size    int     `json:"size"`     // bytes of its encoding
	Nonce   uint64  `json:"nonce"`
	// Memo is the sender's note as text, escaped as Go quotes a string
	// (without the quotes): a memo is any bytes, and a control
	// character or a byte that is not UTF-8 shows as an escape.
	Memo string `json:"memo,omitempty"`
}

// Account is GET /api/v1/accounts/{address}.
type Account struct {
	Address string `json:"address"`
	Balance uint64 `json:"balance"` // on the chain
	Nonce   uint64 `json:"nonce"`   // the chain's next: transactions confirmed
	Pending int    `json:"pending"` // its transactions in the mempool
	// Spendable is the balance less what the pending ones spend.
	Spendable uint64 `json:"spendable"`
	// NextNonce is the nonce its next transaction takes: after the
	// pending ones.
	NextNonce uint64 `json:"next_nonce"`
}
