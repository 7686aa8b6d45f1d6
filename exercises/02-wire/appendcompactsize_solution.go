//go:build solution

package wire

import "math"

// AppendCompactSize appends n to b as a Bitcoin CompactSize and returns
// the extended slice, in the shortest form that holds n.
func AppendCompactSize(b []byte, n uint64) []byte {
	prefix, width := byte(n), 0
	switch {
	case n > math.MaxUint32:
		prefix, width = 0xff, 8
	case n > math.MaxUint16:
		prefix, width = 0xfe, 4
	case n >= 0xfd:
		prefix, width = 0xfd, 2
	}
	b = append(b, prefix)
	for i := range width {
		b = append(b, byte(n>>(8*i))) // little-endian: low byte first
	}
	return b
}
