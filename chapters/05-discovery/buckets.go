package discovery

import (
	"crypto/sha256"
	"encoding/binary"

	simulation "peerchain/chapters/04-simulation"
)

// docs:begin hash

// Hash is the address book's keyed hash: the first 8 bytes, little-
// endian, of SHA-256 over the node's secret key and then each part,
// each preceded by its length as one uvarint. The length keeps
// ("ab", "c") and ("a", "bc") apart. Another node, with another key,
// puts the same address somewhere else, so an attacker cannot work out
// offline which addresses land together in a victim's book.
func Hash(key [32]byte, parts ...string) uint64 {
	h := sha256.New()
	h.Write(key[:])
	var n [binary.MaxVarintLen64]byte
	for _, p := range parts {
		h.Write(n[:binary.PutUvarint(n[:], uint64(len(p)))])
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return binary.LittleEndian.Uint64(h.Sum(sum[:0]))
}

// docs:end hash

// docs:begin new-bucket

// NewBucket is the new-table bucket of an address of group addrGroup
// that a peer of group sourceGroup told us about. It hashes twice, as
// Bitcoin Core does: the first hash picks one of perSource slots for
// the pair, the second maps (source group, slot) to a bucket. So all
// the addresses one source group sends, whatever their own groups,
// land in at most perSource buckets of the buckets there are.
func NewBucket(key [32]byte, addrGroup, sourceGroup string,
	buckets, perSource int) int {
	slot := Hash(key, "new-slot", addrGroup, sourceGroup) %
		uint64(perSource)
	return int(Hash(key, "new-bucket", sourceGroup, u64(slot)) %
		uint64(buckets))
}

// docs:end new-bucket

// docs:begin tried-bucket

// TriedBucket is the tried-table bucket of an address: the address picks
// one of perGroup slots of its group, and (group, slot) picks the
// bucket. A group fills at most perGroup buckets of the tried table.
func TriedBucket(key [32]byte, a simulation.Addr,
	buckets, perGroup int) int {
	slot := Hash(key, "tried-slot", string(a)) % uint64(perGroup)
	return int(Hash(key, "tried-bucket", Group(a), u64(slot)) %
		uint64(buckets))
}

// docs:end tried-bucket

// position is where in a bucket an address goes.
func position(key [32]byte, table string, bucket int, a simulation.Addr,
	size int) int {
	return int(Hash(key, table, u64(uint64(bucket)), string(a)) %
		uint64(size))
}

// u64 is a number as a hash part.
func u64(v uint64) string {
	return string(binary.LittleEndian.AppendUint64(nil, v))
}
