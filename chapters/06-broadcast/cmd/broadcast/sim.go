package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/fatih/color"

	simulation "peerchain/chapters/04-simulation"
	bc "peerchain/chapters/06-broadcast"
)

// simOptions are the flags of a simulated run.
type simOptions struct {
	policy  policy
	glomers bc.GlomersConfig
	show    int // first items to show spreading
}

// barWidth is the length of a full bar, in characters.
const barWidth = 40

// maxShownSteps bounds the columns of an item's spread, 100 ms each.
const maxShownSteps = 16

// watcher is what the demo sees of the challenge's run, through
// bc.GlomersWatch, and prints as it goes.
type watcher struct {
	out       io.Writer
	g         bc.GlomersConfig
	published []published
	index     map[bc.ID]int
	reached   []int             // nodes holding each item
	arrivals  [][]time.Duration // for the first items: when each node got it
	everyAt   time.Duration     // when the last item reached its last node
	cut, heal time.Duration     // with Partition: when
	said      int               // partition lines printed: 0, 1 or 2
}

type published struct {
	id   bc.ID
	at   time.Duration
	node simulation.NodeID
}

func newWatcher(out io.Writer, o simOptions) *watcher {
	g := o.glomers
	w := &watcher{out: out, g: g, index: map[bc.ID]int{},
		arrivals: make([][]time.Duration, max(o.show, 0)),
		cut:      g.Duration / 4, heal: g.Duration/4 + bc.GlomersPartition}
	if !g.Partition {
		w.said = 2
	}
	return w
}

// hooks are the watcher's bc.GlomersWatch.
func (w *watcher) hooks() bc.GlomersWatch {
	return bc.GlomersWatch{Published: w.onPublished, Delivered: w.onDelivered, Second: w.onSecond}
}

func (w *watcher) onPublished(at time.Duration, node simulation.NodeID, id bc.ID) {
	w.index[id] = len(w.published)
	w.published = append(w.published, published{id: id, at: at, node: node})
	w.reached = append(w.reached, 0)
}

func (w *watcher) onDelivered(at time.Duration, _ simulation.NodeID, d bc.Delivered) {
	i, ok := w.index[d.Item.ID]
	if !ok {
		return
	}
	w.reached[i]++
	if w.reached[i] == w.g.Nodes {
		w.everyAt = max(w.everyAt, at)
	}
	if i < len(w.arrivals) {
		w.arrivals[i] = append(w.arrivals[i], at-w.published[i].at)
	}
}

// onSecond prints a line of the table, and the partition's cut and
// heal in their places.
func (w *watcher) onSecond(at time.Duration, messages uint64, ops int) {
	w.partition(at, false)
	w.line(at, len(w.published), w.everywhere(), float64(messages)/float64(max(ops, 1)))
	w.partition(at, true)
}

// partition prints the cut and the heal: before the line of second at
// if they came before it, after it if they come right at its end.
func (w *watcher) partition(at time.Duration, after bool) {
	for w.said < 2 {
		when, what := w.cut, fmt.Sprintf("node %d cut off from the rest", w.g.Nodes-1)
		if w.said == 1 {
			when, what = w.heal, "healed"
		}
		if when > at || (when == at) != after {
			return
		}
		fmt.Fprintln(w.out, color.YellowString("%6v  %s", when, what))
		w.said++
	}
}

func (w *watcher) line(at time.Duration, published, everywhere int, perOp float64) {
	bar := ""
	if published > 0 {
		full := everywhere * barWidth / published
		bar = color.GreenString(strings.Repeat("█", full)) + strings.Repeat("░", barWidth-full)
	}
	fmt.Fprintf(w.out, "%6v  %9d  %10d  %11.2f  |%s|\n", at, published, everywhere, perOp, bar)
}

// everywhere counts the items that reached every node.
func (w *watcher) everywhere() int {
	n := 0
	for _, r := range w.reached {
		if r == w.g.Nodes {
			n++
		}
	}
	return n
}

// simulate runs the challenge once, bc.Glomers watched as it goes: a
// line a second, then how the first items spread, then the run's own
// figures, the grader's.
func simulate(out io.Writer, o simOptions) error {
	g := o.glomers
	if g.Nodes < 2 || g.Rate < 1 || g.Duration <= 0 {
		return fmt.Errorf("-nodes %d, -rate %d, -duration %v: want at least 2 nodes, 1 operation a second and some time",
			g.Nodes, g.Rate, g.Duration)
	}
	if time.Second%(time.Second/time.Duration(g.Rate)) != 0 {
		return fmt.Errorf("-rate %d: want a rate that divides a second into whole nanoseconds, such as 100", g.Rate)
	}
	if g.Partition && g.Duration/4+bc.GlomersPartition >= g.Duration {
		return fmt.Errorf("-partition needs a -duration over %v: the cut starts a quarter of the way in, lasts %v, and must heal before the end",
			bc.GlomersPartition*4/3, bc.GlomersPartition)
	}
	fmt.Fprintf(out, "%d nodes, %v on every message, %d operations a second for %v, half of them broadcasts; seed %d\n",
		g.Nodes, bc.GlomersLatency, g.Rate, g.Duration, g.Seed)
	fmt.Fprintf(out, "policy: %s\n", o.policy.name)
	fmt.Fprintf(out, "the nodes build their overlay in a %v warm-up (%d outbound, %d inbound at most), then:\n\n",
		bc.GlomersWarmup, bc.GlomersOutbound, bc.GlomersMaxInbound)
	fmt.Fprintln(out, "  time  published  everywhere  msgs-per-op")
	w := newWatcher(out, o)
	g.Watch = w.hooks()
	res, err := bc.Glomers(g)
	if err != nil {
		return err
	}
	end := g.Duration + bc.GlomersDrain
	if w.everyAt > g.Duration {
		fmt.Fprintf(out, "     …  every item everywhere %v in\n", w.everyAt.Round(time.Millisecond))
	} else {
		fmt.Fprintln(out, "     …")
	}
	w.line(end, res.Broadcasts, res.Broadcasts-res.Missing, res.MsgsPerOp)
	if res.Missing > 0 {
		fmt.Fprintln(out, color.RedString("%d items never reached every node", res.Missing))
	}
	showSpread(out, w)
	showFigures(out, res, g)
	return nil
}

// showSpread prints how many nodes held each of the first items, 100 ms
// after 100 ms.
func showSpread(out io.Writer, w *watcher) {
	if len(w.arrivals) == 0 || len(w.published) == 0 {
		return
	}
	fmt.Fprintf(out, "\nThe first items: how many nodes hold each, every %v after it was published\n", bc.GlomersLatency)
	for i, times := range w.arrivals {
		if i >= len(w.published) {
			break
		}
		slices.Sort(times)
		p := w.published[i]
		var b strings.Builder
		held := 0
		for step := 0; step < maxShownSteps && held < w.g.Nodes; step++ {
			at := time.Duration(step) * bc.GlomersLatency
			held, _ = slices.BinarySearch(times, at+1)
			fmt.Fprintf(&b, "%3d", held)
		}
		last := "never everywhere"
		if len(times) == w.g.Nodes {
			last = fmt.Sprintf("everywhere after %v", times[len(times)-1].Round(time.Millisecond))
		}
		fmt.Fprintf(out, "  %s from node %-3d %s   %s\n", p.id, p.node, b.String(), last)
	}
}

// showFigures prints the challenge's figures, as bc.Glomers measured
// them, against both bounds and the goal.
func showFigures(out io.Writer, res bc.GlomersResult, g bc.GlomersConfig) {
	fmt.Fprintf(out, "\nThe challenge's figures (broadcast.Glomers, seed %d):\n", g.Seed)
	mark := func(ok bool) string {
		if ok {
			return color.GreenString("✓")
		}
		return color.RedString("✗")
	}
	var head strings.Builder
	fmt.Fprintf(&head, "  %-12s %9s", "", "")
	for _, b := range bc.GlomersBounds {
		fmt.Fprintf(&head, "   %-14s", b.Name)
	}
	fmt.Fprintln(out, strings.TrimRight(head.String(), " "))
	rows := []struct {
		name  string
		value string
		v     float64
		limit func(b bc.GlomersBound) float64
		shown func(b bc.GlomersBound) string
	}{
		{"msgs-per-op", fmt.Sprintf("%.2f", res.MsgsPerOp), res.MsgsPerOp,
			func(b bc.GlomersBound) float64 { return b.MsgsPerOp },
			func(b bc.GlomersBound) string { return fmt.Sprintf("%s %g", b.Sign(), b.MsgsPerOp) }},
		{"median", res.Median.Round(time.Millisecond).String(), float64(res.Median),
			func(b bc.GlomersBound) float64 { return float64(b.Median) },
			func(b bc.GlomersBound) string { return fmt.Sprintf("%s %v", b.Sign(), b.Median) }},
		{"max", res.Max.Round(time.Millisecond).String(), float64(res.Max),
			func(b bc.GlomersBound) float64 { return float64(b.Max) },
			func(b bc.GlomersBound) string { return fmt.Sprintf("%s %v", b.Sign(), b.Max) }},
	}
	met := make([]bool, len(bc.GlomersBounds))
	for i := range met {
		met[i] = res.Missing == 0
	}
	for _, row := range rows {
		var line strings.Builder
		fmt.Fprintf(&line, "  %-12s %9s", row.name, row.value)
		for i, b := range bc.GlomersBounds {
			ok := b.Within(row.v, row.limit(b))
			met[i] = met[i] && ok
			fmt.Fprintf(&line, "   %-8s %s    ", row.shown(b), mark(ok))
		}
		fmt.Fprintln(out, strings.TrimRight(line.String(), " "))
	}
	fmt.Fprintf(out, "  by message: %s\n", perCommand(res))
	if res.Missing == 0 {
		fmt.Fprintf(out, "  every item reached every node (%d of %d)", res.Broadcasts, res.Broadcasts)
	} else {
		fmt.Fprint(out, color.RedString("  %d of %d items never reached every node", res.Missing, res.Broadcasts))
	}
	fmt.Fprintf(out, "; at most %d connections a node; %.0f bytes per broadcast\n",
		res.MaxConnections, res.BytesPerBroadcast)
	var verdict []string
	for i, b := range bc.GlomersBounds {
		if met[i] {
			verdict = append(verdict, b.Name)
		}
	}
	if g.Partition {
		if res.Missing == 0 {
			fmt.Fprintf(out, "  every item published before the heal was everywhere %v after it\n",
				res.Healed.Round(time.Millisecond))
		}
		fmt.Fprintf(out, "  the latencies count the items published while node %d was cut off: they waited for the heal\n",
			g.Nodes-1)
		return
	}
	if len(verdict) == 0 {
		fmt.Fprintln(out, color.RedString("  no bound met"))
		return
	}
	fmt.Fprintln(out, color.GreenString("  met: %s", strings.Join(verdict, ", ")))
}

// perCommand is msgs-per-op by command, the busiest first.
func perCommand(res bc.GlomersResult) string {
	cmds := make([]string, 0, len(res.PerOp))
	for cmd, n := range res.PerOp {
		if n > 0 {
			cmds = append(cmds, cmd)
		}
	}
	slices.SortFunc(cmds, func(a, b string) int {
		if res.PerOp[a] != res.PerOp[b] {
			if res.PerOp[a] > res.PerOp[b] {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	parts := make([]string, len(cmds))
	for i, cmd := range cmds {
		parts[i] = fmt.Sprintf("%s %.2f", cmd, res.PerOp[cmd])
		if res.PerOp[cmd] < 0.005 {
			parts[i] = cmd + " < 0.01"
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}
