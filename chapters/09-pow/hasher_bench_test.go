package pow

import (
	"crypto/sha256"
	"math/rand/v2"
	"testing"

	blocks "peerchain/chapters/08-blocks"
)

// The mining benchmarks: a nonce's hash the plain way and the midstate
// way, against the bulk SHA-256 throughput of this machine in the same
// run. One nonce costs two compressions, so the limit per core is
// half the compression rate (throughput ÷ 64 bytes):
//
//	go test -run x -bench 'SHA256Bulk|Hash' ./chapters/09-pow/
//
// go run ./tools/experiments mining does the division, on one core
// and on all.

// bulkSize is the buffer the baseline hashes: big enough that a call's
// overhead is lost in it.
const bulkSize = 1 << 16

var benchSink blocks.Hash

func BenchmarkSHA256Bulk(b *testing.B) {
	buf := make([]byte, bulkSize)
	b.SetBytes(bulkSize)
	for b.Loop() {
		benchSink = sha256.Sum256(buf)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*bulkSize/sha256.BlockSize), "ns/block")
}

func BenchmarkHashPlain(b *testing.B) {
	h := randomHeader(rand.New(rand.NewPCG(9, 6)))
	for b.Loop() {
		h.Nonce++
		benchSink = h.BlockHash()
	}
}

func BenchmarkHashMidstate(b *testing.B) {
	h := randomHeader(rand.New(rand.NewPCG(9, 6)))
	m, err := NewHasher(&h)
	if err != nil {
		b.Fatal(err)
	}
	var nonce uint32
	for b.Loop() {
		nonce++
		benchSink = *m.hash(nonce)
	}
}

// BenchmarkHashMidstateParallel is the midstate hash on every core,
// each goroutine with its own Hasher.
func BenchmarkHashMidstateParallel(b *testing.B) {
	h := randomHeader(rand.New(rand.NewPCG(9, 6)))
	b.RunParallel(func(pb *testing.PB) {
		m, err := NewHasher(&h)
		if err != nil {
			b.Error(err)
			return
		}
		var nonce uint32
		var sink blocks.Hash
		for pb.Next() {
			nonce++
			sink = *m.hash(nonce)
		}
		_ = sink
	})
}
