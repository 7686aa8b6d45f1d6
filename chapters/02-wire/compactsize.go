package wire

import (
	"encoding/binary"
	"fmt"
	"io"
	"math"
)

// A CompactSize is Bitcoin's variable-length unsigned integer. A first
// byte below compactSize16 is the value itself; each of these three says
// that a little-endian integer of 2, 4 or 8 bytes follows.
const (
	compactSize16 = 0xfd
	compactSize32 = 0xfe
	compactSize64 = 0xff
)

// MaxCompactSizeLen is the longest CompactSize: a prefix and 8 bytes.
const MaxCompactSizeLen = 9

// CompactSizeLen returns how many bytes the CompactSize of n takes.
func CompactSizeLen(n uint64) int {
	switch {
	case n < compactSize16:
		return 1
	case n <= math.MaxUint16:
		return 3
	case n <= math.MaxUint32:
		return 5
	}
	return MaxCompactSizeLen
}

// docs:begin write-compact-size

// WriteCompactSize writes n in the fewest bytes that hold it.
func WriteCompactSize(w io.Writer, n uint64) error {
	b := make([]byte, 0, MaxCompactSizeLen)
	le := binary.LittleEndian
	switch CompactSizeLen(n) {
	case 1:
		b = append(b, byte(n))
	case 3:
		b = le.AppendUint16(append(b, compactSize16), uint16(n))
	case 5:
		b = le.AppendUint32(append(b, compactSize32), uint32(n))
	default:
		b = le.AppendUint64(append(b, compactSize64), n)
	}
	_, err := w.Write(b)
	return err
}

// docs:end write-compact-size

// docs:begin read-compact-size

// ReadCompactSize reads a CompactSize. It fails with ErrNonCanonical when
// the value was sent in more bytes than it needs: 5 as fd 05 00 instead
// of 05. Accepting both would give one message two encodings, and so two
// different checksums and hashes.
func ReadCompactSize(r io.Reader) (uint64, error) {
	var b [MaxCompactSizeLen]byte
	if err := readFull(r, b[:1]); err != nil {
		return 0, err
	}
	var width int // bytes after the prefix
	switch b[0] {
	case compactSize16:
		width = 2
	case compactSize32:
		width = 4
	case compactSize64:
		width = 8
	default:
		return uint64(b[0]), nil
	}
	if err := readFull(r, b[1:1+width]); err != nil {
		return 0, err
	}
	n := binary.LittleEndian.Uint64(b[1:]) // the bytes past width are 0
	if CompactSizeLen(n) != 1+width {
		return 0, fmt.Errorf("%w: %d sent in %d bytes, fits in %d",
			ErrNonCanonical, n, 1+width, CompactSizeLen(n))
	}
	return n, nil
}

// docs:end read-compact-size
