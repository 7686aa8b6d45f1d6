//go:build solution

package transactions

import "strings"

// Bech32mChecksum returns the six 5-bit values that end a bech32m
// string.
func Bech32mChecksum(hrp string, data []byte) [6]byte {
	values := append(hrpExpand(hrp), data...)
	// Six zeros stand where the checksum goes. The checksum's values
	// are xored into the last 30 bits, so what is left over the zeros,
	// xored with the constant, makes the whole string leave the constant.
	values = append(values, 0, 0, 0, 0, 0, 0)
	mod := Polymod(values) ^ Bech32mConst
	var sum [6]byte
	for i := range sum {
		sum[i] = byte(mod>>(5*(5-i))) & 31
	}
	return sum
}

// hrpExpand spreads the hrp's 7-bit characters over 5-bit values.
func hrpExpand(hrp string) []byte {
	out := make([]byte, 0, 2*len(hrp)+1)
	for i := range len(hrp) {
		out = append(out, hrp[i]>>5)
	}
	out = append(out, 0)
	for i := range len(hrp) {
		out = append(out, hrp[i]&31)
	}
	return out
}

// Limits of a bech32m string (BIP 350).
const (
	minBech32Len   = 8  // "a" "1" and a checksum
	maxBech32Len   = 90 // the checksum's guarantees hold up to here
	checksumLength = 6
)

// ValidChecksum reports whether s is a valid bech32m string.
func ValidChecksum(s string) bool {
	if len(s) < minBech32Len || len(s) > maxBech32Len {
		return false
	}
	lower := strings.ToLower(s)
	if s != lower && s != strings.ToUpper(s) {
		return false
	}
	sep := strings.LastIndexByte(lower, '1')
	if sep < 1 || len(lower)-sep-1 < checksumLength {
		return false
	}
	hrp := lower[:sep]
	for i := range len(hrp) {
		if hrp[i] < 33 || hrp[i] > 126 {
			return false
		}
	}
	values := hrpExpand(hrp)
	for i := sep + 1; i < len(lower); i++ {
		v := strings.IndexByte(Charset, lower[i])
		if v < 0 {
			return false
		}
		values = append(values, byte(v))
	}
	return Polymod(values) == Bech32mConst
}
