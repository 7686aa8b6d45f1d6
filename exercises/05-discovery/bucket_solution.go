//go:build solution

package discovery

import (
	"encoding/binary"

	chapter "peerchain/chapters/05-discovery"
)

// Bucket returns the new-table bucket of an address.
func Bucket(key [32]byte, addrGroup, sourceGroup string) int {
	slot := chapter.Hash(key, "new-slot", addrGroup, sourceGroup) % NewBucketsPerSource
	s := string(binary.LittleEndian.AppendUint64(nil, slot))
	return int(chapter.Hash(key, "new-bucket", sourceGroup, s) % NewBuckets)
}
