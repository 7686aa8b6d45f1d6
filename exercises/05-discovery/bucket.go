//go:build !solution

package discovery

import "peerchain/tools/exercise"

// Bucket returns the new-table bucket, 0 to NewBuckets-1, of an address
// of group addrGroup that a peer of group sourceGroup told us about.
// Hash twice with chapter 05's keyed hash, discovery.Hash:
//
//  1. slot = Hash(key, "new-slot", addrGroup, sourceGroup) mod
//     NewBucketsPerSource: which of its source's few buckets it takes;
//  2. bucket = Hash(key, "new-bucket", sourceGroup, s) mod NewBuckets,
//     where s is slot as 8 little-endian bytes, as a string.
//
// So all the addresses one source sends land in at most
// NewBucketsPerSource buckets.
func Bucket(key [32]byte, addrGroup, sourceGroup string) int {
	exercise.NotAttempted() // delete this line when you start
	return 0
}
