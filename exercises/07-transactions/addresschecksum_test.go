package transactions

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	chapter "peerchain/chapters/07-transactions"
	"peerchain/tools/exercise"
)

// bip350Valid are BIP 350's valid bech32m strings.
var bip350Valid = []struct{ name, s string }{
	// With bech32's constant 1 instead of 0x2bc830a3 this checksum comes
	// out "2uel5l": BIP 173's a12uel5l, not BIP 350's.
	{"hrp a, no data, upper case", "A1LQFN3A"},
	{"hrp a, no data", "a1lqfn3a"},
	// The same data, none, as a1lqfn3a: only the hrp, expanded into
	// the checksum's values, tells their checksums apart.
	{"hrp ?, no data", "?1v759aa"},
	{"83-character hrp: 90 in all", "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6"},
	{"every data character", "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx"},
	{"hrp 1, 82 l", "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8"},
	{"split", "split1checkupstagehandshakeupstreamerranterredcaperredlc445v"},
}

// splitBech32 reads a valid string into its lower-case hrp, its data's
// 5-bit values and its checksum's.
func splitBech32(t *testing.T, s string) (hrp string, data []byte, sum [6]byte) {
	t.Helper()
	s = strings.ToLower(s)
	sep := strings.LastIndexByte(s, '1')
	require.True(t, sep > 0 && len(s)-sep-1 >= len(sum), "%q is a bech32 string", s)
	var values []byte
	for i := sep + 1; i < len(s); i++ {
		v := strings.IndexByte(Charset, s[i])
		require.GreaterOrEqual(t, v, 0, "%q at %d in %q", s[i], i, s)
		values = append(values, byte(v))
	}
	n := len(values) - len(sum)
	return s[:sep], values[:n], [6]byte(values[n:])
}

// text writes 5-bit values as characters.
func text(values []byte) string {
	var b strings.Builder
	for _, v := range values {
		if int(v) < len(Charset) {
			b.WriteByte(Charset[v])
		} else {
			fmt.Fprintf(&b, "<%d>", v)
		}
	}
	return b.String()
}

func TestBech32mChecksum(t *testing.T) {
	for _, tt := range bip350Valid {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			hrp, data, want := splitBech32(t, tt.s)
			got := Bech32mChecksum(hrp, data)
			assert.Equal(t, text(want[:]), text(got[:]), "the checksum of %s", tt.s)
		})
	}
}

// testAddresses are addresses of seeded keys, of random bytes, and the
// two extremes.
func testAddresses() []chapter.Address {
	list := []chapter.Address{{}, alice.key.Address(), bob.key.Address(), carol.key.Address()}
	var ones chapter.Address
	for i := range ones {
		ones[i] = 0xff
	}
	list = append(list, ones)
	r := rand.New(rand.NewPCG(7, 2))
	for range 8 {
		var a chapter.Address
		for i := range a {
			a[i] = byte(r.Uint32())
		}
		list = append(list, a)
	}
	return list
}

// TestBech32mChecksum_Addresses: the checksum is the last six
// characters of the chapter's addresses.
func TestBech32mChecksum_Addresses(t *testing.T) {
	for _, a := range testAddresses() {
		s := a.String()
		t.Run(s, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			hrp, data, _ := splitBech32(t, s)
			require.Equal(t, chapter.AddressHRP, hrp)
			got := Bech32mChecksum(hrp, data)
			assert.Equal(t, s[len(s)-6:], text(got[:]), "the last six characters of %s", s)
		})
	}
}

func TestValidChecksum(t *testing.T) {
	addr := alice.key.Address().String()
	tests := []struct {
		name string
		s    string
		want bool
	}{
		// BIP 350's invalid strings, with its reasons.
		{name: "hrp character out of range: space", s: "\x201xj0phk"},
		{name: "hrp character out of range: DEL", s: "\x7f1g6xzxy"},
		{name: "hrp character out of range: 0x80", s: "\x801vctc34"},
		{name: "overall max length exceeded", s: "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4"},
		{name: "no separator character", s: "qyrz8wqd2c9m"},
		{name: "empty hrp", s: "1qyrz8wqd2c9m"},
		{name: "invalid data character b", s: "y1b0jsk6g"},
		{name: "invalid data character i", s: "lt1igcx5c0"},
		{name: "too short checksum", s: "in1muywd"},
		{name: "invalid character in checksum: i", s: "mm1crxm3i"},
		{name: "invalid character in checksum: o", s: "au1s5cgom"},
		{name: "checksum calculated with uppercase form of hrp", s: "M1VUXWEZ"},
		{name: "empty hrp, 1 the only separator", s: "16plkw9"},
		{name: "empty hrp, 1 and data", s: "1p2gdwpf"},

		// BIP 173's valid bech32 strings are not bech32m: a checksum
		// with bech32's constant 1 accepts them.
		{name: "bech32: hrp a, no data", s: "A12UEL5L"},
		{name: "bech32: every data character", s: "abcdef1qpzry9x8gf2tvdw0s3jn54khce6mua7lmqqqxw"},
		{name: "bech32: hrp ?, no data", s: "?1ezyfcl"},

		// The chapter's addresses.
		{name: "alice's address", s: addr, want: true},
		{name: "bob's address", s: bob.key.Address().String(), want: true},
		{name: "the zero address", s: chapter.Address{}.String(), want: true},
		{name: "an address in upper case", s: strings.ToUpper(addr), want: true},
		{name: "an address in mixed case", s: "PC" + addr[2:]},
		{name: "an address cut short", s: addr[:len(addr)-1]},
		{name: "an address with a character more", s: addr + "q"},
		// '0' and 'p' share their low five bits: only the high part of
		// the hrp's expansion tells "0c" from "pc".
		{name: "an address for hrp 0c", s: "0c" + addr[2:]},
	}
	for _, v := range bip350Valid {
		tests = append(tests, struct {
			name string
			s    string
			want bool
		}{name: "BIP 350: " + v.name, s: v.s, want: true})
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			assert.Equal(t, tt.want, ValidChecksum(tt.s), "%q", tt.s)
		})
	}
}

// TestValidChecksum_Substitutions: every single character mistyped in
// an address, in its hrp, its separator, its data or its checksum, is
// caught. The checksum guarantees it for up to four.
func TestValidChecksum_Substitutions(t *testing.T) {
	addr := testAddresses()[5].String()
	alphabet := Charset + "1"
	for i := range len(addr) {
		for _, c := range []byte(alphabet) {
			if c == addr[i] {
				continue
			}
			typo := addr[:i] + string(c) + addr[i+1:]
			t.Run(fmt.Sprintf("%d:%c", i, c), func(t *testing.T) {
				defer exercise.SkipIfNotAttempted(t)
				_, err := chapter.ParseAddress(typo)
				require.Error(t, err, "the chapter refuses %s", typo)
				assert.True(t, ValidChecksum(addr), "%s as it was written", addr)
				assert.False(t, ValidChecksum(typo), "%s is %s with character %d mistyped", typo, addr, i)
			})
		}
	}
}
