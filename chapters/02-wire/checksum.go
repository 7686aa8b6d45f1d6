package wire

import "crypto/sha256"

// docs:begin checksum

// Checksum returns the first four bytes of the double SHA-256 of payload,
// the value every header carries so that a receiver can tell the payload
// arrived as it was sent.
func Checksum(payload []byte) [4]byte {
	first := sha256.Sum256(payload)
	second := sha256.Sum256(first[:])
	return [4]byte(second[:4])
}

// docs:end checksum
