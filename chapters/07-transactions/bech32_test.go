package transactions

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestBech32mValid: BIP 350's valid bech32m strings decode, and encode
// back to themselves in lower case.
func TestBech32mValid(t *testing.T) {
	tests := []struct {
		name, s, hrp string
	}{
		{name: "upper case", s: "A1LQFN3A", hrp: "a"},
		{name: "lower case", s: "a1lqfn3a", hrp: "a"},
		{name: "90 characters, 83 of them the human-readable part",
			s:   "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11sg7hg6",
			hrp: "an83characterlonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber1"},
		{name: "every character", s: "abcdef1l7aum6echk45nj3s0wdvt2fg8x9yrzpqzd3ryx", hrp: "abcdef"},
		{name: "separator as the human-readable part",
			s:   "11llllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllllludsr8",
			hrp: "1"},
		{name: "words", s: "split1checkupstagehandshakeupstreamerranterredcaperredlc445v", hrp: "split"},
		{name: "question mark", s: "?1v759aa", hrp: "?"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hrp, data, err := bech32mDecode(tt.s)
			require.NoError(t, err)
			assert.Equal(t, tt.hrp, hrp)
			assert.Equal(t, strings.ToLower(tt.s), bech32mEncode(hrp, data))
		})
	}
}

// TestBech32mInvalid: BIP 350's invalid bech32m strings, and plain
// bech32 (BIP 173) checksums, are refused, each for its reason.
func TestBech32mInvalid(t *testing.T) {
	tests := []struct {
		name, s string
		wantErr error
	}{
		{name: "HRP character 0x20", s: "\x201xj0phk", wantErr: ErrBech32Char},
		{name: "HRP character 0x7f", s: "\x7f1g6xzxy", wantErr: ErrBech32Char},
		{name: "HRP character 0x80", s: "\x801vctc34", wantErr: ErrBech32Char},
		{name: "overall max length exceeded",
			s:       "an84characterslonghumanreadablepartthatcontainsthetheexcludedcharactersbioandnumber11d6pts4",
			wantErr: ErrBech32Length},
		{name: "no separator", s: "qyrz8wqd2c9m", wantErr: ErrBech32Length},
		{name: "empty HRP", s: "1qyrz8wqd2c9m", wantErr: ErrBech32Length},
		{name: "invalid data character b", s: "y1b0jsk6g", wantErr: ErrBech32Char},
		{name: "invalid data character i", s: "lt1igcx5c0", wantErr: ErrBech32Char},
		{name: "too short checksum", s: "in1muywd", wantErr: ErrBech32Length},
		{name: "invalid character in checksum i", s: "mm1crxm3i", wantErr: ErrBech32Char},
		{name: "invalid character in checksum o", s: "au1s5cgom", wantErr: ErrBech32Char},
		{name: "checksum of the upper-case HRP", s: "M1VUXWEZ", wantErr: ErrBech32Checksum},
		{name: "empty HRP, 7 characters", s: "16plkw9", wantErr: ErrBech32Length},
		{name: "empty HRP, 8 characters", s: "1p2gdwpf", wantErr: ErrBech32Length},
		// BIP 350's segwit vectors: a bech32 checksum is not bech32m's.
		{name: "bech32 checksum, BIP 173 address",
			s: "bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4", wantErr: ErrBech32Checksum},
		{name: "bech32 checksum instead of bech32m",
			s:       "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqh2y7hd",
			wantErr: ErrBech32Checksum},
		{name: "bech32 checksum, upper case",
			s:       "BC1S0XLXVLHEMJA6C4DQV22UAPCTQUPFHLXM9H8Z3K2E72Q4K9HCZ7VQ54WELL",
			wantErr: ErrBech32Checksum},
		{name: "mixed case",
			s:       "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vq47Zagq",
			wantErr: ErrBech32Case},
		{name: "empty", s: "", wantErr: ErrBech32Length},
		// Unicode's case rules map the Kelvin sign to "k": the byte
		// check comes before the case check.
		{name: "Kelvin sign in an upper-case string",
			s: "PC1LFXCDSA42X4XE47RW\u212aWSGRQR0MEVVDULSXRGU3", wantErr: ErrBech32Char},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hrp, data, err := bech32mDecode(tt.s)
			assert.ErrorIs(t, err, tt.wantErr)
			assert.Empty(t, hrp)
			assert.Nil(t, data)
		})
	}
}

// TestBech32mConvertBits: BIP 350's segwit vectors, whose data is a
// version and a program regrouped from 5-bit values into bytes.
func TestBech32mConvertBits(t *testing.T) {
	tests := []struct {
		name, s     string
		wantProgram string // hex; "" when the padding is refused
	}{
		{name: "taproot output",
			s:           "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vqzk5jj0",
			wantProgram: "79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798"},
		{name: "2-byte program", s: "BC1SW50QGDZ25J", wantProgram: "751e"},
		{name: "16-byte program", s: "bc1zw508d6qejxtdg4y5r3zarvaryvaxxpcs",
			wantProgram: "751e76e8199196d454941c45d1b3a323"},
		{name: "zero padding of more than 4 bits",
			s: "bc1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7v07qwwzcrf"},
		{name: "non-zero padding",
			s: "tb1p0xlxvlhemja6c4dqv22uapctqupfhlxm9h8z3k2e72q4k9hcz7vpggkg4j"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, data, err := bech32mDecode(tt.s)
			require.NoError(t, err, "the checksum is valid")
			require.NotEmpty(t, data)
			program, err := convertBits(data[1:], 5, 8, false)
			if tt.wantProgram == "" {
				assert.ErrorContains(t, err, "padding")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.wantProgram, hex.EncodeToString(program))
			back, err := convertBits(program, 8, 5, true)
			require.NoError(t, err)
			assert.Equal(t, data[1:], back)
		})
	}
}

// TestAddressTypos is the promise the chapter makes: a mistyped
// character never goes unnoticed. For a few addresses, every single
// substitution (each position, each character of the alphabet and the
// four it leaves out, and each change of case) and every swap of two
// adjacent different characters fails ParseAddress.
func TestAddressTypos(t *testing.T) {
	const others = "1bio" // outside the alphabet
	tests := []struct {
		name  string
		key   byte
		upper bool
	}{
		{name: "key 1", key: 1},
		{name: "key 2", key: 2},
		{name: "key 3, upper case", key: 3, upper: true},
		{name: "key 200", key: 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := fxKey(tt.key).Address().String()
			if tt.upper {
				s = strings.ToUpper(s)
			}
			_, err := ParseAddress(s)
			require.NoError(t, err, "the address itself")
			var accepted []string
			tried := 0
			try := func(typo string) {
				tried++
				if _, err := ParseAddress(typo); err == nil {
					accepted = append(accepted, typo)
				}
			}
			for i := range len(s) {
				for _, c := range bech32Charset + others {
					cs := string(c)
					if tt.upper {
						cs = strings.ToUpper(cs)
					}
					if cs != s[i:i+1] {
						try(s[:i] + cs + s[i+1:])
					}
				}
				if sw := swapCase(s[i]); sw != s[i] {
					try(s[:i] + string(sw) + s[i+1:])
				}
			}
			for i := range len(s) - 1 {
				if s[i] != s[i+1] {
					try(s[:i] + s[i+1:i+2] + s[i:i+1] + s[i+2:])
				}
			}
			assert.Empty(t, accepted, "typos accepted")
			assert.Greater(t, tried, len(s)*len(bech32Charset), "typos tried")
		})
	}
}

func swapCase(c byte) byte {
	switch {
	case 'a' <= c && c <= 'z':
		return c - 'a' + 'A'
	case 'A' <= c && c <= 'Z':
		return c - 'A' + 'a'
	}
	return c
}
