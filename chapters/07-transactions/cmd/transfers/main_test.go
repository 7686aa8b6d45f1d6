package main

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/fatih/color"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	simulation "peerchain/chapters/04-simulation"
	txn "peerchain/chapters/07-transactions"
	"peerchain/tools/command/commandtest"
)

func TestMain(m *testing.M) { commandtest.Main(m) }

// runTransfers runs the command.
func runTransfers(t *testing.T, args ...string) (string, error) {
	t.Helper()
	return commandtest.Run(t, run, append([]string{"transfers"}, args...)...)
}

// small is a network the tests run in a fraction of a second.
var small = []string{"-nodes", "8", "-wallets", "6", "-duration", "3s", "-rate", "4"}

// smallOptions are small's flags as options, with a policy.
func smallOptions(t *testing.T, name string, stem bool) options {
	t.Helper()
	p, err := pickPolicy(name)
	require.NoError(t, err)
	return options{seed: 1, nodes: 8, wallets: 6, duration: 3 * time.Second, rate: 4,
		policy: p, stem: stem}
}

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

var (
	progressLine = regexp.MustCompile(`(?m)^ +[\d.]+s +(\d+) +(\d+) +(\d+) +(\d+)`)
	allLine      = regexp.MustCompile(`(?m)^every mempool holds all (\d+) accepted transfers, `)
	conflictLine = regexp.MustCompile(`(?m)^  after \S+: B ([0-9a-f]{8}) in (\d+) of (\d+) mempools, A in 0, both in 0$`)
	spendLine    = regexp.MustCompile(`(?m)^  ([AB])  ([0-9a-f]{8})  at node (\d+) `)
	banLine      = regexp.MustCompile(`(?m)^ +[\d.]+s  node (\d+) bans sim-(\d+): invalid item: bad signature: ([0-9a-f]{8})$`)
	bannedLine   = regexp.MustCompile(`(?m)^  (\d+) of (\d+) peers? banned node (\d+); ([0-9a-f]{8}) is in 0 of (\d+) mempools$`)
	blockRow     = regexp.MustCompile(`(?m)^  ([0-9a-f]{8})  (w\d+) +(w\d+) +(\d+) +([\d.]+) +(\d+)$`)
	totalLine    = regexp.MustCompile(`(?m)^  (\d+) transactions, total fee (\d+)`)
)

func TestRun(t *testing.T) {
	tests := []struct {
		name  string
		args  []string
		wants []string // in the output, in order
	}{
		{name: "batched", args: small, wants: []string{
			"8 nodes, 100ms on every message, 6 wallets of 15000 each; seed 1",
			"relay: batched (announced after 500ms on average, then fetched)",
			"stem: none, each transfer is broadcast from the node it is submitted at",
			"the overlay forms in 20s; then 4 transfers a second for 3s,",
			"  time  submitted  accepted  in every mempool  refused\n    1s ",
			"\n    2s ", "\n    3s ",
			"every mempool holds all ",
			"Two spends of one nonce: ", "at node 0 and node ",
			"  A  ", "fee 300\n",
			"  B  ", "fee 330: A's and the 10% bump\n",
			"  after ", ": B ", " in 8 of 8 mempools, A in 0, both in 0\n",
			"An invalid transfer: node 7 pushes ", ", its signature broken, to its ",
			"  node ", " bans sim-7: invalid item: bad signature: ",
			" peers banned node 7; ",
			"The next block a miner would take from node 0's mempool of ",
			"Select(Limit{Count: 20}) with GreedySelect\n",
			"  id        from   to       fee  fee rate  nonce\n",
			" transactions, total fee ",
		}},
		{name: "flood", args: append([]string{"-policy", "flood"}, small...), wants: []string{
			"relay: flood (every transfer pushed to every peer, at once)",
			"every mempool holds all ",
			" in 8 of 8 mempools, A in 0, both in 0\n",
		}},
		{name: "two nodes", args: []string{"-nodes", "2", "-wallets", "2", "-duration", "1s", "-rate", "2"}, wants: []string{
			"the overlay forms in ",
			"every mempool holds all 2 accepted transfers",
			"at node 0 and node 1, 1 hop apart",
			" in 2 of 2 mempools, A in 0, both in 0\n",
			"  1 of 1 peer banned node 1; ",
			" transactions, total fee ",
		}},
		{name: "stem", args: append([]string{"-stem", "-seed", "2"}, small...), wants: []string{
			"seed 2",
			"stem: Dandelion's, before the broadcast (each node ends it with chance 0.2)",
			"every mempool holds all ",
			" in 8 of 8 mempools, A in 0, both in 0\n",
			" peers banned node 7; ",
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runTransfers(t, tt.args...)
			require.NoError(t, err)
			inOrder(t, out, tt.wants...)
			banned := bannedLine.FindStringSubmatch(out)
			require.NotNil(t, banned, out)
			assert.Equal(t, banned[1], banned[2], "every peer handed it bans the liar")
			assert.Positive(t, atoi(t, banned[2]))
		})
	}
}

func atoi(t *testing.T, s string) int {
	t.Helper()
	n, err := strconv.Atoi(s)
	require.NoError(t, err)
	return n
}

// TestOutputIsTheNetworks: what the demo prints is what its network's
// mempools hold: every one has every accepted transfer, the spend named
// as the winner is the one that pays the bump and is in every mempool,
// the peers that ban the liar are its own, no mempool holds its
// transfer, and the block shown is node 0's Select.
func TestOutputIsTheNetworks(t *testing.T) {
	tests := []struct {
		name   string
		policy string
		stem   bool
	}{
		{name: "batched", policy: "batched"},
		{name: "flood with a stem", policy: "flood", stem: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			d, err := runDemo(&buf, smallOptions(t, tt.policy, tt.stem))
			require.NoError(t, err)
			out := buf.String()

			rows := progressLine.FindAllStringSubmatch(out, -1)
			require.GreaterOrEqual(t, len(rows), 3, "a line a second:\n%s", out)
			last := rows[len(rows)-1]
			submitted, accepted, every, refused := atoi(t, last[1]), atoi(t, last[2]),
				atoi(t, last[3]), atoi(t, last[4])
			assert.Equal(t, 3*4, submitted, "4 a second for 3s")
			assert.Equal(t, accepted, every, "at the end, every accepted one is everywhere")
			assert.Equal(t, submitted, accepted+refused, "each submitted one is accepted or refused")
			all := allLine.FindStringSubmatch(out)
			require.NotNil(t, all, out)
			assert.Equal(t, strconv.Itoa(accepted), all[1])
			require.Positive(t, accepted)
			for i, rl := range d.s.Relays {
				held := 0
				for id := range d.ours {
					if rl.Mempool().Has(id) {
						held++
					}
				}
				assert.Equal(t, accepted, held, "node %d's mempool", i)
			}

			require.NotNil(t, d.spendB)
			assert.Greater(t, d.spendB.Fee, d.spendA.Fee)
			assert.Equal(t, d.spendA.Nonce, d.spendB.Nonce)
			spends := spendLine.FindAllStringSubmatch(out, -1)
			require.Len(t, spends, 2, out)
			assert.Equal(t, []string{"A", d.spendA.ID().String(), "0"}, spends[0][1:])
			assert.Equal(t, "B", spends[1][1])
			assert.Equal(t, d.spendB.ID().String(), spends[1][2])
			assert.NotEqual(t, "0", spends[1][3], "far from node 0")
			won := conflictLine.FindStringSubmatch(out)
			require.NotNil(t, won, out)
			assert.Equal(t, []string{d.spendB.ID().String(), "8", "8"}, won[1:], "the bump-paying spend")
			for i, rl := range d.s.Relays {
				assert.True(t, rl.Mempool().Has(d.spendB.ID()), "node %d holds B", i)
				assert.False(t, rl.Mempool().Has(d.spendA.ID()), "node %d holds A", i)
			}

			require.NotNil(t, d.bad)
			bans := banLine.FindAllStringSubmatch(out, -1)
			require.NotEmpty(t, bans, out)
			var banners []simulation.NodeID
			for _, b := range bans {
				assert.Equal(t, "7", b[2], "the liar is the last node")
				assert.Equal(t, d.bad.ID().String(), b[3])
				banners = append(banners, simulation.NodeID(atoi(t, b[1])))
			}
			assert.ElementsMatch(t, d.liarPeers, banners, "the peers it lied to ban it, no one else")
			for i, rl := range d.s.Relays {
				assert.False(t, rl.Mempool().Has(d.bad.ID()), "node %d holds the bad one", i)
			}

			want := d.s.Relays[0].Mempool().Select(blockLimit)
			require.NotEmpty(t, want)
			got := blockRow.FindAllStringSubmatch(out, -1)
			require.Len(t, got, len(want), out)
			fee := uint64(0)
			for i, tx := range want {
				assert.Equal(t, []string{tx.ID().String(), d.name(tx.Sender()), d.name(tx.To),
					strconv.FormatUint(tx.Fee, 10), fmt.Sprintf("%.2f", txn.RateOf(tx).PerByte()),
					strconv.FormatUint(tx.Nonce, 10)}, got[i][1:], "row %d", i)
				fee += tx.Fee
			}
			total := totalLine.FindStringSubmatch(out)
			require.NotNil(t, total, out)
			assert.Equal(t, []string{strconv.Itoa(len(want)), strconv.FormatUint(fee, 10)}, total[1:])
		})
	}
}

// TestSameSeedSameOutput: a run is its seed's, byte for byte; another
// seed is another run.
func TestSameSeedSameOutput(t *testing.T) {
	tests := []struct {
		name string
		args []string
	}{
		{name: "batched", args: small},
		{name: "flood with a stem", args: append([]string{"-policy", "flood", "-stem"}, small...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			first, err := runTransfers(t, append([]string{"-seed", "5"}, tt.args...)...)
			require.NoError(t, err)
			again, err := runTransfers(t, append([]string{"-seed", "5"}, tt.args...)...)
			require.NoError(t, err)
			assert.Equal(t, first, again)
			other, err := runTransfers(t, append([]string{"-seed", "6"}, tt.args...)...)
			require.NoError(t, err)
			assert.NotEqual(t, first, other)
		})
	}
}

func TestRejectsBadFlags(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		wantErr string
	}{
		{name: "a policy that is not there", args: []string{"-policy", "gossip"}, wantErr: `-policy "gossip": want batched or flood`},
		{name: "one node", args: []string{"-nodes", "1"}, wantErr: "-nodes 1: want 2 to 1000"},
		{name: "one wallet", args: []string{"-wallets", "1"}, wantErr: "-wallets 1: want 2 to 10000"},
		{name: "no rate", args: []string{"-rate", "0"}, wantErr: "-rate 0: want 1 to 1000 transfers a second"},
		{name: "no time", args: []string{"-duration", "0s"}, wantErr: "-duration 0s: want whole seconds, at least 1s"},
		{name: "part of a second", args: []string{"-duration", "1500ms"}, wantErr: "-duration 1.5s: want whole seconds"},
		{name: "not a number", args: []string{"-nodes", "many"}, wantErr: "many"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := runTransfers(t, tt.args...)
			assert.ErrorContains(t, err, tt.wantErr)
			assert.NotContains(t, out, "nodes, 100ms on every message", "it ran")
		})
	}
}

// TestLab runs -lab: with Select not started it says so and runs
// nothing; started, its block is shown beside GreedySelect's fee.
func TestLab(t *testing.T) {
	out, err := runTransfers(t, append([]string{"-lab"}, small...)...)
	if checkLab() != nil {
		assert.ErrorContains(t, err, "-lab builds the next block with your Select from "+
			"exercises/07-transactions, but Select is not attempted yet")
		assert.Empty(t, out)
		return
	}
	require.NoError(t, err)
	inOrder(t, out, "with your Select (exercises/07-transactions/selection.go)",
		"  id        from ", " transactions, total fee ", "; GreedySelect's: ")
}

// TestColour: colour carries the settled lines, and -no-color takes it
// off.
func TestColour(t *testing.T) {
	t.Cleanup(func() { color.NoColor = true })
	tests := []struct {
		name      string
		args      []string
		wantColor bool
	}{
		{name: "colour", args: small, wantColor: true},
		{name: "-no-color", args: append([]string{"-no-color"}, small...), wantColor: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			color.NoColor = false
			out, err := runTransfers(t, tt.args...)
			require.NoError(t, err)
			assert.Equal(t, tt.wantColor, strings.Contains(out, "\x1b["), out)
		})
	}
}

func TestReason(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want string
	}{
		{name: "fee", err: fmt.Errorf("%w: 72 for 145 bytes", txn.ErrFeeTooLow), want: "fee too low"},
		{name: "balance", err: &txn.RuleError{Code: txn.ErrInsufficient, Detail: "spends 9"}, want: "insufficient balance"},
		{name: "replacement", err: fmt.Errorf("%w: fee 301", txn.ErrReplaceFee), want: "replacement fee too low"},
		{name: "another rule", err: &txn.RuleError{Code: txn.ErrWrongChain}, want: "wrong chain"},
		{name: "anything else", err: errors.New("odd"), want: "odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, reason(tt.err))
		})
	}
}

func TestNodeOf(t *testing.T) {
	tests := []struct {
		name   string
		addr   simulation.Addr
		want   simulation.NodeID
		wantOK bool
	}{
		{name: "a node", addr: simulation.SimAddr(17), want: 17, wantOK: true},
		{name: "node 0", addr: "sim-0", want: 0, wantOK: true},
		{name: "not simulated", addr: "127.0.0.1:7200"},
		{name: "no number", addr: "sim-x"},
		{name: "negative", addr: "sim--1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := nodeOf(tt.addr)
			assert.Equal(t, tt.wantOK, ok)
			if tt.wantOK {
				assert.Equal(t, tt.want, got)
			}
		})
	}
}
