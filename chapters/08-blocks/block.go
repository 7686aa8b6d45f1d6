package blocks

import (
	"bytes"
	"fmt"
	"io"
	"math/bits"

	wire "peerchain/chapters/02-wire"
	transactions "peerchain/chapters/07-transactions"
)

// MaxBlockSize bounds a block's encoding, as Bitcoin's first limit did:
// 1,000,000 bytes.
const MaxBlockSize = 1_000_000

// MaxBlockTxs is the most transactions a block of MaxBlockSize can
// hold: the room after a header and the smallest coinbase, in the
// smallest transactions. A count above it is refused before anything is
// allocated for it.
const MaxBlockTxs = (MaxBlockSize - HeaderSize - MinCoinbaseSize) / transactions.MinTxSize

// decodeTxsCap bounds the room Decode makes for transactions before
// they arrive: the slice grows with the bytes, not with the count sent.
const decodeTxsCap = 64

// docs:begin block

// Block is a header, the coinbase that pays its miner, and chapter 07's
// transactions, in the order they apply.
type Block struct {
	Header   Header
	Coinbase Coinbase
	Txs      []*transactions.Tx
}

// docs:end block

// docs:begin leaves

// TxLeaf is a transaction's merkle leaf: the double SHA-256 of its
// whole encoding, signature included. Chapter 07's ID leaves the
// signature out, so that a relayer cannot rename a transaction; the
// block commits to the signature too, as SegWit's witness commitment
// does, so that a block's bytes are all fixed by its header.
func TxLeaf(tx *transactions.Tx) Hash {
	b, err := tx.Bytes()
	if err != nil {
		return Hash{} // cannot be encoded: CheckBlockSanity says why
	}
	return DoubleSHA256(b)
}

// Leaves are the block's merkle leaves: the coinbase's ID, then each
// transaction's leaf, in order.
func (b *Block) Leaves() []Hash {
	leaves := make([]Hash, 0, 1+len(b.Txs))
	leaves = append(leaves, b.Coinbase.ID())
	for _, tx := range b.Txs {
		leaves = append(leaves, TxLeaf(tx))
	}
	return leaves
}

// ComputeMerkleRoot is the root of the block's leaves, and whether the
// tree is mutated (see MerkleRoot).
func (b *Block) ComputeMerkleRoot() (root Hash, mutated bool) {
	return MerkleRoot(b.Leaves())
}

// docs:end leaves

// Hash is the block's name: its header's hash.
func (b *Block) Hash() Hash { return b.Header.BlockHash() }

// Fees is what the block's transactions pay the miner, in all.
func (b *Block) Fees() (uint64, error) {
	var sum uint64
	for i, tx := range b.Txs {
		var carry uint64
		sum, carry = bits.Add64(sum, tx.Fee, 0)
		if carry != 0 {
			return 0, ruleError(ErrFees, "past 2^64 at transaction %d", i)
		}
	}
	return sum, nil
}

// Size is the bytes of the block's encoding.
func (b *Block) Size() int {
	n := HeaderSize + b.Coinbase.Size() + wire.CompactSizeLen(uint64(len(b.Txs)))
	for _, tx := range b.Txs {
		n += tx.Size()
	}
	return n
}

// docs:begin block-encode

// Encode writes the block: the header's 80 bytes, the coinbase, a
// CompactSize count of transactions, and each transaction.
func (b *Block) Encode(w io.Writer) error {
	if err := b.Header.Encode(w); err != nil {
		return err
	}
	if err := b.Coinbase.Encode(w); err != nil {
		return err
	}
	if err := wire.WriteCompactSize(w, uint64(len(b.Txs))); err != nil {
		return err
	}
	for _, tx := range b.Txs {
		if err := tx.Encode(w); err != nil {
			return err
		}
	}
	return nil
}

// Decode reads what Encode wrote, and at most MaxBlockSize bytes of it.
// A count of transactions that MaxBlockSize, or the bytes left when r
// knows them, cannot hold is refused before a transaction is read.
func (b *Block) Decode(r io.Reader) error {
	lr := &io.LimitedReader{R: r, N: MaxBlockSize}
	err := b.decode(lr, r)
	if err != nil && lr.N == 0 {
		return fmt.Errorf("%w: over %d bytes: %w", ErrBlockDecode, MaxBlockSize, err)
	}
	return err
}

// docs:end block-encode

// lener is a reader that knows how many bytes it has left, as a
// bytes.Reader and chapter 02's payload reader do.
type lener interface{ Len() int }

func (b *Block) decode(lr *io.LimitedReader, orig io.Reader) error {
	if err := b.Header.Decode(lr); err != nil {
		return fmt.Errorf("%w: header: %w", ErrBlockDecode, err)
	}
	if err := b.Coinbase.Decode(lr); err != nil {
		return fmt.Errorf("%w: coinbase: %w", ErrBlockDecode, err)
	}
	n, err := wire.ReadCompactSize(lr)
	if err != nil {
		return fmt.Errorf("%w: transaction count: %w", ErrBlockDecode, err)
	}
	if n > MaxBlockTxs {
		return fmt.Errorf("%w: %d transactions, a block has room for %d",
			ErrBlockDecode, n, MaxBlockTxs)
	}
	if l, ok := orig.(lener); ok && n > uint64(l.Len()/transactions.MinTxSize) {
		return fmt.Errorf("%w: %d transactions in %d bytes: %w",
			ErrBlockDecode, n, l.Len(), io.ErrUnexpectedEOF)
	}
	b.Txs = nil
	if n > 0 {
		b.Txs = make([]*transactions.Tx, 0, min(n, decodeTxsCap))
	}
	for i := range n {
		tx := new(transactions.Tx)
		if err := tx.Decode(lr); err != nil {
			return fmt.Errorf("%w: transaction %d: %w", ErrBlockDecode, i, err)
		}
		b.Txs = append(b.Txs, tx)
	}
	return nil
}

// Bytes is the block's encoding.
func (b *Block) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	buf.Grow(b.Size())
	if err := b.Encode(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// ParseBlock reads a block from its encoding, all of it: bytes left
// over are an error, so that one block has one encoding.
func ParseBlock(data []byte) (*Block, error) {
	if len(data) > MaxBlockSize {
		return nil, fmt.Errorf("%w: %d bytes, limit %d", ErrBlockDecode, len(data), MaxBlockSize)
	}
	r := bytes.NewReader(data)
	b := new(Block)
	if err := b.Decode(r); err != nil {
		return nil, err
	}
	if r.Len() > 0 {
		return nil, fmt.Errorf("%w: %d bytes after the last transaction", ErrBlockDecode, r.Len())
	}
	return b, nil
}

// String is a one-line summary, for logs and demos.
func (b *Block) String() string {
	return fmt.Sprintf("block %s: height %d, %d transactions, %d bytes",
		b.Hash().Short(), b.Coinbase.Height, len(b.Txs), b.Size())
}
