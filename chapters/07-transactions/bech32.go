package transactions

import (
	"errors"
	"fmt"
	"strings"
)

// The text form of an address is bech32m (BIP 350), the checksummed
// encoding of Bitcoin's newer addresses: a human-readable part, the
// separator "1", the data in a 32-character alphabet, and a 6-character
// checksum. The checksum is a BCH code: it detects any error in up to
// four characters, so a single mistyped character is always caught.

// bech32Charset is the alphabet: no "1", "b", "i" or "o", which are
// easily confused with other characters.
const bech32Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// bech32mConst is what the checksum's polynomial leaves for a valid
// bech32m string (BIP 350); plain bech32 (BIP 173) used 1.
const bech32mConst = 0x2bc830a3

// MaxBech32Len is the longest string the checksum is guaranteed for.
const MaxBech32Len = 90

// Errors of the text form.
var (
	ErrBech32Length   = errors.New("bech32: bad length")
	ErrBech32Case     = errors.New("bech32: mixed case")
	ErrBech32Char     = errors.New("bech32: invalid character")
	ErrBech32Checksum = errors.New("bech32: checksum does not match")
)

// docs:begin polymod

// bech32Polymod is the checksum's arithmetic: values are 5-bit
// coefficients of a polynomial, reduced modulo the code's generator.
func bech32Polymod(values []byte) uint32 {
	gen := [5]uint32{0x3b6a57b2, 0x26508e6d, 0x1ea119fa, 0x3d4233dd, 0x2a1462b3}
	chk := uint32(1)
	for _, v := range values {
		top := chk >> 25
		chk = (chk&0x1ffffff)<<5 ^ uint32(v)
		for i := range 5 {
			if (top>>i)&1 == 1 {
				chk ^= gen[i]
			}
		}
	}
	return chk
}

// docs:end polymod

// hrpExpand spreads the human-readable part over 5-bit values, so that
// the checksum covers it too.
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

// bech32mChecksum is the six 5-bit values that end a string.
func bech32mChecksum(hrp string, data []byte) []byte {
	values := append(hrpExpand(hrp), data...)
	values = append(values, 0, 0, 0, 0, 0, 0)
	mod := bech32Polymod(values) ^ bech32mConst
	sum := make([]byte, 6)
	for i := range sum {
		sum[i] = byte(mod>>(5*(5-i))) & 31
	}
	return sum
}

// bech32mEncode writes hrp and 5-bit data with its checksum.
func bech32mEncode(hrp string, data []byte) string {
	var b strings.Builder
	b.WriteString(hrp)
	b.WriteByte('1')
	for _, v := range append(data, bech32mChecksum(hrp, data)...) {
		b.WriteByte(bech32Charset[v])
	}
	return b.String()
}

// bech32mDecode reads a string written by bech32mEncode: its
// human-readable part (lower case) and its 5-bit data.
func bech32mDecode(s string) (string, []byte, error) {
	if len(s) < 8 || len(s) > MaxBech32Len {
		return "", nil, fmt.Errorf("%w: %d characters, want 8 to %d", ErrBech32Length, len(s), MaxBech32Len)
	}
	// Every byte is printable ASCII before case is looked at: Unicode's
	// case rules would turn the Kelvin sign into a "k".
	for i := range len(s) {
		if s[i] < 33 || s[i] > 126 {
			return "", nil, fmt.Errorf("%w: byte %#x at %d", ErrBech32Char, s[i], i)
		}
	}
	lower, upper := strings.ToLower(s), strings.ToUpper(s)
	if s != lower && s != upper {
		return "", nil, ErrBech32Case
	}
	s = lower
	sep := strings.LastIndexByte(s, '1')
	if sep < 1 || sep+7 > len(s) {
		return "", nil, fmt.Errorf("%w: the separator 1 is missing or too late", ErrBech32Length)
	}
	hrp := s[:sep]
	data := make([]byte, 0, len(s)-sep-1)
	for i := sep + 1; i < len(s); i++ {
		v := strings.IndexByte(bech32Charset, s[i])
		if v < 0 {
			return "", nil, fmt.Errorf("%w: %q at %d", ErrBech32Char, s[i], i)
		}
		data = append(data, byte(v))
	}
	if bech32Polymod(append(hrpExpand(hrp), data...)) != bech32mConst {
		return "", nil, ErrBech32Checksum
	}
	return hrp, data[:len(data)-6], nil
}

// convertBits regroups bits: 8-bit bytes into 5-bit values (pad true)
// or back (pad false, where leftover bits must be zero padding).
func convertBits(in []byte, from, to uint, pad bool) ([]byte, error) {
	var acc, bits uint
	maxv := uint(1)<<to - 1
	var out []byte
	for _, v := range in {
		acc = acc<<from | uint(v)
		bits += from
		for bits >= to {
			bits -= to
			out = append(out, byte(acc>>bits&maxv))
		}
	}
	if pad {
		if bits > 0 {
			out = append(out, byte(acc<<(to-bits)&maxv))
		}
	} else if bits >= from || acc<<(to-bits)&maxv != 0 {
		return nil, fmt.Errorf("%w: bad padding", ErrBech32Length)
	}
	return out, nil
}
