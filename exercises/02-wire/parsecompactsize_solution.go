//go:build solution

package wire

import (
	"encoding/binary"
	"fmt"
	"io"
)

// ParseCompactSize reads the Bitcoin CompactSize at the start of b and
// returns its value and how many bytes it took.
func ParseCompactSize(b []byte) (n uint64, size int, err error) {
	if len(b) == 0 {
		return 0, 0, io.ErrUnexpectedEOF
	}
	var smallest uint64 // the least value that needs this form
	switch b[0] {
	case 0xfd:
		size, smallest = 3, 0xfd
	case 0xfe:
		size, smallest = 5, 1<<16
	case 0xff:
		size, smallest = 9, 1<<32
	default:
		return uint64(b[0]), 1, nil
	}
	if len(b) < size {
		return 0, 0, io.ErrUnexpectedEOF
	}
	switch size {
	case 3:
		n = uint64(binary.LittleEndian.Uint16(b[1:]))
	case 5:
		n = uint64(binary.LittleEndian.Uint32(b[1:]))
	default:
		n = binary.LittleEndian.Uint64(b[1:])
	}
	if n < smallest {
		return 0, 0, fmt.Errorf("%w: %d in %d bytes", ErrNonCanonical, n, size)
	}
	return n, size, nil
}
