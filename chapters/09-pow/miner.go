package pow

import (
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	blocks "peerchain/chapters/08-blocks"
)

// ErrExhausted is a header with no nonce left to try: every nonce of
// every time up to the clock's MaxFutureBlockTime failed, and there is
// no coinbase to change.
var ErrExhausted = errors.New("no nonce left to try")

const (
	// nonceSpace is how many nonces a header has: all of a uint32.
	nonceSpace = 1 << 32
	// nonceBatch is how many nonces a thread takes at a time: about
	// 10 ms of hashing, between which it looks for a stop and reports
	// progress.
	nonceBatch = 1 << 16
	// ExtraNonceSize is the bytes at the start of a coinbase's Extra
	// that MineBlock counts in, little-endian, when the nonces and
	// the times run out.
	ExtraNonceSize = 8
)

// docs:begin config

// Config is how to mine.
type Config struct {
	// Threads is how many goroutines hash, each taking batches of
	// nonces no other takes. 0: runtime.NumCPU().
	Threads int
	// Now is the clock: the time is never rolled past Now() +
	// blocks.MaxFutureBlockTime, which other nodes would refuse.
	// Required.
	Now func() time.Time
	// Progress, if set, is told the hashes tried so far, after each
	// batch of nonces; never from two goroutines at once. Keep it
	// quick: a thread waits for it.
	Progress func(hashes uint64)

	// nonces replaces nonceSpace, so that tests see the rolls.
	nonces uint64
}

// Result is what a search did.
type Result struct {
	Hashes      uint64 // nonces tried, on every thread
	TimeRolls   int    // times the time moved on a second
	ExtraNonces int    // times the coinbase's extra nonce changed
}

// docs:end config

func (c Config) threads() int {
	if c.Threads > 0 {
		return c.Threads
	}
	return runtime.NumCPU()
}

func (c Config) space() uint64 {
	if c.nonces > 0 {
		return c.nonces
	}
	return nonceSpace
}

// MineHeader changes h's nonce, and its time when the nonces run out,
// until its hash meets its bits' target. It returns ErrExhausted when
// the time reaches the clock's bound, or ctx's error.
func MineHeader(ctx context.Context, h *blocks.Header, cfg Config) (Result, error) {
	return mine(ctx, h, cfg, nil)
}

// MineBlock mines b's header, as MineHeader, and when the time reaches
// the clock's bound it counts up the extra nonce in the coinbase's
// Extra (its first ExtraNonceSize bytes; a shorter Extra is extended
// with zeros) and computes the merkle root again.
func MineBlock(ctx context.Context, b *blocks.Block, cfg Config) (Result, error) {
	return mine(ctx, &b.Header, cfg, func() error { return nextExtraNonce(b) })
}

// docs:begin mine

// mine searches every nonce of h on the threads; if none meets the
// target, it rolls the time by a second, or, at the clock's bound,
// calls extra (nil: ErrExhausted), and searches again.
func mine(ctx context.Context, h *blocks.Header, cfg Config,
	extra func() error) (Result, error) {
	if cfg.Now == nil {
		return Result{}, errors.New("mine: Config.Now is nil")
	}
	target, err := TargetFromBits(h.Bits)
	if err != nil {
		return Result{}, err
	}
	var res Result
	var hashes atomic.Uint64
	for {
		nonce, found, err := search(ctx, h, &target, cfg, &hashes)
		res.Hashes = hashes.Load()
		if err != nil {
			return res, err
		}
		if found {
			h.Nonce = nonce
			return res, nil
		}
		limit := cfg.Now().Add(blocks.MaxFutureBlockTime).Unix()
		switch {
		case int64(h.Time) < limit:
			h.Time++
			res.TimeRolls++
		case extra == nil:
			return res, fmt.Errorf("%w: time %d at the clock's bound",
				ErrExhausted, h.Time)
		default:
			if err := extra(); err != nil {
				return res, err
			}
			res.ExtraNonces++
		}
	}
}

// docs:end mine

// docs:begin search

// search tries every nonce of h, the threads each taking the next
// batch nobody has taken, until one finds a hash at or below the
// target, ctx is done, or the nonces run out.
func search(ctx context.Context, h *blocks.Header, t *Target, cfg Config,
	hashes *atomic.Uint64) (uint32, bool, error) {
	space := cfg.space()
	var (
		next     atomic.Uint64 // the next batch's first nonce
		stop     atomic.Bool
		mu       sync.Mutex // guards the result and Progress
		winner   uint32
		found    bool
		firstErr error
		wg       sync.WaitGroup
	)
	for range cfg.threads() {
		m, err := NewHasher(h)
		if err != nil {
			return 0, false, err
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				if err := ctx.Err(); err != nil {
					mu.Lock()
					firstErr = err
					mu.Unlock()
					stop.Store(true)
					return
				}
				start := next.Add(nonceBatch) - nonceBatch
				if start >= space {
					return
				}
				n := min(nonceBatch, space-start)
				nonce, ok := m.Search(t, uint32(start), n)
				if ok {
					n = uint64(nonce) - start + 1
				}
				total := hashes.Add(n)
				mu.Lock()
				if ok && !found {
					winner, found = nonce, true
					stop.Store(true)
				}
				if cfg.Progress != nil {
					cfg.Progress(total)
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if found {
		return winner, true, nil
	}
	return 0, false, firstErr
}

// docs:end search

// nextExtraNonce counts up the extra nonce at the start of b's
// coinbase Extra and computes the merkle root again.
func nextExtraNonce(b *blocks.Block) error {
	extra := b.Coinbase.Extra
	if len(extra) < ExtraNonceSize {
		grown := make([]byte, ExtraNonceSize)
		copy(grown, extra)
		extra = grown
	} else {
		extra = append([]byte(nil), extra...) // the caller's slice stays
	}
	n := binary.LittleEndian.Uint64(extra)
	binary.LittleEndian.PutUint64(extra, n+1)
	b.Coinbase.Extra = extra
	root, _ := b.ComputeMerkleRoot()
	b.Header.MerkleRoot = root
	return nil
}
