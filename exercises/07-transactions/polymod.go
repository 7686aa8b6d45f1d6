package transactions

// This file is given: it is not an exercise. It is the chapter's
// bech32 arithmetic (chapters/07-transactions/bech32.go), exported for
// the exercise in addresschecksum.go.

// Charset is bech32's alphabet: the character for the 5-bit value v is
// Charset[v]. It leaves out "1", "b", "i" and "o", easily confused with
// other characters.
const Charset = "qpzry9x8gf2tvdw0s3jn54khce6mua7l"

// Bech32mConst is what Polymod leaves over a whole valid bech32m string
// (BIP 350). Bech32 (BIP 173) used 1; BIP 350 changed it because with 1
// a "q" inserted or deleted just before a final "p" went unnoticed.
const Bech32mConst = 0x2bc830a3

// Polymod is the checksum's arithmetic: values are 5-bit coefficients
// of a polynomial over GF(32), reduced modulo the code's generator;
// what is left is 30 bits.
func Polymod(values []byte) uint32 {
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
