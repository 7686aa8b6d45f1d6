package transactions

import (
	"crypto/ed25519"
	"crypto/sha256"
	"testing"
)

// The figure: transactions verified per second against raw
// ed25519 verifications in the same run (goal: ratio >= 0.9), on one
// core and on all. tools/bench prints the ratio:
//
//	go test -run x -bench Verify -count 5 ./chapters/07-transactions/

// fxVerifyFixture is a transfer as a peer sends it, and a state in
// which it applies.
func fxVerifyFixture(b *testing.B) ([]byte, *State) {
	b.Helper()
	alice, bob := fxKey(1), fxKey(2)
	tx := fxTx(alice, bob.Address(), 1_000, 10, 0, "coffee")
	st := NewState(fxChain, map[Address]uint64{alice.Address(): 1_000_000})
	return fxBytes(b, tx), st
}

// fxVerifyTx is what a node does with a transaction from a peer before
// it enters the mempool: decode, the rules of the transaction alone
// with its signature, then the account state's.
func fxVerifyTx(raw []byte, st *State) error {
	tx, err := ParseTx(raw)
	if err != nil {
		return err
	}
	if err := tx.Check(fxChain); err != nil {
		return err
	}
	return st.Validate(tx)
}

// fxRawFixture is a key, a 32-byte message (an ID's size) and its
// signature: the baseline.
func fxRawFixture() (ed25519.PublicKey, []byte, []byte) {
	k := fxKey(1)
	msg := sha256.Sum256([]byte("baseline"))
	return k.Public(), msg[:], ed25519.Sign(k.priv, msg[:])
}

// BenchmarkVerifyRaw is the baseline: one ed25519 verification.
func BenchmarkVerifyRaw(b *testing.B) {
	pub, msg, sig := fxRawFixture()
	for b.Loop() {
		if !ed25519.Verify(pub, msg, sig) {
			b.Fatal("the baseline's signature does not verify")
		}
	}
}

// BenchmarkVerifyTx is one transaction from its bytes: ParseTx, Check
// and State.Validate, with no signature cache.
func BenchmarkVerifyTx(b *testing.B) {
	raw, st := fxVerifyFixture(b)
	b.ReportAllocs()
	for b.Loop() {
		if err := fxVerifyTx(raw, st); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkVerifyRawParallel is the baseline on every core.
func BenchmarkVerifyRawParallel(b *testing.B) {
	pub, msg, sig := fxRawFixture()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if !ed25519.Verify(pub, msg, sig) {
				b.Error("the baseline's signature does not verify")
				return
			}
		}
	})
}

// BenchmarkVerifyTxParallel is BenchmarkVerifyTx on every core, all
// reading one state.
func BenchmarkVerifyTxParallel(b *testing.B) {
	raw, st := fxVerifyFixture(b)
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := fxVerifyTx(raw, st); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
