package broadcast

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"testing"

	"github.com/stretchr/testify/assert"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/testalloc"
	"peerchain/tools/testbytes"
)

// Two trees, as publishers draw them (odd, nonzero), with bytes that
// are easy to spot on the wire.
const (
	treeA uint64 = 0x0807060504030201 // travels as 01 02 03 04 05 06 07 08
	treeB uint64 = 0xfedcba9876543211 // travels as 11 32 54 76 98 ba dc fe
)

func newPrune() wire.Message { return new(MsgPrune) }

// treesOf is n distinct tree keys.
func treesOf(n int) []uint64 {
	out := make([]uint64, n)
	for i := range out {
		out[i] = uint64(i)<<8 | 1
	}
	return out
}

// treesPayload is the encoding of trees, key by key, after count.
func treesPayload(count string, trees []uint64) []byte {
	b := testbytes.MustHex(count)
	for _, t := range trees {
		b = binary.LittleEndian.AppendUint64(b, t)
	}
	return b
}

// pruneTests: a prune names the trees the sender no longer wants
// pushed, each by its 8-byte key.
var pruneTests = []payloadTest{
	{name: "no trees", msg: &MsgPrune{}, payload: testbytes.MustHex("00")},
	{name: "one tree", msg: &MsgPrune{Trees: []uint64{treeA}}, payload: testbytes.MustHex(`
		01                 # count
		0102030405060708   # tree A, little-endian`)},
	{name: "two trees", msg: &MsgPrune{Trees: []uint64{treeA, treeB}}, payload: testbytes.MustHex(`
		02
		0102030405060708   # tree A
		1132547698badcfe   # tree B`)},
	{name: "the largest and the smallest key", msg: &MsgPrune{Trees: []uint64{^uint64(0), 1}},
		payload: testbytes.MustHex("02 ffffffffffffffff 0100000000000000")},
}

// pruneLongTests are too long to cut at every byte: the first layer
// only.
var pruneLongTests = []payloadTest{
	{name: "253 trees, a three-byte count", msg: &MsgPrune{Trees: treesOf(253)},
		payload: treesPayload("fdfd00", treesOf(253))},
	{name: "MaxPruneTrees trees", msg: &MsgPrune{Trees: treesOf(MaxPruneTrees)},
		payload: treesPayload("fd0004", treesOf(MaxPruneTrees))},
}

// pruneFrames: whole prunes, envelope and payload.
var pruneFrames = []frameTest{
	{name: "devnet", magic: wire.DevNet, want: &MsgPrune{Trees: []uint64{treeA, treeB}}, raw: testbytes.MustHex(`
		fc8ed5b6                  # devnet
		7072756e6500000000000000  # "prune", NUL-padded
		11000000                  # 17 bytes
		ab01d800                  # checksum
		02 0102030405060708 1132547698badcfe`)},
	{name: "main", magic: wire.MainNet, want: &MsgPrune{Trees: []uint64{treeA, treeB}},
		raw: testbytes.MustHex("fec3b0d1 7072756e6500000000000000 11000000 ab01d800" +
			"02 0102030405060708 1132547698badcfe")},
	{name: "test, no trees", magic: wire.TestNet, want: &MsgPrune{},
		raw: testbytes.MustHex("fda7c9e3 7072756e6500000000000000 01000000 1406e058 00")},
}

func TestMsgPruneWire(t *testing.T) {
	testPayloadWire(t, newPrune, append(pruneTests, pruneLongTests...))
	testFrameWire(t, pruneFrames)
	assert.Equal(t, uint32(9+8*MaxPruneTrees), new(MsgPrune).MaxPayload(),
		"the longest count and MaxPruneTrees keys")
	assert.Equal(t, "prune (2)", (&MsgPrune{Trees: []uint64{treeA, treeB}}).String())
}

// TestMsgPruneWireErrors: a payload or frame cut or broken at any byte
// fails, and so does a writer failing after any byte.
func TestMsgPruneWireErrors(t *testing.T) {
	testPayloadWireErrors(t, newPrune, pruneTests)
	testFrameWireErrors(t, pruneFrames)
}

// TestMsgPruneLimits: more than MaxPruneTrees trees is refused both
// ways: decoding before any key is read, encoding before any byte is
// written; a frame longer than a prune may be is refused at its length
// field, before its payload is read; and a count claimed but not sent
// costs no memory.
func TestMsgPruneLimits(t *testing.T) {
	key := treesPayload("", []uint64{treeA})
	counts := []struct {
		name    string
		count   []byte
		wantErr error
		wantMsg string
	}{
		{name: "1,025", count: testbytes.MustHex("fd0104"), wantErr: ErrTooManyItems, wantMsg: "1025 prunes, limit 1024"},
		{name: "2^64-1", count: testbytes.MustHex("ffffffffffffffffff"), wantErr: ErrTooManyItems,
			wantMsg: "18446744073709551615 prunes"},
		{name: "1 in three bytes", count: testbytes.MustHex("fd0100"), wantErr: wire.ErrNonCanonical},
	}
	for _, c := range counts {
		t.Run("count "+c.name, func(t *testing.T) {
			r := bytes.NewReader(cat(c.count, key, key))
			var m MsgPrune
			err := m.Decode(r)
			assert.ErrorIs(t, err, c.wantErr)
			if c.wantMsg != "" {
				assert.ErrorContains(t, err, c.wantMsg)
			}
			assert.Equal(t, 2*len(key), r.Len(), "bytes left unread")
			assert.Nil(t, m.Trees)
		})
	}
	t.Run("encode over the limit", func(t *testing.T) {
		m := &MsgPrune{Trees: treesOf(MaxPruneTrees + 1)}
		w := &testbytes.FailWriter{Budget: 1 << 30}
		assert.ErrorIs(t, m.Encode(w), ErrTooManyItems)
		assert.Empty(t, w.Buf.Bytes(), "nothing written")
		_, err := wire.WriteMessage(w, wire.DevNet, m)
		assert.ErrorIs(t, err, ErrTooManyItems)
		assert.Empty(t, w.Buf.Bytes(), "nothing framed")
	})
	t.Run("a frame longer than a prune may be", func(t *testing.T) {
		raw := envelope(wire.DevNet, CmdPrune, nil)
		binary.LittleEndian.PutUint32(raw[16:], new(MsgPrune).MaxPayload()+1)
		r := bytes.NewReader(append(raw, make([]byte, 100)...))
		msg, _, err := wire.ReadMessage(r, wire.DevNet, testRegistry(t))
		assert.Nil(t, msg)
		assert.ErrorIs(t, err, wire.ErrPayloadTooLarge)
		var werr *wire.Error
		if assert.ErrorAs(t, err, &werr) {
			assert.Equal(t, 16, werr.Offset, "the length field")
			assert.Equal(t, CmdPrune, werr.Command)
		}
		assert.Equal(t, 100, r.Len(), "the payload is not read")
	})
	t.Run("a claimed count costs nothing", func(t *testing.T) {
		claim := testbytes.MustHex("fd0004") // 1,024, then nothing
		r := bytes.NewReader(claim)
		var m MsgPrune
		decode := func() {
			r.Reset(claim)
			if err := m.Decode(r); !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Errorf("decode: %v, want %v", err, io.ErrUnexpectedEOF)
			}
		}
		assert.LessOrEqual(t, testing.AllocsPerRun(100, decode), 2.0, "allocations a decode")
		got := testalloc.Bytes(func() {
			for range 100 {
				decode()
			}
		})
		assert.Less(t, got/100, uint64(256), "bytes a decode")
	})
}

// pruneSeeds are counts around the prune's limit.
var pruneSeeds = [][]byte{
	testbytes.MustHex("fd0004"), // 1,024, then nothing
	testbytes.MustHex("fd0104"), // 1,025
}

// FuzzMsgPrune is the third layer: go test -fuzz FuzzMsgPrune. What
// decodes encodes to the bytes it used, and decodes again the same.
func FuzzMsgPrune(f *testing.F) {
	for _, seed := range pruneSeeds {
		f.Add(seed)
	}
	fuzzPayload(f, newPrune, pruneTests)
}
