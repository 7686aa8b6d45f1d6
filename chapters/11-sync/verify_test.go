package sync

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	blocks "peerchain/chapters/08-blocks"
)

// verifySpec is a small speed-test chain: its funds and keys.
var verifySpec = IBDSpec{Blocks: 3, Txs: 6, Seed: 7}

// verifyBlock is block 1 of verifySpec's chain with its transactions
// edited by edit (copies: the chain is shared), its merkle root and
// proof of work made right again.
func verifyBlock(t *testing.T, edit func(txs []*transactions.Tx)) *blocks.Block {
	t.Helper()
	chain, err := NewIBDChain(verifySpec, 2)
	require.NoError(t, err)
	b := *chain[0]
	b.Txs = make([]*transactions.Tx, len(chain[0].Txs))
	for i, tx := range chain[0].Txs {
		c := *tx
		c.Sig = append([]byte(nil), tx.Sig...)
		b.Txs[i] = &c
	}
	edit(b.Txs)
	b.Header.MerkleRoot, _ = b.ComputeMerkleRoot()
	Solve(&b.Header)
	return &b
}

// verifyCases are blocks a verifier must judge as the serial check
// does, with how many of their signatures are valid.
var verifyCases = []struct {
	name      string
	edit      func(txs []*transactions.Tx)
	wantErr   error // nil: valid
	wantValid int   // signatures the cache keeps
}{
	{"valid", func([]*transactions.Tx) {}, nil, 6},
	{"bad signature", func(txs []*transactions.Tx) { txs[3].Sig[0] ^= 1 },
		transactions.ErrBadSignature, 5},
	{"signed by another key", func(txs []*transactions.Tx) {
		txs[2].Sig = append([]byte(nil), txs[1].Sig...)
	}, transactions.ErrBadSignature, 5},
	{"short signature", func(txs []*transactions.Tx) { txs[0].Sig = txs[0].Sig[:10] },
		transactions.ErrBadSignature, 5},
	{"zero amount", func(txs []*transactions.Tx) { txs[5].Amount = 0 },
		transactions.ErrZeroAmount, 5},
	{"two bad", func(txs []*transactions.Tx) {
		txs[1].Sig[5] ^= 1
		txs[4].Sig[9] ^= 1
	}, transactions.ErrBadSignature, 4},
}

// TestVerifyBlocksSameVerdict checks each block serially, then checks
// its signatures ahead (VerifyBlocks, and a Verifier) and again through
// the cache: the same error, word for word, and the cache holds the
// valid signatures only.
func TestVerifyBlocksSameVerdict(t *testing.T) {
	for _, tt := range verifyCases {
		t.Run(tt.name, func(t *testing.T) {
			b := verifyBlock(t, tt.edit)
			serial := blocks.CheckBlockSanity(b, SimNetwork)
			if tt.wantErr == nil {
				require.NoError(t, serial)
			} else {
				require.ErrorIs(t, serial, tt.wantErr)
			}

			cache := transactions.NewSigCache(0)
			VerifyBlocks(cache, SimNetwork.Magic, []*blocks.Block{b}, 4)
			assert.Equal(t, tt.wantValid, cache.Len(), "VerifyBlocks")
			got := blocks.CheckBlockSanityWith(b, SimNetwork, cache.Check)
			assert.Equal(t, errText(serial), errText(got))

			v := NewVerifier(transactions.NewSigCache(0), SimNetwork.Magic, 3)
			defer v.Close()
			assert.True(t, v.Submit(b))
			v.Wait(b)
			assert.Equal(t, tt.wantValid, v.cache.Len(), "Verifier")
			assert.Zero(t, v.Pending())
			got = blocks.CheckBlockSanityWith(b, SimNetwork, v.Check)
			assert.Equal(t, errText(serial), errText(got))
		})
	}
}

func errText(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

// TestVerifierSubmit checks the queue's rules: a block is queued once,
// a block of no transactions not at all, and Wait on a block never
// submitted returns.
func TestVerifierSubmit(t *testing.T) {
	chain, err := NewIBDChain(verifySpec, 2)
	require.NoError(t, err)
	v := NewVerifier(transactions.NewSigCache(0), SimNetwork.Magic, 1)
	defer v.Close()
	tests := []struct {
		name string
		b    *blocks.Block
		want bool
	}{
		{"new", chain[0], true},
		{"no transactions", &blocks.Block{Header: chain[1].Header}, false},
		{"another", chain[1], true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			assert.Equal(t, tt.want, v.Submit(tt.b))
		})
	}
	v.Wait(chain[0])
	v.Wait(chain[1])
	v.Wait(chain[2]) // never submitted
	assert.Equal(t, 2*verifySpec.Txs, v.cache.Len())
	v.Close()
	assert.False(t, v.Submit(chain[2]), "closed")
	v.Close() // twice is fine
}

// TestTreeRefusesBadSignature gives a tree checking through a verifier
// the bad-signature block: refused with the error a tree of the old
// behaviour (no TxCheck) gives, and the tip stays.
func TestTreeRefusesBadSignature(t *testing.T) {
	bad := verifyBlock(t, verifyCases[1].edit)
	now := IBDClock(time.Time{})

	plain, err := verifySpec.Tree(nil)
	require.NoError(t, err)
	_, wantErr := plain.Add(bad, now)
	require.ErrorIs(t, wantErr, transactions.ErrBadSignature)

	v := NewVerifier(transactions.NewSigCache(0), SimNetwork.Magic, 2)
	defer v.Close()
	tree, err := verifySpec.Tree(v.Check)
	require.NoError(t, err)
	v.Submit(bad)
	_, err = v.Accept(tree.Add)(bad, now)
	assert.ErrorIs(t, err, transactions.ErrBadSignature)
	assert.ErrorIs(t, err, blocks.ErrBadTx)
	assert.Equal(t, errText(wantErr), errText(err))
	assert.Equal(t, uint64(0), tree.Tip().Height)
	_, has := tree.Node(bad.Hash())
	assert.False(t, has)
}

// errNope is what a TxCheck that refuses everything says.
var errNope = errors.New("nope")

// TestTxCheckHooks checks that the hooks are used, where they are, and
// that nil is tx.Check: the tree's Add and the chain's Connect each
// call the tree's TxCheck once per transaction; a check that refuses
// refuses the block; Trusted lets a bad signature through.
func TestTxCheckHooks(t *testing.T) {
	chain, err := NewIBDChain(verifySpec, 2)
	require.NoError(t, err)
	bad := verifyBlock(t, verifyCases[1].edit)
	now := IBDClock(time.Time{})
	var calls int
	counting := func(tx *transactions.Tx, m wire.Magic) error {
		calls++
		return tx.Check(m)
	}
	tests := []struct {
		name      string
		check     blocks.TxCheck
		b         *blocks.Block
		wantErr   error
		wantCalls int
	}{
		{"nil is tx.Check: valid", nil, chain[0], nil, 0},
		{"nil is tx.Check: bad signature", nil, bad, transactions.ErrBadSignature, 0},
		{"called in Add and in Connect", counting, chain[0], nil, 2 * verifySpec.Txs},
		{"a refusing check refuses", func(*transactions.Tx, wire.Magic) error {
			return errNope
		}, chain[0], errNope, 0},
		{"Trusted takes a bad signature", Trusted, bad, nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			calls = 0
			tree, err := verifySpec.Tree(tt.check)
			require.NoError(t, err)
			_, err = tree.Add(tt.b, now)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.Equal(t, uint64(0), tree.Tip().Height)
			} else {
				assert.NoError(t, err)
				assert.Equal(t, uint64(1), tree.Tip().Height)
			}
			assert.Equal(t, tt.wantCalls, calls)
		})
	}
}

// TestIBDChain checks the speed test's chain: the same spec gives the
// same chain whatever the workers, and a tree that checks every
// signature takes it all.
func TestIBDChain(t *testing.T) {
	spec := IBDSpec{Blocks: 12, Txs: 150, Seed: 3} // senders reused
	one, err := NewIBDChain(spec, 1)
	require.NoError(t, err)
	four, err := NewIBDChain(spec, 4)
	require.NoError(t, err)
	require.Len(t, one, spec.Blocks)
	for i := range one {
		assert.Equal(t, one[i].Hash(), four[i].Hash(), "block %d", i+1)
	}
	tree, err := spec.Tree(nil)
	require.NoError(t, err)
	now := IBDClock(time.Time{})
	for i, b := range one {
		_, err := tree.Add(b, now)
		require.NoError(t, err, "block %d", i+1)
	}
	assert.Equal(t, uint64(spec.Blocks), tree.Tip().Height)
	_, err = NewIBDChain(IBDSpec{Blocks: 0, Txs: 1}, 1)
	assert.ErrorIs(t, err, ErrSim)
}

// TestIBDSimSameRun syncs a small chain in the simulator three ways:
// signatures checked serially, on a Verifier's workers, and not at
// all. Each syncs to the tip, and the first two give the same run:
// the verifier changes when the work is done, not what is decided.
func TestIBDSimSameRun(t *testing.T) {
	spec := IBDSpec{Blocks: 40, Txs: 20, Seed: 5}
	chain, err := NewIBDChain(spec, 2)
	require.NoError(t, err)
	src, err := LoadTree(spec, chain)
	require.NoError(t, err)
	run := func(check IBDCheck) (elapsed time.Duration, bytes uint64) {
		s, closeFn, err := NewIBDSim(src, spec, IBDSimConfig{Peers: 4, Seed: 1,
			Bandwidth: 12.5e6, Check: check, Workers: 3, VerifyRate: 20_000})
		require.NoError(t, err)
		defer closeFn()
		done, err := s.Run(time.Minute)
		require.NoError(t, err)
		require.True(t, done)
		assert.Equal(t, src.Tip().Hash, s.Trees[0].Tip().Hash)
		return s.Net.Elapsed(), s.Net.Stats().Sent.Bytes
	}
	serialT, serialB := run(CheckSerial)
	parT, parB := run(CheckParallel)
	trustT, _ := run(CheckTrusted)
	assert.Equal(t, serialT, parT)
	assert.Equal(t, serialB, parB)
	assert.Equal(t, serialT, trustT, "checks cost no virtual time but VerifyRate's")
	// 800 signatures at 20,000 a second is 40 ms at least.
	assert.GreaterOrEqual(t, serialT, 40*time.Millisecond)
}

// TestIBDSimRefuses checks that a speed test that cannot be built says
// so.
func TestIBDSimRefuses(t *testing.T) {
	src, err := verifySpec.Tree(nil)
	require.NoError(t, err)
	tests := []struct {
		name string
		cfg  IBDSimConfig
	}{
		{"no peers", IBDSimConfig{}},
		{"too many peers", IBDSimConfig{Peers: MaxSimPeers + 1}},
		{"negative bandwidth", IBDSimConfig{Peers: 1, Bandwidth: -1}},
		{"negative verify rate", IBDSimConfig{Peers: 1, VerifyRate: -1}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := NewIBDSim(src, verifySpec, tt.cfg)
			assert.ErrorIs(t, err, ErrSim)
		})
	}
}
