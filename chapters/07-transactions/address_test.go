package transactions

import (
	"crypto/ed25519"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"peerchain/tools/testbytes"
)

// The public keys of RFC 8032's first two test vectors, and their
// addresses: SHA-256 of the key, first 20 bytes (sha256sum), and that
// in bech32m (checked with a separate implementation of BIP 350).
const (
	rfc8032Pub1     = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a"
	rfc8032Addr1    = "21fe31dfa154a261626bf854046fd2271b7bed4b"
	rfc8032AddrText = "pc1y8lrrhap2j3xzcntlp2qgm7jyudhhm2t0jm5ev"
	rfc8032Pub2     = "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"
	rfc8032Addr2    = "39f713d0a644253f04529421b9f51b9b08979d08"
	rfc8032Addr2Txt = "pc188m3859xgsjn7pzjjssmnagmnvyf08gg5v5lfp"
)

// TestAddressOf: an address is the first 20 bytes of SHA-256 of the
// public key, written "pc1" and 38 characters.
func TestAddressOf(t *testing.T) {
	tests := []struct {
		name, pub, addr, text string
	}{
		{name: "RFC 8032 key 1", pub: rfc8032Pub1, addr: rfc8032Addr1, text: rfc8032AddrText},
		{name: "RFC 8032 key 2", pub: rfc8032Pub2, addr: rfc8032Addr2, text: rfc8032Addr2Txt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := AddressOf(ed25519.PublicKey(testbytes.MustHex(tt.pub)))
			assert.Equal(t, tt.addr, hex.EncodeToString(a[:]))
			assert.Equal(t, tt.text, a.String())
			assert.Len(t, a.String(), len(AddressHRP)+1+32+6)
			back, err := ParseAddress(tt.text)
			require.NoError(t, err)
			assert.Equal(t, a, back)
		})
	}
}

// TestParseAddress: the text of an address reads back as it, in
// either case; anything else is ErrAddress, saying why.
func TestParseAddress(t *testing.T) {
	a := fxKey(7).Address()
	data, err := convertBits(a[:], 8, 5, true)
	require.NoError(t, err)
	short, err := convertBits(a[:19], 8, 5, true)
	require.NoError(t, err)
	long, err := convertBits(append(a[:], 0), 8, 5, true)
	require.NoError(t, err)
	tests := []struct {
		name    string
		s       string
		want    Address
		wantErr error
		wantMsg string
	}{
		{name: "lower case", s: a.String(), want: a},
		{name: "upper case", s: strings.ToUpper(a.String()), want: a},
		{name: "mixed case", s: "PC1" + a.String()[3:], wantErr: ErrBech32Case},
		{name: "Bitcoin's HRP", s: bech32mEncode("bc", data), wantErr: ErrAddress, wantMsg: `want "pc1"`},
		{name: "19 bytes", s: bech32mEncode(AddressHRP, short), wantErr: ErrAddress, wantMsg: "not 20 bytes"},
		{name: "21 bytes", s: bech32mEncode(AddressHRP, long), wantErr: ErrAddress, wantMsg: "not 20 bytes"},
		{name: "one 5-bit value more", s: bech32mEncode(AddressHRP, append(data[:32:32], 0)),
			wantErr: ErrAddress, wantMsg: "not 20 bytes"},
		{name: "empty", s: "", wantErr: ErrBech32Length},
		{name: "a key's hex", s: rfc8032Pub1, wantErr: ErrBech32Length},
		{name: "last character changed", s: a.String()[:40] + "q", wantErr: ErrBech32Checksum},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ParseAddress(tt.s)
			if tt.wantErr != nil {
				assert.ErrorIs(t, err, tt.wantErr)
				assert.ErrorIs(t, err, ErrAddress)
				assert.ErrorContains(t, err, tt.wantMsg)
				assert.Equal(t, Address{}, got)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got)
		})
	}
}

// TestAddressJSON: an address in JSON is its text.
func TestAddressJSON(t *testing.T) {
	type payment struct {
		To Address `json:"to"`
	}
	a := AddressOf(ed25519.PublicKey(testbytes.MustHex(rfc8032Pub1)))
	b, err := json.Marshal(payment{To: a})
	require.NoError(t, err)
	assert.JSONEq(t, `{"to":"`+rfc8032AddrText+`"}`, string(b))

	tests := []struct {
		name    string
		json    string
		want    Address
		wantErr bool
	}{
		{name: "its text", json: `{"to":"` + rfc8032AddrText + `"}`, want: a},
		{name: "upper case", json: `{"to":"` + strings.ToUpper(rfc8032AddrText) + `"}`, want: a},
		{name: "a typo", json: `{"to":"` + strings.Replace(rfc8032AddrText, "y8", "y9", 1) + `"}`, wantErr: true},
		{name: "hex", json: `{"to":"` + rfc8032Addr1 + `"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var p payment
			err := json.Unmarshal([]byte(tt.json), &p)
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrAddress)
				assert.Equal(t, Address{}, p.To, "left as it was")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, p.To)
		})
	}
}
