package main

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/fatih/color"

	"peerchain/final/api"
	"peerchain/final/node"
)

// maxTableRows is the most nodes the summary lists one by one; a larger
// network (the simulator's thousand) gets the totals only.
const maxTableRows = 20

// row is one node in a summary: the devnet's from its API, the
// simulator's from its machine.
type row struct {
	name   string
	up     bool
	status api.Status
	note   string // why it is down
	paint  *color.Color
}

// summary renders the state of a network at a moment: a table of its
// nodes (up to maxTableRows) and a line of totals. elapsed is wall time
// for the devnet, virtual time for the simulator.
func summary(elapsed time.Duration, rows []row) []string {
	var lines []string
	if len(rows) <= maxTableRows {
		lines = append(lines, fmt.Sprintf("%-8s %-5s %5s %4s %4s %10s %5s %6s %8s %6s %-8s %8s %6s  %s",
			"NODE", "TYPE", "PEERS", "OUT", "IN", "BOOK N/T", "BANS", "ITEMS", "MEMPOOL", "HEIGHT", "TIP", "INTERVAL",
			"REORGS", "LISTEN"))
		for _, r := range rows {
			name := fmt.Sprintf("%-8s", r.name)
			if r.paint != nil {
				name = r.paint.Sprint(name)
			}
			if !r.up {
				lines = append(lines, fmt.Sprintf("%s %s", name, color.RedString("down: %s", r.note)))
				continue
			}
			s := r.status
			book := fmt.Sprintf("%d/%d", s.Book.New, s.Book.Tried)
			lines = append(lines, fmt.Sprintf("%s %-5s %5d %4d %4d %10s %5d %6d %8d %6d %-8s %8s %6d  %s", name,
				nodeType(s), s.Peers(), s.Outbound, s.Inbound, book, s.Bans, s.Items, s.Mempool,
				s.Height, s.Tip[:min(len(s.Tip), 8)], interval(s.LastInterval), s.Reorgs, s.Listen))
		}
	}
	return append(lines, totals(elapsed, rows))
}

// totals is the summary's last line: how many nodes are up and ready,
// the spread of their peer counts, and once there are items,
// transactions or blocks, of what they hold: min below max is one still
// spreading. For blocks it adds how many tips the nodes have: more than
// one is a block still spreading, or a fork. Once a node has
// reorganised, it adds how often, and the deepest.
func totals(elapsed time.Duration, rows []row) string {
	up, ready, reorgs, deepest := 0, 0, 0, 0
	var peers, items, pools []int
	var heights []uint64
	tips := map[string]bool{}
	for _, r := range rows {
		if !r.up {
			continue
		}
		up++
		peers = append(peers, r.status.Peers())
		items = append(items, r.status.Items)
		pools = append(pools, r.status.Mempool)
		heights = append(heights, r.status.Height)
		tips[r.status.Tip] = true
		reorgs += r.status.Reorgs
		deepest = max(deepest, r.status.DeepestReorg)
		if node.Ready(r.status, len(rows)) {
			ready++
		}
	}
	line := fmt.Sprintf("at %v: %d of %d nodes up, %d ready", elapsed.Truncate(100*time.Millisecond), up, len(rows), ready)
	if len(peers) > 0 {
		slices.Sort(peers)
		line += fmt.Sprintf("; peers min %d, median %d, max %d", peers[0], peers[len(peers)/2], peers[len(peers)-1])
	}
	if slices.Max(append(items, 0)) > 0 {
		slices.Sort(items)
		line += fmt.Sprintf("; items min %d, max %d", items[0], items[len(items)-1])
	}
	if slices.Max(append(pools, 0)) > 0 {
		slices.Sort(pools)
		line += fmt.Sprintf("; mempool min %d, max %d", pools[0], pools[len(pools)-1])
	}
	if slices.Max(append(heights, 0)) > 0 {
		line += fmt.Sprintf("; height min %d, max %d", slices.Min(heights), slices.Max(heights))
		if len(tips) == 1 {
			line += ", tips agree"
		} else {
			line += fmt.Sprintf(", %d tips", len(tips))
		}
	}
	if reorgs > 0 {
		line += fmt.Sprintf("; reorgs %d, deepest %d", reorgs, deepest)
	}
	if up > 0 && ready == len(rows) {
		return color.GreenString("%s", line)
	}
	return line
}

// nodeType is what a node is: a miner, or a full node that checks and
// relays every block without mining.
func nodeType(s api.Status) string {
	if s.Mining {
		return "miner"
	}
	return "full"
}

// interval is a node's last block interval, in seconds: "-" before it
// has one.
func interval(seconds float64) string {
	if seconds <= 0 {
		return "-"
	}
	return fmt.Sprintf("%.1fs", seconds)
}

// readyNote explains "ready" once, under the first summary.
const readyNote = "(ready: at its outbound target, or connected to every other node)"

// plain is a summary without its time, to tell whether anything changed.
func plain(lines []string) string {
	last := lines[len(lines)-1]
	if _, rest, ok := strings.Cut(last, ": "); ok {
		last = rest
	}
	return strings.Join(append(slices.Clone(lines[:len(lines)-1]), last), "\n")
}
