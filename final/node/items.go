package node

import (
	"slices"
	"time"

	broadcast "peerchain/chapters/06-broadcast"
	"peerchain/final/api"
)

// BlobItem is the item type code of the node's items, chapter 06's
// blobs. Chapter 06's Blob has code 1, and so has chapter 07's TxItem
// (Bitcoin's MSG_TX), and a broadcast protocol takes each code once:
// the node's blobs take a code Bitcoin's inventory types do not use.
const BlobItem = 0x100

// Blob is chapter 06's Blob under the node's code.
var Blob = broadcast.ItemType{Code: BlobItem, Name: "blob",
	MaxSize: broadcast.BlobMaxSize}

// newBlob is chapter 06's NewBlob, of the node's Blob type.
func newBlob(data []byte) broadcast.Item {
	return broadcast.Item{Type: BlobItem, ID: broadcast.HashID(data), Data: data}
}

// maxItemLog is how many of the newest items a node remembers the
// details of (size, source, arrival) for the API: about 100 bytes each.
// Older ones it only knows it holds, as chapter 06's seen-cache does.
const maxItemLog = 1024

// itemRecord is what the log keeps of one item delivered.
type itemRecord struct {
	id   broadcast.ID
	size int
	from uint64 // 0: published here
	at   time.Time
}

// itemLog is a bounded record of the newest items, oldest first. Only
// the loop touches it.
type itemLog struct {
	max   int
	byID  map[broadcast.ID]itemRecord
	order []broadcast.ID
}

func newItemLog(size int) *itemLog {
	return &itemLog{max: size, byID: make(map[broadcast.ID]itemRecord)}
}

func (l *itemLog) add(now time.Time, d broadcast.Delivered) {
	if _, ok := l.byID[d.Item.ID]; ok {
		return
	}
	if len(l.order) >= l.max {
		delete(l.byID, l.order[0])
		l.order = l.order[1:]
	}
	l.byID[d.Item.ID] = itemRecord{id: d.Item.ID, size: len(d.Item.Data), from: uint64(d.From), at: now}
	l.order = append(l.order, d.Item.ID)
}

// newest is up to n records, the newest first.
func (l *itemLog) newest(n int) []itemRecord {
	var out []itemRecord
	for _, id := range slices.Backward(l.order) {
		if len(out) == n {
			break
		}
		out = append(out, l.byID[id])
	}
	return out
}

func (r itemRecord) api() api.Item {
	return api.Item{ID: r.id.Hex(), Size: r.size, From: r.from, Here: r.from == 0, At: r.at}
}

// ItemList is what the node holds, in the API's terms: how many items,
// and the newest. Only the loop may call it.
func (m *Machine) ItemList() api.Items {
	out := api.Items{Items: m.blobs, Recent: []api.Item{}}
	for _, r := range m.items.newest(api.MaxRecentItems) {
		out.Recent = append(out.Recent, r.api())
	}
	return out
}

// Item is one item the node holds, and whether it holds it. Only the
// loop may call it.
func (m *Machine) Item(id broadcast.ID) (api.Item, bool) {
	if r, ok := m.items.byID[id]; ok {
		return r.api(), true
	}
	// The broadcast holds transactions too: a pending one is no item.
	if m.Broadcast().Has(id) && !m.relay.Mempool().Has(id) {
		return api.Item{ID: id.Hex()}, true // older than the log
	}
	return api.Item{}, false
}
