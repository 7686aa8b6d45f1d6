package main

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"peerchain/final/api"
	"peerchain/final/devnet"
)

func TestPrinterLive(t *testing.T) {
	var out bytes.Buffer
	p := newPrinter(&out, true, 2, false)
	p.summary([]string{"s1", "s2"})
	p.line(1, "node1", "hello")
	p.summary([]string{"s3"})
	p.final([]string{"bye"})
	assert.Equal(t, "s1\ns2\n"+
		"\x1b[2A\x1b[J"+"node1 | hello\n"+"s1\ns2\n"+ // the line goes above the summary
		"\x1b[2A\x1b[J"+"s3\n"+ // the summary is redrawn in place
		"\x1b[1A\x1b[J"+"bye\n", out.String())
}

func TestPrinterPlain(t *testing.T) {
	var out bytes.Buffer
	p := newPrinter(&out, false, 12, false)
	p.summary([]string{"table", "at 1s: 2 of 2 nodes up"})
	p.summary([]string{"table", "at 2s: 2 of 2 nodes up"}) // only the time changed
	p.line(3, "node3", "hello")
	p.event(3, "node3", "died", true)
	p.summary([]string{"table2", "at 3s: 2 of 2 nodes up"})
	assert.Equal(t, "table\nat 1s: 2 of 2 nodes up\n"+readyNote+"\n"+
		"node3  | hello\n"+
		"node3  * died\n"+
		"table2\nat 3s: 2 of 2 nodes up\n", out.String())
}

func TestPrinterQuiet(t *testing.T) {
	var out bytes.Buffer
	p := newPrinter(&out, false, 2, true)
	p.line(0, "node0", "chatter")
	p.event(0, "node0", "started", false)
	assert.Equal(t, "node0 * started\n", out.String())
}

func TestSummary(t *testing.T) {
	st := func(out, in int) api.Status {
		return api.Status{Listen: "127.0.0.1:7000", Outbound: out, Inbound: in, OutboundTarget: 8, Book: api.Book{New: 2, Tried: 1}}
	}
	withItems := func(s api.Status, items int) api.Status { s.Items = items; return s }
	withMempool := func(s api.Status, n int) api.Status { s.Mempool = n; return s }
	withBlock := func(s api.Status, height uint64, tip string, interval float64) api.Status {
		s.Height, s.Tip, s.LastInterval = height, tip, interval
		return s
	}
	mining := func(s api.Status) api.Status { s.Mining = true; return s }
	withReorgs := func(s api.Status, reorgs, deepest int) api.Status {
		s.Reorgs, s.DeepestReorg = reorgs, deepest
		return s
	}
	tests := []struct {
		name string
		rows []row
		want []string
	}{
		{name: "ready and down", rows: []row{
			{name: "node0", up: true, status: st(1, 1)},
			{name: "node1", up: true, status: st(2, 0)},
			{name: "node2", note: "exited: signal: killed"},
		}, want: []string{
			"NODE     TYPE  PEERS  OUT   IN   BOOK N/T  BANS  ITEMS  MEMPOOL HEIGHT TIP      INTERVAL REORGS  LISTEN",
			"node0    full      2    1    1        2/1     0      0        0      0                 -      0  127.0.0.1:7000",
			"node1    full      2    2    0        2/1     0      0        0      0                 -      0  127.0.0.1:7000",
			"node2    down: exited: signal: killed",
			"at 1.5s: 2 of 3 nodes up, 2 ready; peers min 2, median 2, max 2",
		}},
		{name: "an item spreading", rows: []row{
			{name: "node0", up: true, status: withItems(st(1, 1), 3)},
			{name: "node1", up: true, status: withItems(st(2, 0), 2)},
			{name: "node2", up: true, status: withItems(st(1, 1), 3)},
		}, want: []string{
			"NODE     TYPE  PEERS  OUT   IN   BOOK N/T  BANS  ITEMS  MEMPOOL HEIGHT TIP      INTERVAL REORGS  LISTEN",
			"node0    full      2    1    1        2/1     0      3        0      0                 -      0  127.0.0.1:7000",
			"node1    full      2    2    0        2/1     0      2        0      0                 -      0  127.0.0.1:7000",
			"node2    full      2    1    1        2/1     0      3        0      0                 -      0  127.0.0.1:7000",
			"at 1.5s: 3 of 3 nodes up, 3 ready; peers min 2, median 2, max 2; items min 2, max 3",
		}},
		{name: "a transaction spreading", rows: []row{
			{name: "node0", up: true, status: withMempool(st(1, 1), 12)},
			{name: "node1", up: true, status: withMempool(st(2, 0), 11)},
		}, want: []string{
			"NODE     TYPE  PEERS  OUT   IN   BOOK N/T  BANS  ITEMS  MEMPOOL HEIGHT TIP      INTERVAL REORGS  LISTEN",
			"node0    full      2    1    1        2/1     0      0       12      0                 -      0  127.0.0.1:7000",
			"node1    full      2    2    0        2/1     0      0       11      0                 -      0  127.0.0.1:7000",
			"at 1.5s: 2 of 2 nodes up, 2 ready; peers min 2, median 2, max 2; mempool min 11, max 12",
		}},
		{name: "a block spreading", rows: []row{
			{name: "node0", up: true, status: mining(withBlock(st(1, 1), 5, "0000abcdef12", 4.5))},
			{name: "node1", up: true, status: withBlock(st(2, 0), 4, "00001234ffff", 12.25)},
			{name: "node2", up: true, status: withBlock(st(1, 1), 5, "0000abcdef12", 4.5)},
		}, want: []string{
			"NODE     TYPE  PEERS  OUT   IN   BOOK N/T  BANS  ITEMS  MEMPOOL HEIGHT TIP      INTERVAL REORGS  LISTEN",
			"node0    miner     2    1    1        2/1     0      0        0      5 0000abcd     4.5s      0  127.0.0.1:7000",
			"node1    full      2    2    0        2/1     0      0        0      4 00001234    12.2s      0  127.0.0.1:7000",
			"node2    full      2    1    1        2/1     0      0        0      5 0000abcd     4.5s      0  127.0.0.1:7000",
			"at 1.5s: 3 of 3 nodes up, 3 ready; peers min 2, median 2, max 2; height min 4, max 5, 2 tips",
		}},
		{name: "tips agree", rows: []row{
			{name: "node0", up: true, status: withBlock(st(1, 1), 5, "0000abcdef12", 4.5)},
			{name: "node1", up: true, status: withBlock(st(2, 0), 5, "0000abcdef12", 4.5)},
		}, want: []string{
			"NODE     TYPE  PEERS  OUT   IN   BOOK N/T  BANS  ITEMS  MEMPOOL HEIGHT TIP      INTERVAL REORGS  LISTEN",
			"node0    full      2    1    1        2/1     0      0        0      5 0000abcd     4.5s      0  127.0.0.1:7000",
			"node1    full      2    2    0        2/1     0      0        0      5 0000abcd     4.5s      0  127.0.0.1:7000",
			"at 1.5s: 2 of 2 nodes up, 2 ready; peers min 2, median 2, max 2; height min 5, max 5, tips agree",
		}},
		{name: "after a reorganisation", rows: []row{
			{name: "node0", up: true, status: withReorgs(withBlock(st(1, 1), 5, "0000abcdef12", 4.5), 2, 3)},
			{name: "node1", up: true, status: withReorgs(withBlock(st(2, 0), 5, "0000abcdef12", 4.5), 1, 1)},
		}, want: []string{
			"NODE     TYPE  PEERS  OUT   IN   BOOK N/T  BANS  ITEMS  MEMPOOL HEIGHT TIP      INTERVAL REORGS  LISTEN",
			"node0    full      2    1    1        2/1     0      0        0      5 0000abcd     4.5s      2  127.0.0.1:7000",
			"node1    full      2    2    0        2/1     0      0        0      5 0000abcd     4.5s      1  127.0.0.1:7000",
			"at 1.5s: 2 of 2 nodes up, 2 ready; peers min 2, median 2, max 2; height min 5, max 5, tips agree; reorgs 3, deepest 3",
		}},
		{name: "none up", rows: []row{{name: "node0", note: "starting"}}, want: []string{
			"NODE     TYPE  PEERS  OUT   IN   BOOK N/T  BANS  ITEMS  MEMPOOL HEIGHT TIP      INTERVAL REORGS  LISTEN",
			"node0    down: starting",
			"at 1.5s: 0 of 1 nodes up, 0 ready",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, summary(1500*time.Millisecond, tt.rows))
		})
	}
	many := make([]row, maxTableRows+1)
	for i := range many {
		many[i] = row{name: "n", up: true, status: st(8, 0)}
	}
	assert.Equal(t, []string{"at 1s: 21 of 21 nodes up, 21 ready; peers min 8, median 8, max 8"}, summary(time.Second, many),
		"over maxTableRows: the totals only")
}

func TestTransferTally(t *testing.T) {
	var tally transferTally
	events := []struct {
		name      string
		event     devnet.Event
		wantShown bool
	}{
		{name: "taken: counted, not shown", event: devnet.Event{Kind: devnet.Transferred}},
		{name: "refused: shown", event: devnet.Event{Kind: devnet.Transferred, Err: errors.New("no")}, wantShown: true},
		{name: "the first held back: shown", event: devnet.Event{Kind: devnet.TransferHeld}, wantShown: true},
		{name: "the next: counted", event: devnet.Event{Kind: devnet.TransferHeld}},
		{name: "anything else: shown", event: devnet.Event{Kind: devnet.Started}, wantShown: true},
	}
	for _, tt := range events {
		assert.Equal(t, tt.wantShown, tally.count(tt.event), tt.name)
	}
	assert.Equal(t, "test transfers: 1 sent, 1 refused, 2 held back", tally.String())
}

func TestPrintStatus(t *testing.T) {
	base := api.Status{Name: "node3", UserAgent: "/peerchain:0.1/", Network: "devnet", Uptime: "1m0s",
		Listen: "127.0.0.1:7003", API: "127.0.0.1:8003", Outbound: 2, Inbound: 1, OutboundTarget: 8,
		Book: api.Book{New: 4, Tried: 2}, Bans: 1, Items: 5, Mempool: 6}
	head := "node3 /peerchain:0.1/, devnet network, up 1m0s\n" +
		"  listen    127.0.0.1:7003\n  api       127.0.0.1:8003\n" +
		"  peers     3 (2 outbound of a target of 8, 1 inbound)\n" +
		"  addrbook  4 new, 2 tried\n  bans      1\n  items     5\n  mempool   6\n"
	tip := "00002f1c9e4ab7d5" + strings.Repeat("0", 48)
	tests := []struct {
		name string
		edit func(*api.Status)
		want string
	}{
		{name: "a miner ahead of genesis", edit: func(s *api.Status) {
			s.Height, s.Tip, s.Mining, s.Aside = 42, tip, true, 3
			s.TipTime = time.Date(2026, 1, 1, 0, 3, 30, 0, time.FixedZone("CET", 3600))
		}, want: "  height    42, tip 00002f1c9e4a, mined 2025-12-31 23:03:30\n" +
			"  mining    yes\n  aside     3 valid blocks off the chain\n  reorgs    0, the deepest 0 blocks off\n"},
		{name: "a relay at genesis", edit: func(s *api.Status) {
			s.Tip, s.TipTime = tip, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
		}, want: "  height    0, tip 00002f1c9e4a, mined 2026-01-01 00:00:00\n" +
			"  mining    no\n  aside     0 valid blocks off the chain\n  reorgs    0, the deepest 0 blocks off\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			st := base
			tt.edit(&st)
			var out bytes.Buffer
			printStatus(&out, st, nil)
			assert.Equal(t, head+tt.want, out.String())
		})
	}
}
