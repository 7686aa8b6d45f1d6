package main

import (
	"bufio"
	"context"
	"io"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	bc "peerchain/chapters/06-broadcast"
	"peerchain/tools/command/commandtest"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

// runBroadcast runs the command with no keyboard.
func runBroadcast(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return commandtest.Run(t, func(ctx context.Context, args []string, w io.Writer) error {
		return run(ctx, args, strings.NewReader(""), w)
	}, append([]string{"broadcast"}, args...)...)
}

// small is a network the tests run in a fraction of a second.
var small = []string{"-nodes", "10", "-rate", "20", "-duration", "4s"}

// inOrder checks that wants appear in out, one after the other.
func inOrder(t *testing.T, out string, wants ...string) {
	t.Helper()
	rest := out
	for _, w := range wants {
		i := strings.Index(rest, w)
		if !assert.GreaterOrEqual(t, i, 0, "%q after what came before, in:\n%s", w, out) {
			return
		}
		rest = rest[i+len(w):]
	}
}

func TestSimulate(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		wants []string // in the output, in order
	}{
		{name: "plumtree", args: small, wants: []string{
			"10 nodes, 100ms on every message, 20 operations a second for 4s, half of them broadcasts; seed 1",
			"policy: plumtree (a push waits 0s, 60ms, then 30ms by the hops it has come; " +
				"an announcement rides on a push, or goes after 24s on average)",
			"the nodes build their overlay in a 30s warm-up (3 outbound, 5 inbound at most), then:",
			"  time  published  everywhere  msgs-per-op\n    1s ",
			"\n    4s ", "\n     …", "\n   14s ",
			"The first items: how many nodes hold each, every 100ms after it was published\n  ",
			"  ", "  ", // three of them
			"The challenge's figures (broadcast.Glomers, seed 1):",
			"efficiency I", "efficiency II", "the goal",
			"  msgs-per-op ", "< 30", "< 20", "≤ 10",
			"  median ", "< 400ms", "< 1s", "≤ 400ms",
			"  max ", "< 600ms", "< 2s", "≤ 600ms",
			"  by message: items ",
			"every item reached every node",
			"  met: efficiency I, efficiency II",
		}},
		{name: "flood", args: append([]string{"-policy", "flood", "-show", "1"}, small...), wants: []string{
			"policy: flood (every item pushed to every peer, at once)",
			"The first items",
			"everywhere after",
			"\n\nThe challenge's figures",
			"  met: efficiency I\n",
		}},
		{name: "announce", args: append([]string{"-policy", "announce", "-seed", "4"}, small...), wants: []string{
			"seed 4",
			"policy: announce (inv after 500ms on average, then getdata)",
			"The challenge's figures (broadcast.Glomers, seed 4):",
			"  by message: inv ", "getdata ", "items ",
		}},
		{name: "a partition", args: []string{"-partition", "-nodes", "10", "-rate", "20", "-duration", "8s"}, wants: []string{
			"    2s  node 9 cut off from the rest",
			"    3s ",
			"    7s ",
			"    7s  healed",
			"    8s ",
			"every item reached every node",
			"every item published before the heal was everywhere ",
			"the latencies count the items published while node 9 was cut off",
		}},
		{name: "a cut between two seconds", args: []string{"-partition", "-nodes", "10", "-rate", "20", "-duration", "10s"}, wants: []string{
			"    2s ",
			"  2.5s  node 9 cut off from the rest",
			"    3s ",
			"    7s ",
			"  7.5s  healed",
			"    8s ",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runBroadcast(t, tt.args...)
			require.NoError(t, err)
			inOrder(t, out, tt.wants...)
		})
	}
}

var (
	progressLine = regexp.MustCompile(`(?m)^ +(\d+)s +(\d+) +(\d+) +([\d.]+)  \|`)
	figuresLine  = regexp.MustCompile(`(?m)^  msgs-per-op +([\d.]+) `)
	medianLine   = regexp.MustCompile(`(?m)^  median +(\S+) `)
	spreadLine   = regexp.MustCompile(`(?m)^  ([0-9a-f]{8}) from node (\d+) .* everywhere after (\S+)$`)
)

// seen is what a test's own watch of bc.Glomers records: for each
// second, the items published, the items everywhere and msgs-per-op.
type seen struct {
	nodes     int
	published map[bc.ID]time.Duration
	first     []bc.ID
	firstFrom []simulation.NodeID
	reached   map[bc.ID]int
	lastAt    map[bc.ID]time.Duration
	rows      [][3]string
}

func (s *seen) watch() bc.GlomersWatch {
	return bc.GlomersWatch{
		Published: func(at time.Duration, node simulation.NodeID, id bc.ID) {
			s.published[id] = at
			s.first = append(s.first, id)
			s.firstFrom = append(s.firstFrom, node)
		},
		Delivered: func(at time.Duration, _ simulation.NodeID, d bc.Delivered) {
			s.reached[d.Item.ID]++
			s.lastAt[d.Item.ID] = at - s.published[d.Item.ID]
		},
		Second: func(_ time.Duration, messages uint64, ops int) {
			every := 0
			for _, n := range s.reached {
				if n == s.nodes {
					every++
				}
			}
			s.rows = append(s.rows, [3]string{strconv.Itoa(len(s.published)), strconv.Itoa(every),
				strconv.FormatFloat(float64(messages)/float64(ops), 'f', 2, 64)})
		},
	}
}

// TestSimulateWatchesTheChallenge: the run the demo shows is
// broadcast.Glomers' own: each second's line, the first item's spread
// and the figures are what a watch of the same run sees and measures,
// and the same flags print the same output.
func TestSimulateWatchesTheChallenge(t *testing.T) {
	out, err := runBroadcast(t, append([]string{"-seed", "3"}, small...)...)
	require.NoError(t, err)
	lines := progressLine.FindAllStringSubmatch(out, -1)
	require.Len(t, lines, 5, "a line a second, and one at the end of the drain:\n%s", out)

	p, err := pickPolicy("plumtree", false)
	require.NoError(t, err)
	s := &seen{nodes: 10, published: map[bc.ID]time.Duration{}, reached: map[bc.ID]int{},
		lastAt: map[bc.ID]time.Duration{}}
	res, err := bc.Glomers(bc.GlomersConfig{Seed: 3, Nodes: 10, Rate: 20, Duration: 4 * time.Second,
		Broadcast: p.cfg, Watch: s.watch()})
	require.NoError(t, err)
	require.Len(t, s.rows, 4, "Glomers' watch: a call a second")
	require.Positive(t, res.Broadcasts)
	for i, row := range s.rows {
		assert.Equal(t, strconv.Itoa(i+1), lines[i][1], "line %d's time", i)
		assert.Equal(t, row[:], lines[i][2:5], "line %d: published, everywhere, msgs-per-op", i)
	}
	last := lines[4]
	assert.Equal(t, "14", last[1], "the last line is the end of the drain, %v in", 4*time.Second+bc.GlomersDrain)
	assert.Equal(t, []string{strconv.Itoa(res.Broadcasts), strconv.Itoa(res.Broadcasts - res.Missing),
		strconv.FormatFloat(res.MsgsPerOp, 'f', 2, 64)}, last[2:5], "the last line is Glomers' result")

	fig := figuresLine.FindStringSubmatch(out)
	require.NotNil(t, fig, out)
	assert.Equal(t, last[4], fig[1], "the figures shown are Glomers'")
	med := medianLine.FindStringSubmatch(out)
	require.NotNil(t, med, out)
	assert.Equal(t, res.Median.Round(time.Millisecond).String(), med[1], "the median shown is Glomers'")

	spread := spreadLine.FindStringSubmatch(out)
	require.NotNil(t, spread, out)
	first := s.first[0]
	assert.Equal(t, []string{first.String(), strconv.Itoa(int(s.firstFrom[0])),
		s.lastAt[first].Round(time.Millisecond).String()}, spread[1:4], "the first item's spread")

	again, err := runBroadcast(t, append([]string{"-seed", "3"}, small...)...)
	require.NoError(t, err)
	assert.Equal(t, out, again, "same flags, same output")
}

func TestRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "a policy that is not there", args: []string{"-policy", "gossip"}, wantErr: `-policy "gossip": want plumtree, announce or flood`},
		{name: "one node", args: []string{"-nodes", "1"}, wantErr: "want at least 2 nodes"},
		{name: "no time", args: []string{"-duration", "0s"}, wantErr: "want at least 2 nodes, 1 operation a second and some time"},
		{name: "a partition that never heals", args: []string{"-partition", "-duration", "6s"}, wantErr: "-partition needs a -duration over 6.666666666s"},
		{name: "a rate that does not divide a second", args: []string{"-rate", "7"}, wantErr: "-rate 7: want a rate that divides a second"},
		{name: "-peer without -listen", args: []string{"-peer", "127.0.0.1:7200"}, wantErr: "-peer needs -listen"},
		{name: "a peer that is not an address", args: []string{"-listen", "127.0.0.1:0", "-peer", "localhost"}, wantErr: `-peer "localhost": want IP:PORT`},
		{name: "no outbound", args: []string{"-listen", "127.0.0.1:0", "-outbound", "0"}, wantErr: "-outbound 0: at least 1"},
		{name: "listen on nothing", args: []string{"-listen", "256.0.0.1:1"}, wantErr: "256.0.0.1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := runBroadcast(t, tt.args...)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

// TestLab runs -lab: with LabPolicy not started it says so and stops;
// started, it runs the challenge with it.
func TestLab(t *testing.T) {
	out, err := runBroadcast(t, append([]string{"-lab"}, small...)...)
	if checkLab() != nil {
		assert.ErrorContains(t, err, "-lab runs your LabPolicy from exercises/06-broadcast, but LabPolicy.Route is not attempted yet")
		_, err = runBroadcast(t, "-lab", "-listen", "127.0.0.1:0")
		assert.ErrorContains(t, err, "LabPolicy.Route is not attempted yet", "in a real node too")
		return
	}
	require.NoError(t, err)
	inOrder(t, out, "policy: your LabPolicy (exercises/06-broadcast/policy.go)", "The challenge's figures")
}

// realNode is one real node run in-process, with a keyboard and a
// screen.
type realNode struct {
	keyboard *io.PipeWriter
	screen   chan string
	seen     []string
	done     chan error
}

func startReal(t *testing.T, args ...string) *realNode {
	t.Helper()
	inR, inW := io.Pipe()
	outR, outW := io.Pipe()
	ctx, cancel := context.WithCancel(context.Background())
	n := &realNode{keyboard: inW, screen: make(chan string, 1000), done: make(chan error, 1)}
	go func() {
		n.done <- run(ctx, append([]string{"broadcast"}, args...), inR, outW)
		outW.Close()
	}()
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			n.screen <- sc.Text()
		}
		close(n.screen)
	}()
	t.Cleanup(func() {
		cancel()
		inW.Close()
		select {
		case err := <-n.done:
			assert.NoError(t, err)
		case <-time.After(10 * time.Second):
			t.Errorf("the node did not stop")
		}
		for range n.screen { // until its output ends
		}
	})
	return n
}

// waitFor returns the first line from now on that matches re, and its
// groups.
func (n *realNode) waitFor(t *testing.T, re string) []string {
	t.Helper()
	rx := regexp.MustCompile(re)
	deadline := time.After(20 * time.Second)
	for {
		select {
		case line, ok := <-n.screen:
			require.True(t, ok, "the node stopped; it printed %q", n.seen)
			n.seen = append(n.seen, line)
			if m := rx.FindStringSubmatch(line); m != nil {
				return m
			}
		case <-deadline:
			t.Fatalf("no line matching %q; the node printed %q", re, n.seen)
		}
	}
}

// TestRealNodes runs two real nodes over TCP on loopback: a line typed
// in one reaches the other, and the other way round.
func TestRealNodes(t *testing.T) {
	a := startReal(t, "-listen", "127.0.0.1:0", "-seed-timeout", "200ms")
	addr := a.waitFor(t, `^listening on (127\.0\.0\.1:\d+), `)[1]
	b := startReal(t, "-listen", "127.0.0.1:0", "-seed-timeout", "200ms", "-peer", addr)
	b.waitFor(t, `^listening on 127\.0\.0\.1:\d+, outbound target 2, peers to ask `+regexp.QuoteMeta(addr))
	b.waitFor(t, `^\+ (outbound|inbound) +`+regexp.QuoteMeta(addr)+`$`)

	_, err := io.WriteString(a.keyboard, "hello from a\n")
	require.NoError(t, err)
	a.waitFor(t, `^published [0-9a-f]{8}: hello from a$`)
	b.waitFor(t, `^[0-9a-f]{8} from `+regexp.QuoteMeta(addr)+`: hello from a$`)

	_, err = io.WriteString(b.keyboard, "and back\n")
	require.NoError(t, err)
	a.waitFor(t, `^[0-9a-f]{8} from 127\.0\.0\.1:\d+: and back$`)
}
