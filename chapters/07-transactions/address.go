package transactions

import (
	"crypto/ed25519"
	"crypto/sha256"
	"errors"
	"fmt"
)

// AddressSize is the bytes of an address: 160 bits, as Bitcoin's, is
// enough that no two keys' addresses meet by chance.
const AddressSize = 20

// AddressHRP is the human-readable part that starts every address's
// text: "pc1...".
const AddressHRP = "pc"

// ErrAddress is text that is not an address.
var ErrAddress = errors.New("invalid address")

// docs:begin address

// Address names an account: the first 20 bytes of the SHA-256 of its
// public key. Paying an address, rather than a key, keeps the key out
// of sight until its owner spends, and makes the text shorter.
type Address [AddressSize]byte

// AddressOf is the address of a public key.
func AddressOf(pub ed25519.PublicKey) Address {
	sum := sha256.Sum256(pub)
	var a Address
	copy(a[:], sum[:AddressSize])
	return a
}

// String is the address in bech32m: "pc1" and 38 characters, the last
// six a checksum.
func (a Address) String() string {
	data, _ := convertBits(a[:], 8, 5, true) // 8 to 5 bits cannot fail
	return bech32mEncode(AddressHRP, data)
}

// ParseAddress reads an address's text. A mistyped character fails the
// checksum: the transfer is never signed, and nothing is lost.
func ParseAddress(s string) (Address, error) {
	var a Address
	hrp, data, err := bech32mDecode(s)
	if err != nil {
		return a, fmt.Errorf("%w %q: %w", ErrAddress, s, err)
	}
	if hrp != AddressHRP {
		return a, fmt.Errorf("%w %q: starts %q, want %q", ErrAddress, s, hrp+"1", AddressHRP+"1")
	}
	b, err := convertBits(data, 5, 8, false)
	if err != nil || len(b) != AddressSize {
		return a, fmt.Errorf("%w %q: not %d bytes", ErrAddress, s, AddressSize)
	}
	copy(a[:], b)
	return a, nil
}

// docs:end address

// MarshalText writes the address as String does, for JSON.
func (a Address) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (a *Address) UnmarshalText(b []byte) error {
	v, err := ParseAddress(string(b))
	if err != nil {
		return err
	}
	*a = v
	return nil
}
