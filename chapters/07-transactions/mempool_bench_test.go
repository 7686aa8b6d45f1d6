package transactions

import (
	"crypto/ed25519"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// The figures: inserts and removals per second with 50,000
// pending, and eviction in O(log n). Each is read as a ratio to raw
// ed25519 verification in the same run (BenchmarkMempoolBaselineVerify,
// the same as verify_bench_test.go's BenchmarkVerifyRaw, named so that
// one -bench pattern runs all):
//
//	go test -run x -bench Mempool -count 5 ./chapters/07-transactions/
//
// The benchmarks measure the pool, not the signatures: their
// transactions' signatures are recorded in the pool's SigCache before
// the timer runs, so that each Add's check is the cache hit it is for a
// transaction a node has verified already. They are recorded directly
// (mpVouch), not verified: signing and verifying the 500,000 of the
// largest pool takes over a minute here, and the Add that follows is
// the same either way.

// mpBenchBatch is how many operations run between two pauses of the
// timer, in which the next transactions are made and the pool is put
// back to its size.
const mpBenchBatch = 1000

// mpBenchBalance is what every account holds in the benchmarks.
const mpBenchBalance = 1 << 50

// mpBenchTick is the clock's step from one Add to the next.
const mpBenchTick = time.Millisecond

// mpLedger is the benchmarks' Accounts: every address holds
// mpBenchBalance, but those the map says otherwise. A *State would need
// every sender in its genesis.
type mpLedger map[Address]Account

func (l mpLedger) Account(a Address) Account {
	if acc, ok := l[a]; ok {
		return acc
	}
	return Account{Balance: mpBenchBalance}
}

// mpBenchSig stands for every benchmark transaction's signature.
var mpBenchSig = make([]byte, ed25519.SignatureSize)

// mpBenchGen makes transactions, each from a sender never seen before,
// nonce 0, with a seeded fee.
type mpBenchGen struct {
	r    *rand.Rand
	next uint64
}

func newMpBenchGen(seed uint64) *mpBenchGen {
	return &mpBenchGen{r: rand.New(rand.NewPCG(seed, 0x62))}
}

// tx is the next sender's transaction paying fee.
func (g *mpBenchGen) tx(fee uint64) *Tx {
	from := make([]byte, ed25519.PublicKeySize)
	binary.LittleEndian.PutUint64(from, g.next)
	from[31] = 0xbe
	g.next++
	return &Tx{Chain: mpChain, From: from, To: mpSink, Amount: 1, Fee: fee, Sig: mpBenchSig}
}

// anyFee is a fee of 1 to 50 units a byte of a plain transfer.
func anyFee(g *mpBenchGen) uint64 { return MinTxSize * (1 + g.r.Uint64N(50)) }

// mpVouch records txs' signatures in c as valid, as c's check does
// once it has verified them.
func mpVouch(c *SigCache, txs []*Tx) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tx := range txs {
		c.valid[tx.ID()] = [ed25519.SignatureSize]byte(tx.Sig)
	}
}

// mpUnvouch forgets them again, so that the cache stays the batch's
// size however long a benchmark runs.
func mpUnvouch(c *SigCache, txs []*Tx) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, tx := range txs {
		delete(c.valid, tx.ID())
	}
}

// mpBenchWorld is a pool being benchmarked, kept from one -count run to
// the next so that a large one is filled once.
type mpBenchWorld struct {
	m       *Mempool
	ledger  mpLedger
	cache   *SigCache
	gen     *mpBenchGen
	added   int   // transactions added so far: the clock
	pending []*Tx // the pool's transactions, in the order to remove
	fee     func(g *mpBenchGen) uint64
}

var mpBenchWorlds = map[string]*mpBenchWorld{}

// mpWorld is the world of a name, made and filled with n transactions
// the first time.
func mpWorld(b *testing.B, name string, cfg MempoolConfig, n int,
	fee func(g *mpBenchGen) uint64) *mpBenchWorld {
	b.Helper()
	if w, ok := mpBenchWorlds[name]; ok {
		return w
	}
	w := &mpBenchWorld{ledger: mpLedger{}, cache: NewSigCache(mpBenchBatch),
		gen: newMpBenchGen(uint64(n)), fee: fee}
	cfg.Chain, cfg.SigCache = mpChain, w.cache
	cfg.MaxAge = time.Duration(n) * mpBenchTick
	cfg.MaxBytes = 2 * n * MinTxSize // the count binds, not the default's 32 MB
	var err error
	if w.m, err = NewMempool(cfg, w.ledger); err != nil {
		b.Fatal(err)
	}
	// The pool is filled through its own insert: each of Add's checks
	// would pass, and skipping them keeps the largest setup to seconds.
	for _, tx := range w.next(n) {
		e := &entry{tx: tx, id: tx.ID(), size: tx.Size(), rate: RateOf(tx), added: w.now()}
		w.m.insert(e, nil, tx.Sender(), true)
		w.added++
	}
	if err := mpCheckTails(w.m); err != nil || w.m.Len() != n {
		b.Fatalf("%s: %d pending after filling, want %d: %v", name, w.m.Len(), n, err)
	}
	mpBenchWorlds[name] = w
	return w
}

// batches are the next n transactions, in batches of mpBenchBatch.
func (w *mpBenchWorld) batches(n int) [][]*Tx {
	var out [][]*Tx
	for n > 0 {
		size := min(n, mpBenchBatch)
		out = append(out, w.next(size))
		n -= size
	}
	return out
}

// next is the next n transactions.
func (w *mpBenchWorld) next(n int) []*Tx {
	txs := make([]*Tx, n)
	for i := range txs {
		txs[i] = w.gen.tx(w.fee(w.gen))
	}
	return txs
}

// now is the clock at the next Add.
func (w *mpBenchWorld) now() time.Time { return mpT0.Add(time.Duration(w.added) * mpBenchTick) }

// add adds tx, which must be accepted, and returns what it evicted.
func (w *mpBenchWorld) add(b *testing.B, tx *Tx) []*Tx {
	got, err := w.m.Add(tx, w.now())
	if err != nil {
		b.Fatal(err)
	}
	w.added++
	return got.Evicted
}

// BenchmarkMempoolBaselineVerify is the baseline: one raw ed25519
// verification of an ID-sized message.
func BenchmarkMempoolBaselineVerify(b *testing.B) {
	k := mpWallets(1, 1)[0]
	msg := make([]byte, 32)
	sig := ed25519.Sign(k.priv, msg)
	pub := k.Public()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("the baseline's signature does not verify")
		}
	}
}

// BenchmarkMempoolAdd: one op is one Add of a new sender's transaction
// (fee rate 1 to 50 a byte, signature in the cache) to a pool holding
// 50,000 to 51,000 pending from as many senders, which has room: the
// insert without eviction. Every mpBenchBatch Adds, with the timer
// stopped, Expire takes the oldest mpBenchBatch out (MaxAge is 50,000
// ticks of the clock), bringing the pool back to 50,000.
func BenchmarkMempoolAdd(b *testing.B) {
	const n = 50_000
	b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
		w := mpWorld(b, "add", MempoolConfig{}, n, anyFee)
		batch, i := w.next(mpBenchBatch), 0
		mpVouch(w.cache, batch)
		b.ReportAllocs()
		for b.Loop() {
			if i == len(batch) {
				b.StopTimer()
				w.m.Expire(w.now().Add(-mpBenchTick))
				if w.m.Len() != n {
					b.Fatalf("%d pending after Expire, want %d", w.m.Len(), n)
				}
				mpUnvouch(w.cache, batch)
				batch, i = w.next(mpBenchBatch), 0
				mpVouch(w.cache, batch)
				b.StartTimer()
			}
			w.add(b, batch[i])
			i++
		}
		b.StopTimer()
		mpUnvouch(w.cache, batch)
		w.m.Expire(w.now().Add(-mpBenchTick))
	})
}

// BenchmarkMempoolRemove: one op is one BlockApplied of a block holding
// one pending transaction, its sender's only, from a pool of 49,000 to
// 50,000 pending. Before every mpBenchBatch ops, with the timer
// stopped, the ledger applies the next mpBenchBatch oldest pending (as
// one block would, told to the pool a transaction at a time); after
// them, new senders' transactions bring the pool back to 50,000.
func BenchmarkMempoolRemove(b *testing.B) {
	const n = 50_000
	b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
		w := mpWorld(b, "remove", MempoolConfig{}, n, anyFee)
		if w.pending == nil {
			w.pending = w.m.Select(Limit{}) // one each: any order is oldest first enough
		}
		var block []*Tx
		i := 0
		refill := func() {
			for _, tx := range block {
				delete(w.ledger, tx.Sender()) // done with: the map stays small
			}
			for _, batch := range w.batches(n - w.m.Len()) {
				mpVouch(w.cache, batch)
				for _, tx := range batch {
					w.add(b, tx)
				}
				mpUnvouch(w.cache, batch)
				w.pending = append(w.pending, batch...)
			}
			block, w.pending = w.pending[:mpBenchBatch:mpBenchBatch], w.pending[mpBenchBatch:]
			for _, tx := range block {
				w.ledger[tx.Sender()] = Account{Balance: mpBenchBalance - tx.Cost(), Nonce: 1}
			}
			i = 0
		}
		refill()
		b.ReportAllocs()
		for b.Loop() {
			if i == len(block) {
				b.StopTimer()
				refill()
				b.StartTimer()
			}
			if dropped := w.m.BlockApplied(block[i : i+1]); len(dropped) != 0 {
				b.Fatalf("BlockApplied dropped %d", len(dropped))
			}
			i++
		}
		b.StopTimer()
		// put back the rest of the block, for the next run
		for _, tx := range block[i:] {
			delete(w.ledger, tx.Sender())
		}
		w.pending = append(block[i:len(block):len(block)], w.pending...)
		for _, tx := range block[:i] {
			delete(w.ledger, tx.Sender())
		}
	})
}

// BenchmarkMempoolEvict: one op is one Add to a full pool (MaxCount
// n, n pending from n senders) of a new sender's transaction that pays
// more than the lowest, which it evicts. Fees grow with the count of
// transactions made, with noise as wide as half the pool, so that a new
// one lands anywhere in the heap yet always beats the lowest of the
// pool: n-1 of the pool pay less than it. ns/op should grow as log n.
func BenchmarkMempoolEvict(b *testing.B) {
	for _, n := range []int{5_000, 50_000, 500_000} {
		b.Run(fmt.Sprintf("pending=%d", n), func(b *testing.B) {
			// g.next counts the transactions made: the j of the comment
			fee := func(g *mpBenchGen) uint64 {
				return 1_000_000 + 16*g.next + g.r.Uint64N(8*uint64(n))
			}
			w := mpWorld(b, fmt.Sprint("evict", n), MempoolConfig{MaxCount: n}, n, fee)
			batch, i := w.next(mpBenchBatch), 0
			mpVouch(w.cache, batch)
			b.ReportAllocs()
			for b.Loop() {
				if i == len(batch) {
					b.StopTimer()
					mpUnvouch(w.cache, batch)
					batch, i = w.next(mpBenchBatch), 0
					mpVouch(w.cache, batch)
					b.StartTimer()
				}
				if evicted := w.add(b, batch[i]); len(evicted) != 1 {
					b.Fatalf("evicted %d, want 1", len(evicted))
				}
				i++
			}
			b.StopTimer()
			mpUnvouch(w.cache, batch)
		})
	}
}
