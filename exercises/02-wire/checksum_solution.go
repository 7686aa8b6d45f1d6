//go:build solution

package wire

import "crypto/sha256"

// Checksum returns the checksum a message header carries for payload: the
// first four bytes of SHA-256 applied twice, SHA-256(SHA-256(payload)).
func Checksum(payload []byte) [4]byte {
	h := sha256.New()
	h.Write(payload)
	once := h.Sum(nil)
	h.Reset()
	h.Write(once)
	var sum [4]byte
	copy(sum[:], h.Sum(nil))
	return sum
}
