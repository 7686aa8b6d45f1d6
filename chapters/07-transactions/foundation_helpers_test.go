package transactions

import (
	"encoding/binary"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	discovery "peerchain/chapters/05-discovery"
	broadcast "peerchain/chapters/06-broadcast"
)

// Helpers of the foundation's tests (keys, addresses, transactions,
// state, signature cache). Their names start with fx so that the
// mempool's and relay's tests in this package do not meet them.

// fxChain is the network the tests' transactions are signed for.
var fxChain = wire.DevNet

// fxKey is the key of a seed of 32 bytes all equal to n: the same n,
// the same key, in every run.
func fxKey(n byte) Key {
	var seed [32]byte
	for i := range seed {
		seed[i] = n
	}
	return KeyFromSeed(seed)
}

// fxTx is a transfer from a key, signed.
func fxTx(from Key, to Address, amount, fee, nonce uint64, memo string) *Tx {
	tx := &Tx{Chain: fxChain, To: to, Amount: amount, Fee: fee, Nonce: nonce}
	if memo != "" {
		tx.Memo = []byte(memo)
	}
	tx.Sign(from)
	return tx
}

// fxEnvelope is a whole message as chapter 02 frames it: magic,
// command, length and checksum of payload, then payload.
func fxEnvelope(magic wire.Magic, cmd string, payload []byte) []byte {
	var h [wire.HeaderSize]byte
	copy(h[:4], magic[:])
	copy(h[4:16], cmd)
	binary.LittleEndian.PutUint32(h[16:], uint32(len(payload)))
	sum := wire.Checksum(payload)
	copy(h[20:], sum[:])
	return append(h[:], payload...)
}

// fxRegistry is chapter 02's registry with chapters 05's, 06's and
// this chapter's messages, as a node has it.
func fxRegistry(t testing.TB) *wire.Registry {
	t.Helper()
	reg, err := wire.NewRegistry(fxAllMessages()...)
	require.NoError(t, err)
	return reg
}

// fxAllMessages are the factories of every chapter's messages so far.
func fxAllMessages() []func() wire.Message {
	var all []func() wire.Message
	all = append(all, wire.BaseMessages()...)
	all = append(all, discovery.Messages()...)
	all = append(all, broadcast.Messages()...)
	return append(all, Messages()...)
}

// fxBytes is a transaction's encoding; it must encode.
func fxBytes(t testing.TB, tx *Tx) []byte {
	t.Helper()
	b, err := tx.Bytes()
	require.NoError(t, err)
	return b
}

// fxAssertRule asserts that err breaks the rule code, as a *RuleError
// that errors.Is finds the code in.
func fxAssertRule(t *testing.T, err error, code RuleCode) {
	t.Helper()
	assert.ErrorIs(t, err, code)
	var rerr *RuleError
	if assert.ErrorAs(t, err, &rerr) {
		assert.Equal(t, code, rerr.Code)
	}
}

// fxSnapshot is every account of a state, for comparing states.
func fxSnapshot(s *State) map[Address]Account {
	out := make(map[Address]Account, s.Len())
	for _, a := range s.Addresses() {
		out[a] = s.Account(a)
	}
	return out
}

// fxSupply is the sum of every balance of a state.
func fxSupply(s *State) uint64 {
	var sum uint64
	for _, a := range s.Addresses() {
		sum += s.Account(a).Balance
	}
	return sum
}
