//go:build !solution

package transactions

import "peerchain/tools/exercise"

// Bech32mChecksum returns the six 5-bit values that end a bech32m
// string of human-readable part hrp (lower case) and 5-bit data: the
// values that make Polymod, over the hrp expanded and the data and the
// checksum, come out to Bech32mConst.
//
// The checksum covers the hrp too, so that "pc1..." cannot be
// mistyped "pq1..." and still check out; but Polymod takes 5-bit
// values, and an hrp character has 7 bits. Expand each character c of
// the hrp in two: first every c>>5, then a 0, then every c&31. Then
// think: Polymod is the remainder of a division; what do you append to
// the values so that the remainder, read 5 bits at a time, is the six
// values to write, and what does Bech32mConst do?
func Bech32mChecksum(hrp string, data []byte) [6]byte {
	exercise.NotAttempted() // delete this line when you start
	return [6]byte{}
}

// ValidChecksum reports whether s is a valid bech32m string, as BIP 350
// defines one: 8 to 90 characters, all lower case or all upper case;
// the last "1" separates the hrp, of at least one character, each from
// ASCII 33 to 126, from at least six characters of Charset; and the
// checksum holds over the lower-case hrp and those characters' values.
//
// Only the checksum says whether a string is an address someone meant:
// an hrp and data that are otherwise fine pass everything else.
func ValidChecksum(s string) bool {
	exercise.NotAttempted() // delete this line when you start
	return false
}
