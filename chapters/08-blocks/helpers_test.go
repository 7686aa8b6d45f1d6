package blocks

import (
	"encoding/binary"
	"encoding/hex"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// testNet is the network the tests' blocks are for: the devnet.
var testNet = DevNet

// testKey is the key of a seed of 32 bytes all equal to n: the same n,
// the same key, in every run.
func testKey(n byte) transactions.Key {
	var seed [32]byte
	for i := range seed {
		seed[i] = n
	}
	return transactions.KeyFromSeed(seed)
}

// testTx is a transfer on the devnet, signed by from.
func testTx(from transactions.Key, to transactions.Address, amount, fee, nonce uint64) *transactions.Tx {
	tx := &transactions.Tx{Chain: testNet.Magic, To: to, Amount: amount, Fee: fee, Nonce: nonce}
	tx.Sign(from)
	return tx
}

// mustHash is a hash written in reversed hex, as explorers show it.
func mustHash(s string) Hash {
	h, err := ParseHash(s)
	if err != nil {
		panic(err)
	}
	return h
}

// assertBytes compares byte slices as hex, which reads better in a
// diff.
func assertBytes(t *testing.T, want, got []byte, msgAndArgs ...any) {
	t.Helper()
	assert.Equal(t, hex.EncodeToString(want), hex.EncodeToString(got), msgAndArgs...)
}

// envelope is a whole message as chapter 02 frames it.
func envelope(magic wire.Magic, cmd string, payload []byte) []byte {
	var h [wire.HeaderSize]byte
	copy(h[:4], magic[:])
	copy(h[4:16], cmd)
	binary.LittleEndian.PutUint32(h[16:], uint32(len(payload)))
	sum := wire.Checksum(payload)
	copy(h[20:], sum[:])
	return append(h[:], payload...)
}

// assertRule asserts that err breaks the rule code, as a *RuleError
// that errors.Is finds the code in.
func assertRule(t *testing.T, err error, code RuleCode) {
	t.Helper()
	assert.ErrorIs(t, err, code)
	var rerr *RuleError
	if assert.ErrorAs(t, err, &rerr) {
		assert.Equal(t, code, rerr.Code)
	}
}

// snapshot is every account of a state, for comparing states.
func snapshot(s *transactions.State) map[transactions.Address]transactions.Account {
	out := make(map[transactions.Address]transactions.Account, s.Len())
	for _, a := range s.Addresses() {
		out[a] = s.Account(a)
	}
	return out
}

// testGenesisTime is the devnet genesis's time; the tests' clock starts
// there.
var testGenesisTime = DevNet.Genesis.Header.Timestamp()

// testChain is a devnet chain whose genesis state funds the given keys
// with balance each.
func testChain(t testing.TB, balance uint64, keys ...transactions.Key) *Chain {
	t.Helper()
	funds := make(map[transactions.Address]uint64, len(keys))
	for _, k := range keys {
		funds[k.Address()] = balance
	}
	c, err := NewChain(ChainConfig{Network: testNet,
		State: transactions.NewState(testNet.Magic, funds)})
	require.NoError(t, err)
	return c
}

// blockAt is NewBlock a minute per height after genesis: a clock that
// moves on as the chain grows.
func blockAt(c *Chain, to transactions.Address, txs ...*transactions.Tx) (*Block, time.Time) {
	now := testGenesisTime.Add(time.Duration(c.Height()+1) * time.Minute)
	return NewBlock(c, to, txs, now, testNet.Genesis.Header.Bits), now
}
