package transactions

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	chapter "peerchain/chapters/07-transactions"
	"peerchain/tools/exercise"
	"peerchain/tools/testseed"
)

// The lab's world: every wallet is funded at genesis on the devnet, and
// every transfer reaches the pool at the same moment (the mempool takes
// the time from its caller; the lab has no use for a clock).
var (
	labChain   = wire.DevNet
	labNow     = time.Unix(1_700_000_000, 0)
	labSink    = chapter.Address{0xee} // whom every transfer pays
	labBalance = uint64(1_000_000_000) // what genesis gives each wallet
)

// labBruteMax bounds the rows the brute force checks: at most this many
// senders with at most this many transactions each.
const labBruteMax = 4

// labMaxProblems bounds how many broken rules one row reports.
const labMaxProblems = 5

// labTx is one pending transfer of a scenario: the length of its memo,
// which sets its size, and what it pays a byte.
type labTx struct {
	memo int
	rate uint64
}

// labSmall is a transfer with no memo (chapter.MinTxSize, 145 bytes);
// labBig one with the longest (chapter.MaxTxSize, 403 bytes).
func labSmall(rate uint64) labTx { return labTx{rate: rate} }
func labBig(rate uint64) labTx   { return labTx{memo: chapter.MaxMemo, rate: rate} }

// labKey is wallet i's key: the same i, the same wallet.
func labKey(i int) chapter.Key {
	var seed [32]byte
	copy(seed[:], fmt.Sprintf("peerchain lab wallet %d", i))
	return chapter.KeyFromSeed(seed)
}

// labSenderName is what failure messages call wallet i.
func labSenderName(i int) string {
	if i < 26 {
		return string(rune('A' + i))
	}
	return fmt.Sprintf("wallet %d", i)
}

// labScenario is a real mempool, filled through Add, and what the
// checks need to judge a block chosen from it.
type labScenario struct {
	pool    *chapter.Mempool
	genesis map[chapter.Address]uint64
	pending map[[32]byte]bool
	names   map[chapter.Address]string
}

// labBuild signs each sender's transfers, nonces from 0, and adds them
// to a mempool whose selection is sel.
func labBuild(t testing.TB, senders [][]labTx, sel chapter.SelectFunc) *labScenario {
	t.Helper()
	sc := &labScenario{genesis: map[chapter.Address]uint64{},
		pending: map[[32]byte]bool{}, names: map[chapter.Address]string{}}
	keys := make([]chapter.Key, len(senders))
	for i := range senders {
		keys[i] = labKey(i)
		sc.genesis[keys[i].Address()] = labBalance
		sc.names[keys[i].Address()] = labSenderName(i)
	}
	pool, err := chapter.NewMempool(chapter.MempoolConfig{Chain: labChain, Select: sel},
		chapter.NewState(labChain, sc.genesis))
	require.NoError(t, err)
	sc.pool = pool
	for i, txs := range senders {
		for nonce, spec := range txs {
			tx := &chapter.Tx{Chain: labChain, To: labSink, Amount: 1,
				Nonce: uint64(nonce), Memo: bytes.Repeat([]byte{'m'}, spec.memo)}
			tx.Fee = spec.rate * uint64(tx.Size())
			tx.Sign(keys[i])
			_, err := pool.Add(tx, labNow)
			require.NoError(t, err, "adding %s's nonce %d", labSenderName(i), nonce)
			sc.pending[tx.ID()] = true
		}
	}
	return sc
}

// name is how failure messages call a transaction.
func (sc *labScenario) name(tx *chapter.Tx) string {
	if n, ok := sc.names[tx.Sender()]; ok {
		return fmt.Sprintf("%s's nonce %d", n, tx.Nonce)
	}
	return fmt.Sprintf("%s (nonce %d)", tx.ID(), tx.Nonce)
}

// labTotals is what a block pays and weighs.
func labTotals(block []*chapter.Tx) (fee uint64, size int) {
	for _, tx := range block {
		fee += tx.Fee
		size += tx.Size()
	}
	return fee, size
}

// validity is every rule block breaks: it must hold pending
// transactions, each once, that apply to the genesis state in order,
// and fit limit.
func (sc *labScenario) validity(block []*chapter.Tx, limit chapter.Limit) []string {
	var problems []string
	state := chapter.NewState(labChain, sc.genesis) // the pool's, untouched
	seen := map[[32]byte]bool{}
	for i, tx := range block {
		id := tx.ID()
		switch {
		case !sc.pending[id]:
			problems = append(problems, fmt.Sprintf("tx %d of the block (%s): not one of the pending transactions", i, sc.name(tx)))
		case seen[id]:
			problems = append(problems, fmt.Sprintf("tx %d of the block (%s): taken twice", i, sc.name(tx)))
		default:
			if _, err := state.Apply(tx); err != nil {
				problems = append(problems, fmt.Sprintf("tx %d of the block (%s) does not apply after the ones before it: %v "+
					"(a sender's transactions go in nonce order, from its first pending one, with no gap)", i, sc.name(tx), err))
			}
		}
		seen[id] = true
	}
	_, size := labTotals(block)
	if limit.Count > 0 && len(block) > limit.Count {
		problems = append(problems, fmt.Sprintf("%d transactions, over the limit of %d", len(block), limit.Count))
	}
	if limit.Bytes > 0 && size > limit.Bytes {
		problems = append(problems, fmt.Sprintf("%d bytes, over the limit of %d", size, limit.Bytes))
	}
	return problems
}

// value is how block falls short in fees: under GreedySelect's, under
// the row's figure (want, if not 0), or under the best choice of
// prefixes (if brute, which tries them all).
func (sc *labScenario) value(block []*chapter.Tx, limit chapter.Limit, want uint64, brute bool) []string {
	var problems []string
	fee, _ := labTotals(block)
	greedy, _ := labTotals(chapter.GreedySelect(sc.pool.Queues(), limit))
	if fee < greedy {
		problems = append(problems, fmt.Sprintf("pays %d in fees, less than GreedySelect's %d", fee, greedy))
	}
	if want != 0 && fee != want {
		problems = append(problems, fmt.Sprintf("pays %d in fees, the row's figure is %d (GreedySelect pays %d)", fee, want, greedy))
	}
	if brute {
		best, choice := labOptimum(sc.pool.Queues(), limit)
		if fee != best {
			problems = append(problems, fmt.Sprintf("pays %d in fees, the best choice of prefixes pays %d: %s",
				fee, best, sc.describe(sc.pool.Queues(), choice)))
		}
	}
	return problems
}

// bestFirst is where block is not in fee-rate order, best first.
func (sc *labScenario) bestFirst(block []*chapter.Tx) []string {
	var problems []string
	for i := 1; i < len(block); i++ {
		prev, cur := chapter.RateOf(block[i-1]), chapter.RateOf(block[i])
		if cur.Cmp(prev) > 0 {
			problems = append(problems, fmt.Sprintf("tx %d of the block (%s) pays %.2f a byte, more than the one before it (%s, %.2f): "+
				"with no limit, the whole pool best first", i, sc.name(block[i]), cur.PerByte(), sc.name(block[i-1]), prev.PerByte()))
		}
	}
	return problems
}

// describe says which prefixes choice takes.
func (sc *labScenario) describe(queues [][]*chapter.Tx, choice []int) string {
	var parts []string
	for i, q := range queues {
		if choice[i] > 0 {
			parts = append(parts, fmt.Sprintf("%s's first %d", sc.names[q[0].Sender()], choice[i]))
		}
	}
	if len(parts) == 0 {
		return "nothing"
	}
	slices.Sort(parts)
	return "take " + strings.Join(parts, ", ")
}

// labOptimum is the most any choice of prefixes, one of each queue,
// pays within limit, and how many of each queue it takes: by trying
// every choice, which only small rows can afford.
func labOptimum(queues [][]*chapter.Tx, limit chapter.Limit) (uint64, []int) {
	var best uint64
	bestChoice := make([]int, len(queues))
	choice := make([]int, len(queues))
	var try func(i, count, size int, fee uint64)
	try = func(i, count, size int, fee uint64) {
		if i == len(queues) {
			if fee > best {
				best = fee
				copy(bestChoice, choice)
			}
			return
		}
		for k := 0; k <= len(queues[i]); k++ {
			if k > 0 {
				tx := queues[i][k-1]
				count, size, fee = count+1, size+tx.Size(), fee+tx.Fee
			}
			if (limit.Count > 0 && count > limit.Count) || (limit.Bytes > 0 && size > limit.Bytes) {
				break
			}
			choice[i] = k
			try(i+1, count, size, fee)
		}
		choice[i] = 0
	}
	try(0, 0, 0, 0)
	return best, bestChoice
}

// labSmallRow reports whether the brute force can check a row.
func labSmallRow(senders [][]labTx) bool {
	return len(senders) <= labBruteMax &&
		!slices.ContainsFunc(senders, func(q []labTx) bool { return len(q) > labBruteMax })
}

// labRow is one scenario: each sender's transfers, the block's limit,
// and for the rows where packages beat GreedySelect, both figures.
type labRow struct {
	name       string
	senders    [][]labTx
	limit      chapter.Limit
	wantFee    uint64 // 0: no figure of its own; brute force and GreedySelect judge
	wantGreedy uint64 // what GreedySelect pays, where wantFee is set
	bestFirst  bool   // no limit: every transaction, in fee-rate order
}

// labRows are the scenarios. Fees are rates times sizes: a small
// transfer is 145 bytes, a big one 403.
func labRows() []labRow {
	s, b := labSmall, labBig
	return []labRow{
		{
			name:    "one sender, nonces in order even when later ones pay more",
			senders: [][]labTx{{s(1), s(2), s(3), s(4)}},
			limit:   chapter.Limit{Count: 3},
		},
		{
			// A's parent pays 1 a byte and its child 10: 5.5 a byte
			// together, more than B's 4.
			name:       "child pays for parent",
			senders:    [][]labTx{{s(1), s(10)}, {s(4), s(4)}},
			limit:      chapter.Limit{Bytes: 2 * chapter.MinTxSize},
			wantFee:    1595,
			wantGreedy: 1160,
		},
		{
			// A's package (10.5 a byte) first; B's big one does not
			// fit after it, C's small ones do. GreedySelect takes B's
			// first and has room for one of C's.
			name:       "a big transaction that does not fit, small ones after it that do",
			senders:    [][]labTx{{s(1), s(20)}, {b(5)}, {s(2), s(2)}},
			limit:      chapter.Limit{Bytes: 600},
			wantFee:    3625,
			wantGreedy: 2305,
		},
		{
			// A's three together pay the most a byte but weigh 693;
			// its first two (10.5 a byte) fit, and two of B's after.
			name:       "a package too big for the block, its start that fits",
			senders:    [][]labTx{{s(1), s(20), b(12)}, {s(3), s(3), s(3)}},
			limit:      chapter.Limit{Bytes: 600},
			wantFee:    3915,
			wantGreedy: 1450,
		},
		{
			name:    "count limit",
			senders: [][]labTx{{s(2), s(9)}, {s(6)}, {s(5), s(5)}},
			limit:   chapter.Limit{Count: 3},
		},
		{
			// A's big one and B's two fill the block to the byte.
			name:    "byte limit exact fit",
			senders: [][]labTx{{b(4)}, {s(3), s(3)}, {s(2)}},
			limit:   chapter.Limit{Bytes: chapter.MaxTxSize + 2*chapter.MinTxSize},
		},
		{
			name:      "no limit: everything, best first",
			senders:   [][]labTx{{s(9), s(3)}, {b(5), s(4)}, {s(7)}},
			bestFirst: true,
		},
		{
			name:  "empty pool",
			limit: chapter.Limit{Count: 10, Bytes: 10_000},
		},
	}
}

// grade is every problem of the block sel chooses for the row.
func (row labRow) grade(t testing.TB, sel chapter.SelectFunc) (*labScenario, []*chapter.Tx, []string) {
	t.Helper()
	sc := labBuild(t, row.senders, sel)
	block := sc.pool.Select(row.limit)
	problems := sc.validity(block, row.limit)
	if len(problems) == 0 { // an invalid block's fees do not count
		problems = sc.value(block, row.limit, row.wantFee, labSmallRow(row.senders))
	}
	if row.bestFirst {
		problems = append(problems, sc.bestFirst(block)...)
		if len(block) != sc.pool.Len() {
			problems = append(problems, fmt.Sprintf("%d of the %d pending transactions: with no limit, every one",
				len(block), sc.pool.Len()))
		}
	}
	return sc, block, problems
}

// labReport is a block's figures against GreedySelect's.
func labReport(block, greedy []*chapter.Tx) string {
	fee, size := labTotals(block)
	gfee, _ := labTotals(greedy)
	vs := "the same"
	if gfee > 0 && fee != gfee {
		vs = fmt.Sprintf("%+.1f%%", 100*(float64(fee)-float64(gfee))/float64(gfee))
	}
	return fmt.Sprintf("fee %d, GreedySelect %d (%s); %d txs, %d bytes", fee, gfee, vs, len(block), size)
}

// labFail reports problems, at most labMaxProblems of them.
func labFail(t *testing.T, prefix string, problems []string) {
	t.Helper()
	for i, p := range problems {
		if i == labMaxProblems {
			assert.Fail(t, fmt.Sprintf("%s... and %d more", prefix, len(problems)-i))
			return
		}
		assert.Fail(t, prefix+p)
	}
}

// TestSelect grades the lab on the scenarios: a valid block, within
// the limit, that pays at least GreedySelect's, and on the small rows
// the most any choice pays. The log has the fees against GreedySelect's;
// the grader shows them.
func TestSelect(t *testing.T) {
	for _, tt := range labRows() {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			sc, block, problems := tt.grade(t, Select)
			greedy := chapter.GreedySelect(sc.pool.Queues(), tt.limit)
			if tt.wantFee != 0 { // the story itself, before it judges
				gfee, _ := labTotals(greedy)
				require.Equal(t, tt.wantGreedy, gfee, "the row's story: what GreedySelect pays")
				if labSmallRow(tt.senders) {
					best, _ := labOptimum(sc.pool.Queues(), tt.limit)
					require.Equal(t, tt.wantFee, best, "the row's story: the best choice")
				}
			}
			exercise.Report(t, "%s: %s", tt.name, labReport(block, greedy))
			labFail(t, "", problems)
		})
	}
}

// labManySenders and labMaxChain shape the seeded pools: how many
// senders, and at most how many transactions each.
const (
	labManySenders = 100
	labMaxChain    = 6
	labSeeds       = 3
)

// labRandomSenders draws a pool: random sizes and fees, and one sender
// in four with a parent paying the minimum and a child paying a lot.
func labRandomSenders(r *rand.Rand) [][]labTx {
	senders := make([][]labTx, labManySenders)
	for i := range senders {
		n := 1 + r.IntN(labMaxChain)
		parent := n > 1 && r.IntN(4) == 0
		for j := range n {
			tx := labTx{memo: r.IntN(chapter.MaxMemo + 1), rate: 1 + uint64(r.IntN(30))}
			switch {
			case parent && j == 0:
				tx.rate = 1
			case parent && j == n-1:
				tx.rate = 30 + uint64(r.IntN(50))
			}
			senders[i] = append(senders[i], tx)
		}
	}
	return senders
}

// TestSelect_ManySenders: many senders, random fees (seeded), a block
// a quarter of the pool's bytes, with and without a count limit too.
// The block must be valid and pay at least GreedySelect's.
func TestSelect_ManySenders(t *testing.T) {
	testseed.Run(t, labSeeds, func(t *testing.T, seed uint64) {
		defer exercise.SkipIfNotAttempted(t)
		Select(nil, chapter.Limit{}) // skips before signing, until you start
		sc := labBuild(t, labRandomSenders(rand.New(rand.NewPCG(seed, 7))), Select)
		tests := []struct {
			name  string
			limit chapter.Limit
		}{
			{name: "byte limit", limit: chapter.Limit{Bytes: sc.pool.Bytes() / 4}},
			{name: "count and byte limits", limit: chapter.Limit{Count: sc.pool.Len() / 5, Bytes: sc.pool.Bytes() / 4}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				defer exercise.SkipIfNotAttempted(t)
				block := sc.pool.Select(tt.limit)
				greedy := chapter.GreedySelect(sc.pool.Queues(), tt.limit)
				exercise.Report(t, "many senders, seed %d, %s (%d txs, %d bytes pending): %s",
					seed, tt.name, sc.pool.Len(), sc.pool.Bytes(), labReport(block, greedy))
				problems := sc.validity(block, tt.limit)
				if len(problems) == 0 {
					problems = sc.value(block, tt.limit, 0, false)
				}
				labFail(t, fmt.Sprintf("seed %d, %s: ", seed, tt.name), problems)
			})
		}
	})
}

// TestSelect_Judge checks the judge itself: each of these wrong
// selections must fail the rows named. It runs once you have started
// the lab.
func TestSelect_Judge(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	Select(nil, chapter.Limit{}) // skips the test until you start
	var rows []exercise.Row[chapter.SelectFunc]
	for _, row := range labRows() {
		rows = append(rows, exercise.Row[chapter.SelectFunc]{Name: row.name,
			Check: func(t testing.TB, sel chapter.SelectFunc) []string {
				_, _, problems := row.grade(t, sel)
				t.Logf("%s: %s", row.name, strings.Join(problems, "\n"))
				return problems
			}})
	}
	// The wrong selections share no base: there is no right one to
	// start from but yours.
	exercise.MustFail(t, rows, []exercise.Wrong[chapter.SelectFunc]{
		{Name: "GreedySelect itself", Impl: chapter.GreedySelect, MustFail: []string{
			"child pays for parent",
			"a big transaction that does not fit, small ones after it that do",
			"a package too big for the block, its start that fits",
		}},
		{Name: "by fee rate, nonces ignored", Impl: labByRate, MustFail: []string{
			"one sender, nonces in order even when later ones pay more",
		}},
		{Name: "the limit ignored", Impl: labEverything, MustFail: []string{
			"count limit", "byte limit exact fit",
		}},
		{Name: "queue by queue, not best first", Impl: labEverything, MustFail: []string{
			"no limit: everything, best first",
		}},
	})
}

// labByRate takes the best-paying transactions of the whole pool, while
// they fit, as if nonces did not matter.
func labByRate(queues [][]*chapter.Tx, limit chapter.Limit) []*chapter.Tx {
	all := slices.Concat(queues...)
	slices.SortStableFunc(all, func(a, b *chapter.Tx) int { return chapter.RateOf(b).Cmp(chapter.RateOf(a)) })
	var out []*chapter.Tx
	size := 0
	for _, tx := range all {
		if (limit.Count > 0 && len(out) == limit.Count) || (limit.Bytes > 0 && size+tx.Size() > limit.Bytes) {
			continue
		}
		out = append(out, tx)
		size += tx.Size()
	}
	return out
}

// labEverything takes every queue whole, one after the other.
func labEverything(queues [][]*chapter.Tx, _ chapter.Limit) []*chapter.Tx {
	return slices.Concat(queues...)
}

// BenchmarkSelect measures the lab on a pool of labBenchSenders senders
// with labBenchChain transactions each, for a block of labBenchBlock
// bytes, against GreedySelect on the same pool: the ratio is the
// figure. The transactions are not signed: selection does not check.
func BenchmarkSelect(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 7))
	var queues [][]*chapter.Tx
	for i := range labBenchSenders {
		from := labKey(i).Public()
		var q []*chapter.Tx
		for nonce := range labBenchChain {
			tx := &chapter.Tx{Chain: labChain, From: from, To: labSink, Amount: 1,
				Nonce: uint64(nonce), Memo: make([]byte, r.IntN(chapter.MaxMemo+1))}
			tx.Fee = uint64(1+r.IntN(30)) * uint64(tx.Size())
			q = append(q, tx)
		}
		queues = append(queues, q)
	}
	limit := chapter.Limit{Bytes: labBenchBlock}
	tests := []struct {
		name string
		sel  chapter.SelectFunc
	}{
		{name: "Select", sel: Select},
		{name: "GreedySelect", sel: chapter.GreedySelect},
	}
	for _, tt := range tests {
		b.Run(tt.name, func(b *testing.B) {
			defer exercise.SkipIfNotAttempted(b)
			for b.Loop() {
				tt.sel(queues, limit)
			}
		})
	}
}

// The benchmark's pool: 50,000 transactions, and a block of 1 MB.
const (
	labBenchSenders = 5_000
	labBenchChain   = 10
	labBenchBlock   = 1 << 20
)
