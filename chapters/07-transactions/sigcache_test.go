package transactions

import (
	"bytes"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	broadcast "peerchain/chapters/06-broadcast"
)

// TestSigCache: a signature found valid is remembered under the
// transaction's ID, and only that signature: anything else is checked
// in full.
func TestSigCache(t *testing.T) {
	alice, bob := fxKey(1), fxKey(2)
	good := fxTx(alice, bob.Address(), 10, 1, 0, "")
	flipped := func(tx *Tx) *Tx {
		bad := *tx
		bad.Sig = bytes.Clone(tx.Sig)
		bad.Sig[0] ^= 0x80
		return &bad
	}
	tests := []struct {
		name    string
		first   *Tx // checked before, to fill the cache
		tx      *Tx
		chain   wire.Magic
		want    RuleCode // 0: passes
		wantLen int
	}{
		{name: "a valid transaction, new", tx: good, chain: fxChain, wantLen: 1},
		{name: "a valid transaction, cached", first: good, tx: good, chain: fxChain, wantLen: 1},
		{name: "same ID, a bad signature", first: good, tx: flipped(good), chain: fxChain,
			want: ErrBadSignature, wantLen: 1},
		{name: "same ID, no signature", first: good, tx: func() *Tx { tx := *good; tx.Sig = nil; return &tx }(),
			chain: fxChain, want: ErrBadSignature, wantLen: 1},
		{name: "same ID, a short signature", first: good, tx: func() *Tx { tx := *good; tx.Sig = tx.Sig[:63]; return &tx }(),
			chain: fxChain, want: ErrBadSignature, wantLen: 1},
		{name: "cached, checked for another chain", first: good, tx: good, chain: wire.MainNet,
			want: ErrWrongChain, wantLen: 1},
		{name: "a bad signature is not cached", tx: flipped(good), chain: fxChain,
			want: ErrBadSignature, wantLen: 0},
		{name: "a refused transaction is not cached",
			tx: fxTx(alice, bob.Address(), 0, 1, 0, ""), chain: fxChain, want: ErrZeroAmount, wantLen: 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewSigCache(10)
			if tt.first != nil {
				require.NoError(t, c.Check(tt.first, fxChain))
				require.Equal(t, 1, c.Len())
			}
			err := c.Check(tt.tx, tt.chain)
			if tt.want == 0 {
				assert.NoError(t, err)
			} else {
				fxAssertRule(t, err, tt.want)
			}
			assert.Equal(t, tt.wantLen, c.Len())
			if tt.first != nil {
				assert.NoError(t, c.Check(tt.first, fxChain), "the first still passes")
			}
		})
	}
}

// TestSigCacheBound: the cache holds at most its size, forgetting the
// oldest first.
func TestSigCacheBound(t *testing.T) {
	const size = 3
	alice, bob := fxKey(1), fxKey(2)
	var txs []*Tx
	for nonce := range uint64(2*size + 1) {
		txs = append(txs, fxTx(alice, bob.Address(), 10, 1, nonce, ""))
	}
	c := NewSigCache(size)
	for i, tx := range txs {
		require.NoError(t, c.Check(tx, fxChain))
		assert.Equal(t, min(i+1, size), c.Len(), "after %d", i+1)
	}
	held := func() []broadcast.ID {
		var ids []broadcast.ID
		for _, tx := range txs {
			if _, ok := c.valid[tx.ID()]; ok {
				ids = append(ids, tx.ID())
			}
		}
		return ids
	}
	last := []broadcast.ID{txs[4].ID(), txs[5].ID(), txs[6].ID()}
	assert.Equal(t, last, held(), "the newest three")
	require.NoError(t, c.Check(txs[6], fxChain), "a cached one again")
	assert.Equal(t, last, held(), "a hit does not evict")
	require.NoError(t, c.Check(txs[0], fxChain), "a forgotten one is checked again")
	assert.Equal(t, []broadcast.ID{txs[0].ID(), txs[5].ID(), txs[6].ID()}, held(), "the oldest went")
	assert.Equal(t, size, c.Len())

	assert.Equal(t, DefaultSigCacheSize, NewSigCache(0).size, "size 0 is the default")
	assert.Equal(t, DefaultSigCacheSize, NewSigCache(-1).size)
}

// TestSigCacheNil: a nil cache checks everything.
func TestSigCacheNil(t *testing.T) {
	var c *SigCache
	good := fxTx(fxKey(1), fxKey(2).Address(), 10, 1, 0, "")
	assert.NoError(t, c.Check(good, fxChain))
	bad := *good
	bad.Sig = bytes.Clone(good.Sig)
	bad.Sig[5] ^= 1
	fxAssertRule(t, c.Check(&bad, fxChain), ErrBadSignature)
	fxAssertRule(t, c.Check(good, wire.MainNet), ErrWrongChain)
	assert.Zero(t, c.Len())
}

// TestSigCacheConcurrent: goroutines checking the same transactions,
// good and bad, through one small cache, each get the right answer
// (run with -race).
func TestSigCacheConcurrent(t *testing.T) {
	const workers, rounds, size = 8, 3, 5
	alice, bob := fxKey(1), fxKey(2)
	var txs []*Tx
	var wantBad []bool
	for nonce := range uint64(12) {
		tx := fxTx(alice, bob.Address(), 10, 1, nonce, "")
		bad := nonce%3 == 2
		if bad {
			tx.Sig[1] ^= 1
		}
		txs, wantBad = append(txs, tx), append(wantBad, bad)
	}
	c := NewSigCache(size)
	errs := make([][]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range rounds {
				for i := range txs {
					tx := txs[(i+w+r)%len(txs)] // each worker in its own order
					errs[w] = append(errs[w], c.Check(tx, fxChain))
				}
			}
		}()
	}
	wg.Wait()
	for w := range workers {
		require.Len(t, errs[w], rounds*len(txs))
		for k, err := range errs[w] {
			i := (k%len(txs) + w + k/len(txs)) % len(txs)
			if wantBad[i] {
				assert.ErrorIs(t, err, ErrBadSignature, "worker %d, tx %d", w, i)
			} else {
				assert.NoError(t, err, "worker %d, tx %d", w, i)
			}
		}
	}
	assert.LessOrEqual(t, c.Len(), size)
	assert.Positive(t, c.Len())
}
