package pow

import (
	"crypto/sha256"
	"encoding"
	"encoding/binary"
	"errors"
	"fmt"
	"hash"
	"math/big"

	blocks "peerchain/chapters/08-blocks"
)

// ErrHasher is a SHA-256 from the standard library that does not save
// its state as this file expects; the midstate hasher cannot work.
var ErrHasher = errors.New("midstate hasher unavailable")

// docs:begin target

// Target is a target as 32 bytes in a hash's byte order, least
// significant first, so that a hash is compared with it byte by byte,
// from the most significant end, without a big.Int per try.
type Target [blocks.HashSize]byte

// TargetFromBits is the target bits stand for: an error (ErrBadTarget)
// for a negative, zero or overflowing one.
func TargetFromBits(bits uint32) (Target, error) {
	t, negative, overflow := CompactToBig(bits)
	if negative || overflow || t.Sign() == 0 {
		return Target{}, ruleError(ErrBadTarget, "bits %#08x: no target", bits)
	}
	return TargetFromBig(t)
}

// TargetFromBig writes t as a Target: an error (ErrBadTarget) if t is
// negative or does not fit in 256 bits.
func TargetFromBig(t *big.Int) (Target, error) {
	var out Target
	if t.Sign() < 0 || t.BitLen() > 8*len(out) {
		return out, ruleError(ErrBadTarget, "target %#x: not 256 bits", t)
	}
	t.FillBytes(out[:]) // big-endian
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

// Meets says whether hash, read as a little-endian number, is at or
// below the target. Almost every try is decided at the first byte.
func (t *Target) Meets(hash *blocks.Hash) bool {
	for i := len(t) - 1; i >= 0; i-- {
		if hash[i] != t[i] {
			return hash[i] < t[i]
		}
	}
	return true
}

// docs:end target

// Big is the target as a number.
func (t *Target) Big() *big.Int {
	var be [blocks.HashSize]byte
	for i := range t {
		be[len(t)-1-i] = t[i]
	}
	return new(big.Int).SetBytes(be[:])
}

// docs:begin search-plain

// SearchPlain tries n nonces from start, hashing the whole header each
// time: the loop anyone writes first. It returns the first nonce whose
// hash meets the target.
func SearchPlain(h blocks.Header, t *Target, start uint32,
	n uint64) (uint32, bool) {
	for i := range n {
		h.Nonce = start + uint32(i)
		hash := h.BlockHash()
		if t.Meets(&hash) {
			return h.Nonce, true
		}
	}
	return 0, false
}

// docs:end search-plain

// stateHash is what the midstate hasher needs of crypto/sha256's
// digest: its state saved (AppendBinary, Go 1.24) and restored.
type stateHash interface {
	hash.Hash
	encoding.BinaryAppender
	encoding.BinaryUnmarshaler
}

// The layout of a saved SHA-256 state (crypto/sha256's AppendBinary):
// a 4-byte magic, the eight state words big-endian, the unhashed
// buffer, the length. The state words, read big-endian, are what Sum
// would print once the message is padded.
const (
	stateOffset = 4
	savedSize   = stateOffset + 8*4 + sha256.BlockSize + 8
)

// The header's first 64 bytes (version, previous block, 28 bytes of
// the merkle root) fill SHA-256's first block; the nonce is in the
// other 16, at these offsets.
const (
	tailStart   = sha256.BlockSize
	tailTime    = 68 - tailStart
	tailNonce   = 76 - tailStart
	messageBits = 8 * blocks.HeaderSize
	digestBits  = 8 * sha256.Size
)

// docs:begin hasher

// Hasher hashes one header with nonce after nonce, doing only what a
// nonce changes: two SHA-256 compressions of pre-padded blocks.
//
// The header's first 64 bytes do not depend on the nonce, so their
// compression (the midstate) is done once and saved. For each nonce,
// the midstate is restored, and the header's last 16 bytes go in as a
// whole block, already padded as SHA-256 pads an 80-byte message; the
// state words read back are the first hash. They go, padded too, into
// a second digest reset to SHA-256's start. A Write of exactly 64
// bytes into an empty buffer goes straight to the compression
// function: no copy, no padding, no Sum.
type Hasher struct {
	first, second stateHash
	midstate      []byte                 // first's state after 64 bytes
	tail          [sha256.BlockSize]byte // header[64:80], padded
	link          [sha256.BlockSize]byte // the first hash, padded
	saved         []byte                 // AppendBinary's buffer
}

// docs:end hasher

// NewHasher is a Hasher for h, checked once against BlockHash.
func NewHasher(h *blocks.Header) (*Hasher, error) {
	first, ok1 := sha256.New().(stateHash)
	second, ok2 := sha256.New().(stateHash)
	if !ok1 || !ok2 {
		return nil, fmt.Errorf("%w: crypto/sha256 cannot save its state", ErrHasher)
	}
	m := &Hasher{first: first, second: second, saved: make([]byte, 0, savedSize)}
	m.tail[sha256.Size/2] = 0x80 // 16 bytes of message, then the 1 bit
	binary.BigEndian.PutUint64(m.tail[sha256.BlockSize-8:], messageBits)
	m.link[sha256.Size] = 0x80
	binary.BigEndian.PutUint64(m.link[sha256.BlockSize-8:], digestBits)
	if err := m.SetHeader(h); err != nil {
		return nil, err
	}
	return m, nil
}

// SetHeader makes h the header hashed: its midstate is computed again
// (a new merkle root changes it), and one hash is checked against
// BlockHash, so that a standard library saving its state otherwise is
// an error rather than wrong hashes.
func (m *Hasher) SetHeader(h *blocks.Header) error {
	b := h.Bytes()
	m.first.Reset()
	m.first.Write(b[:tailStart])
	var err error
	if m.midstate, err = m.first.AppendBinary(m.midstate[:0]); err != nil {
		return fmt.Errorf("%w: %w", ErrHasher, err)
	}
	if len(m.midstate) != savedSize {
		return fmt.Errorf("%w: saved state is %d bytes, want %d", ErrHasher, len(m.midstate), savedSize)
	}
	copy(m.tail[:], b[tailStart:])
	want := h.BlockHash()
	if got := m.Hash(h.Nonce); got != want {
		return fmt.Errorf("%w: hash %s, want %s", ErrHasher, got, want)
	}
	return nil
}

// SetTime changes the header's time, which is in the last 16 bytes:
// the midstate stays.
func (m *Hasher) SetTime(t uint32) {
	binary.LittleEndian.PutUint32(m.tail[tailTime:], t)
}

// Hash is the header's hash with this nonce.
func (m *Hasher) Hash(nonce uint32) blocks.Hash { return *m.hash(nonce) }

// docs:begin hash-nonce

// hash is the header's hash with this nonce, in m's buffer until the
// next call. Errors cannot happen here: the midstate came from the
// same digest type, and SetHeader checked the layout.
func (m *Hasher) hash(nonce uint32) *blocks.Hash {
	binary.LittleEndian.PutUint32(m.tail[tailNonce:], nonce)
	m.first.UnmarshalBinary(m.midstate)
	m.first.Write(m.tail[:])
	s, _ := m.first.AppendBinary(m.saved[:0])
	copy(m.link[:sha256.Size], s[stateOffset:])
	m.second.Reset()
	m.second.Write(m.link[:])
	s, _ = m.second.AppendBinary(m.saved[:0])
	return (*blocks.Hash)(s[stateOffset : stateOffset+sha256.Size])
}

// Search tries n nonces from start and returns the first whose hash
// meets the target.
func (m *Hasher) Search(t *Target, start uint32, n uint64) (uint32, bool) {
	for i := range n {
		nonce := start + uint32(i)
		if t.Meets(m.hash(nonce)) {
			return nonce, true
		}
	}
	return 0, false
}

// docs:end hash-nonce
