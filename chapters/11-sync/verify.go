package sync

import (
	gosync "sync"
	"sync/atomic"
	"time"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
	forkchoice "peerchain/chapters/10-forkchoice"
)

// MaxVerifyQueue bounds the blocks a Verifier holds, waiting for its
// workers or under way: as many as the largest window. Past it a block
// is not verified ahead, and its signatures are checked when it is
// connected, on the loop.
const MaxVerifyQueue = MaxWindow

// docs:begin verify

// VerifyBlocks checks every signature of bs on workers goroutines and
// remembers the valid ones in cache; it returns once all are checked.
// An invalid signature is not remembered, so a block's check through
// cache.Check afterwards finds the same error it would have found
// alone: the verdict does not depend on how the work was shared, only
// the time it takes.
func VerifyBlocks(cache *transactions.SigCache, chain wire.Magic,
	bs []*blocks.Block, workers int) {
	var txs []*transactions.Tx
	for _, b := range bs {
		txs = append(txs, b.Txs...)
	}
	parallel(len(txs), workers, func(i int) {
		_ = cache.Check(txs[i], chain) // only the valid stay
	})
}

// docs:end verify

// docs:begin verifier

// Verifier checks blocks' signatures on every core while the node's
// loop does the rest, and remembers the valid ones in a SigCache that
// the tree checks transactions through (forkchoice.Config.TxCheck):
// the serial check that Tree.Add and the chain make becomes a lookup.
//
// It works where blocks come in. Machine hands it each block the
// moment the loop takes the message off the wire, before Sync buffers
// it; so while the loop connects block k, the workers verify k+1 and
// the blocks after it in the window. Accept, Sync's Config.Accept,
// then waits for a block's own signatures, and checks those nobody has
// taken yet itself, so that the loop does not idle while work is
// left. Blocks that Sync then drops cost a check and nothing else.
//
// What the node decides does not depend on the workers' timing: a
// signature checked ahead or not, the tree's verdict is the same.
type Verifier struct {
	cache   *transactions.SigCache
	chain   wire.Magic
	jobs    chan *verifyJob // cap MaxVerifyQueue: never full, see Submit
	mu      gosync.Mutex
	pending map[blocks.Hash]*verifyJob
	closed  bool // Close was called: Submit queues no more
	wg      gosync.WaitGroup
}

// docs:end verifier

// verifyJob is one block's signatures; whoever claims index i checks
// transaction i, and whoever checks the last closes done.
type verifyJob struct {
	hash blocks.Hash
	txs  []*transactions.Tx
	next atomic.Int64 // the next transaction to claim
	left atomic.Int64 // transactions not checked yet
	done chan struct{}
}

// NewVerifier starts workers goroutines (at least one) that check
// signatures for chain into cache. Close stops them.
func NewVerifier(cache *transactions.SigCache, chain wire.Magic,
	workers int) *Verifier {
	v := &Verifier{cache: cache, chain: chain,
		jobs:    make(chan *verifyJob, MaxVerifyQueue),
		pending: make(map[blocks.Hash]*verifyJob)}
	for range max(1, workers) {
		v.wg.Add(1)
		go func() {
			defer v.wg.Done()
			for j := range v.jobs {
				v.work(j)
			}
		}()
	}
	return v
}

// Check is the tree's TxCheck: the cache's.
func (v *Verifier) Check(tx *transactions.Tx, chain wire.Magic) error {
	return v.cache.Check(tx, chain)
}

// Submit queues a block's signatures for the workers. It never waits:
// a block already queued, one past MaxVerifyQueue, or any once the
// verifier is closed, is left to be checked when it is connected. It
// reports whether it queued b.
func (v *Verifier) Submit(b *blocks.Block) bool {
	if len(b.Txs) == 0 {
		return false
	}
	hash := b.Hash()
	v.mu.Lock()
	defer v.mu.Unlock()
	if _, ok := v.pending[hash]; ok || v.closed ||
		len(v.pending) >= MaxVerifyQueue {
		return false
	}
	j := &verifyJob{hash: hash, txs: b.Txs, done: make(chan struct{})}
	j.left.Store(int64(len(b.Txs)))
	v.pending[hash] = j
	// The channel holds no more jobs than pending does, and pending is
	// at most its capacity, so this send does not block.
	v.jobs <- j
	return true
}

// work checks what is left to claim of j.
func (v *Verifier) work(j *verifyJob) {
	for i := j.next.Add(1) - 1; i < int64(len(j.txs)); i = j.next.Add(1) - 1 {
		_ = v.cache.Check(j.txs[i], v.chain)
		if j.left.Add(-1) == 0 {
			v.mu.Lock()
			delete(v.pending, j.hash)
			v.mu.Unlock()
			close(j.done)
		}
	}
}

// Wait returns once b's signatures are checked, checking itself those
// no worker has claimed. A block never submitted returns at once.
func (v *Verifier) Wait(b *blocks.Block) {
	v.mu.Lock()
	j := v.pending[b.Hash()]
	v.mu.Unlock()
	if j == nil {
		return
	}
	v.work(j)
	<-j.done
}

// Pending is how many blocks are queued or under way.
func (v *Verifier) Pending() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return len(v.pending)
}

// Close stops the workers once they have checked what is queued.
func (v *Verifier) Close() {
	v.mu.Lock()
	if !v.closed {
		v.closed = true
		close(v.jobs)
	}
	v.mu.Unlock()
	v.wg.Wait()
}

// docs:begin verifier-use

// Accept wraps what Sync's Config.Accept would be (a tree's Add): a
// block goes in once its signatures are checked, by the workers or
// here.
func (v *Verifier) Accept(add func(*blocks.Block, time.Time) (
	*forkchoice.Change, error)) func(*blocks.Block, time.Time) (
	*forkchoice.Change, error) {
	return func(b *blocks.Block, now time.Time) (*forkchoice.Change, error) {
		v.Wait(b)
		return add(b, now)
	}
}

// Machine wraps the node's machine (a Sync, or a mux holding one): each
// block that arrives is submitted before the machine sees it.
func (v *Verifier) Machine(m simulation.Machine) simulation.Machine {
	return verifying{m: m, v: v}
}

type verifying struct {
	m simulation.Machine
	v *Verifier
}

func (w verifying) Handle(now time.Time,
	ev simulation.Event) []simulation.Action {
	if r, ok := ev.(simulation.MessageReceived); ok {
		if mb, ok := r.Msg.(*blocks.MsgBlock); ok {
			w.v.Submit(&mb.Block)
		}
	}
	return w.m.Handle(now, ev)
}

// docs:end verifier-use
