package blocks

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
	"peerchain/tools/testbytes"
)

// rfcTxHex is chapter 07's test transfer, signed by RFC 8032's first
// key, field by field.
const rfcTxHex = `
	fc8ed5b6                          # chain: devnet
	d75a980182b10ab7d54bfed3c964073a  # from: RFC 8032 key 1
	0ee172f3daa62325af021a68f707511a
	39f713d0a644253f04529421b9f51b9b  # to: RFC 8032 key 2's address
	08979d08
	e803000000000000                  # amount 1000
	0a00000000000000                  # fee 10
	0700000000000000                  # nonce 7
	02 6869                           # memo "hi"
	ba1adb87ad6ff9704720ecbd6a048bc5  # sig: of the ID, by key 1
	ca5da4cd0d3917c36d015fe4f828c88c
	277a40656af02fc7c689c9aa06056ec4
	bdc0f3446452cefc15dfd2b39ee4fb05`

// rfcCoinbaseHex is a coinbase of height 1 paying key 2's address 50
// coins and rfcTx's fee.
const rfcCoinbaseHex = `
	0100000000000000                  # height 1
	39f713d0a644253f04529421b9f51b9b  # to: RFC 8032 key 2's address
	08979d08
	0af2052a01000000                  # amount 5,000,000,010
	02 6869                           # extra "hi"`

// rfcBlockHex is a block on the devnet's genesis of that coinbase and
// rfcTx. Its merkle root was checked with Python's hashlib:
// SHA-256d(SHA-256d(coinbase) || SHA-256d(tx)).
const rfcBlockHex = `
	01000000                          # version 1
	be925063d47a65de3e9014f5ecddc895  # previous: the devnet's genesis
	6407561bf52c0386ce4ce94ddb090000
	38dbb3772b9912a5965d7039598f0ace  # merkle root
	a16fbc1d4dc548c0e76eaf43a7f7933d
	3cb95569                          # time: genesis + 60 s
	ffff0f1e                          # bits 0x1e0fffff
	04030201                          # nonce` + rfcCoinbaseHex + `
	01                                # one transaction` + rfcTxHex

// rfcBlockHash is rfcBlockHex's hash.
const rfcBlockHash = "0b559d1cced608f42a7cbf2003649f0e70c2a0fca14ab7a96515610cf5636d86"

func rfcAddr2() transactions.Address {
	return transactions.Address(testbytes.MustHex("39f713d0a644253f04529421b9f51b9b08979d08"))
}

func rfcTx() *transactions.Tx {
	tx, err := transactions.ParseTx(testbytes.MustHex(rfcTxHex))
	if err != nil {
		panic(err)
	}
	return tx
}

func rfcCoinbase() Coinbase {
	return Coinbase{Height: 1, To: rfcAddr2(), Amount: 50*Coin + 10, Extra: []byte("hi")}
}

func rfcBlock() *Block {
	return &Block{
		Header: Header{Version: 1, PrevBlock: DevNet.Genesis.Hash(),
			MerkleRoot: mustHash("3d93f7a743af6ee7c048c54d1dbc6fa1ce0a8f5939705d96a512992b77b3db38"),
			Time:       genesisTime + 60, Bits: 0x1e0fffff, Nonce: 0x01020304},
		Coinbase: rfcCoinbase(),
		Txs:      []*transactions.Tx{rfcTx()},
	}
}

// blockWireTests are blocks and their encodings, byte for byte.
var blockWireTests = []struct {
	name  string
	block *Block
	raw   []byte
}{
	{name: "a coinbase and one transfer", block: rfcBlock(), raw: testbytes.MustHex(rfcBlockHex)},
	{name: "the devnet's genesis", block: &DevNet.Genesis, raw: testbytes.MustHex(`
		01000000                                                         # version
		0000000000000000000000000000000000000000000000000000000000000000 # no previous
		f0a0f05789cea278bda39126f00a328cfd59ced3637f96b9a8c72e851e01a81d # merkle root
		00b95569 ffff0f1e f8961500                                       # time, bits, nonce
		0000000000000000                                                 # height 0
		0000000000000000000000000000000000000000                         # to nobody
		0000000000000000                                                 # amount 0
		33                                                               # 51 bytes:
		70656572636861696e206465766e657420323032362d30312d30313a2061206e
		6574776f726b206f6e203132372e302e302e31                           # the message
		00                                                               # no transactions`)},
}

func TestBlockWire(t *testing.T) {
	for _, tt := range blockWireTests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.block.Bytes()
			require.NoError(t, err)
			assertBytes(t, tt.raw, got)
			assert.Equal(t, len(tt.raw), tt.block.Size())

			b, err := ParseBlock(tt.raw)
			require.NoError(t, err)
			assert.Equal(t, tt.block, b)
			assert.Equal(t, tt.block.Hash(), b.Hash())
			root, mutated := b.ComputeMerkleRoot()
			assert.Equal(t, b.Header.MerkleRoot, root)
			assert.False(t, mutated)
		})
	}
	b := rfcBlock()
	assert.Equal(t, rfcBlockHash, b.Hash().String())
	assert.Equal(t, "c31a07e43b68326164b1d3e404ebe2bcfa8f27e01f39494500ada4be53dd0e94", b.Coinbase.ID().String())
	assert.Equal(t, "8e5646bea21deb4418a3c32877c95a9ff7ead68a3418c55ccc820fe37af667e6", TxLeaf(b.Txs[0]).String())
	assert.NotEqual(t, TxLeaf(b.Txs[0]), Hash(b.Txs[0].ID()), "the leaf covers the signature, the ID does not")
	assert.Equal(t, []Hash{b.Coinbase.ID(), TxLeaf(b.Txs[0])}, b.Leaves())
	fees, err := b.Fees()
	require.NoError(t, err)
	assert.Equal(t, uint64(10), fees)
}

// TestBlockWireErrors: a block cut short anywhere is an error, never a
// block; a writer that fails anywhere makes Encode fail with exactly
// the bytes before it written.
func TestBlockWireErrors(t *testing.T) {
	for _, tt := range blockWireTests {
		t.Run(tt.name, func(t *testing.T) {
			for cut := range len(tt.raw) {
				b, err := ParseBlock(tt.raw[:cut])
				assert.Nil(t, b, "cut at %d", cut)
				assert.ErrorIs(t, err, ErrBlockDecode, "cut at %d", cut)
				assert.ErrorIs(t, err, io.ErrUnexpectedEOF, "cut at %d", cut)

				w := &testbytes.FailWriter{Budget: cut}
				assert.ErrorIs(t, tt.block.Encode(w), testbytes.ErrWrite, "write fails at %d", cut)
				assertBytes(t, tt.raw[:cut], w.Buf.Bytes(), "written before %d", cut)
			}
		})
	}
}

// TestParseBlockRefused: what ParseBlock refuses besides short input.
func TestParseBlockRefused(t *testing.T) {
	raw := testbytes.MustHex(rfcBlockHex)
	countAt := HeaderSize + len(testbytes.MustHex(rfcCoinbaseHex))
	withCount := func(count string) []byte {
		return append(append(append([]byte(nil), raw[:countAt]...), testbytes.MustHex(count)...), raw[countAt+1:]...)
	}
	longExtra := append(append([]byte(nil), raw[:HeaderSize+36]...), testbytes.MustHex("65")...)
	longExtra = append(longExtra, make([]byte, 101)...)
	tests := []struct {
		name    string
		raw     []byte
		wantErr error
	}{
		{"a byte after the last transaction", append(append([]byte(nil), raw...), 0), ErrBlockDecode},
		{"over MaxBlockSize", make([]byte, MaxBlockSize+1), ErrBlockDecode},
		{"two transactions, bytes for one", withCount("02"), io.ErrUnexpectedEOF},
		{"the second transaction cut short",
			append(withCount("02"), make([]byte, transactions.MinTxSize-1)...), io.ErrUnexpectedEOF},
		{"more transactions than the bytes hold", withCount("fd1027"), ErrBlockDecode},
		{"more transactions than a block holds", withCount("feffffffff"), ErrBlockDecode},
		{"a count sent long", withCount("fd0100"), wire.ErrNonCanonical},
		{"a coinbase extra over 100 bytes", longExtra, ErrCoinbaseExtra},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := ParseBlock(tt.raw)
			assert.Nil(t, b)
			assert.ErrorIs(t, err, ErrBlockDecode)
			assert.ErrorIs(t, err, tt.wantErr)
		})
	}
}

// TestBlockDecodeBounded: a reader that does not say how much it holds
// still cannot make Decode read past MaxBlockSize, nor allocate for a
// count of transactions it claims.
func TestBlockDecodeBounded(t *testing.T) {
	raw := testbytes.MustHex(rfcBlockHex)
	countAt := HeaderSize + len(testbytes.MustHex(rfcCoinbaseHex))
	claim := append(append([]byte(nil), raw[:countAt]...), testbytes.MustHex("fd1027")...) // 10,000
	var b Block
	err := b.Decode(io.MultiReader(bytes.NewReader(claim), zeros{}))
	assert.ErrorIs(t, err, ErrBlockDecode)
	assert.Contains(t, err.Error(), "a block has room for 6895")

	big := append(append([]byte(nil), raw[:countAt]...), testbytes.MustHex("fd401f")...) // 8,000 > MaxBlockTxs
	assert.Greater(t, 8000, MaxBlockTxs)
	err = b.Decode(io.MultiReader(bytes.NewReader(big), zeros{}))
	assert.ErrorIs(t, err, ErrBlockDecode)

	// Transfers with 200-byte memos: 6,000 of them would be 2 MB.
	memoTx := append(append(make([]byte, 80), 0xc8), make([]byte, 200+64)...)
	fits := append(append([]byte(nil), raw[:countAt]...), testbytes.MustHex("fd7017")...)
	err = b.Decode(io.MultiReader(bytes.NewReader(fits),
		bytes.NewReader(bytes.Repeat(memoTx, 6000))))
	assert.ErrorIs(t, err, ErrBlockDecode)
	assert.ErrorIs(t, err, io.ErrUnexpectedEOF)
	assert.Contains(t, err.Error(), "over 1000000 bytes", "stopped at MaxBlockSize")
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestCoinbaseWire: the coinbase alone, both ways, and cut short.
func TestCoinbaseWire(t *testing.T) {
	raw := testbytes.MustHex(rfcCoinbaseHex)
	c := rfcCoinbase()
	assertBytes(t, raw, c.Bytes())
	assert.Equal(t, len(raw), c.Size())
	var buf bytes.Buffer
	require.NoError(t, c.Encode(&buf))
	assertBytes(t, raw, buf.Bytes())
	var got Coinbase
	require.NoError(t, got.Decode(bytes.NewReader(raw)))
	assert.Equal(t, c, got)
	assert.Equal(t, DoubleSHA256(raw), c.ID())
	for cut := range len(raw) {
		var short Coinbase
		assert.ErrorIs(t, short.Decode(bytes.NewReader(raw[:cut])), io.ErrUnexpectedEOF, "cut at %d", cut)
	}
	long := Coinbase{Extra: make([]byte, MaxCoinbaseExtra+1)}
	err := long.Encode(io.Discard)
	assertRule(t, err, ErrCoinbaseExtra)
	assert.Len(t, long.Bytes(), MinCoinbaseSize+MaxCoinbaseExtra+1, "Bytes shows it anyway")
	assert.Equal(t, MaxCoinbaseSize, (&Coinbase{Extra: make([]byte, MaxCoinbaseExtra)}).Size())
}

// FuzzParseBlock: whatever the bytes, ParseBlock returns a block or an
// ErrBlockDecode, never panics; a block it returns encodes back to the
// same bytes.
func FuzzParseBlock(f *testing.F) {
	for _, tt := range blockWireTests {
		f.Add(tt.raw)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := ParseBlock(data)
		if err != nil {
			if !errors.Is(err, ErrBlockDecode) {
				t.Fatalf("error %v is no ErrBlockDecode", err)
			}
			return
		}
		again, err := b.Bytes()
		if err != nil {
			t.Fatalf("a parsed block does not encode: %v", err)
		}
		if !bytes.Equal(again, data) {
			t.Fatalf("parsed %x, encodes to %x", data, again)
		}
		if b.Size() != len(data) {
			t.Fatalf("size %d of %d bytes", b.Size(), len(data))
		}
	})
}
