package blocks

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
)

// HashSize is the size of a hash: SHA-256's 32 bytes.
const HashSize = 32

// ErrHash is a hash written wrong.
var ErrHash = errors.New("invalid hash")

// docs:begin hash

// Hash is a double SHA-256, in the byte order the hash function gives
// it, which is the order it has on the wire and inside a header. Bitcoin
// reads those 32 bytes as a little-endian number (the proof of work
// compares it with a target), so explorers and Bitcoin Core print it
// reversed, most significant byte first: String does the same.
type Hash [HashSize]byte

// DoubleSHA256 is SHA-256 of SHA-256 of b: Bitcoin's hash for headers,
// transactions and merkle nodes.
func DoubleSHA256(b []byte) Hash {
	first := sha256.Sum256(b)
	return sha256.Sum256(first[:])
}

// String is the hash in reversed hex, all 64 digits.
func (h Hash) String() string {
	r := h
	slices.Reverse(r[:])
	return hex.EncodeToString(r[:])
}

// docs:end hash

// Short is String's first 8 digits: enough to tell blocks apart on a
// screen.
func (h Hash) Short() string { return h.String()[:8] }

// IsZero says whether every byte is zero: the genesis block's previous
// block.
func (h Hash) IsZero() bool { return h == Hash{} }

// ParseHash reads a hash written as String writes it.
func ParseHash(s string) (Hash, error) {
	var h Hash
	if len(s) != 2*HashSize {
		return h, fmt.Errorf("%w %q: want %d hex digits, have %d", ErrHash, s, 2*HashSize, len(s))
	}
	if _, err := hex.Decode(h[:], []byte(s)); err != nil {
		return h, fmt.Errorf("%w %q: not hex", ErrHash, s)
	}
	slices.Reverse(h[:])
	return h, nil
}

// MarshalText writes the hash as String, for JSON.
func (h Hash) MarshalText() ([]byte, error) { return []byte(h.String()), nil }

// UnmarshalText reads a hash as ParseHash does.
func (h *Hash) UnmarshalText(b []byte) error {
	v, err := ParseHash(string(b))
	if err != nil {
		return err
	}
	*h = v
	return nil
}
