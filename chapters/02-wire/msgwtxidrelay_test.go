package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/testbytes"
)

func newWtxidRelay() Message { return new(MsgWtxidRelay) }

// wtxidRelayTests: a wtxidrelay has no payload at all.
var wtxidRelayTests = []payloadTest{
	{name: "empty", msg: &MsgWtxidRelay{}, payload: []byte{}},
}

// wtxidRelayFrames: the whole message, as Bitcoin Core (from 0.21) sends
// it after its version to a peer of protocol 70016 or later, and on
// peerchain's devnet. The checksum is that of no bytes at all.
var wtxidRelayFrames = []frameTest{
	{
		name:  "bitcoin",
		magic: BitcoinMainNet,
		raw:   testbytes.MustHex(`f9beb4d9 777478696472656c61790000 00000000 5df6e0e2`),
		want:  &MsgWtxidRelay{},
	},
	{
		name:  "peerchain devnet",
		magic: DevNet,
		raw:   testbytes.MustHex(`fc8ed5b6 777478696472656c61790000 00000000 5df6e0e2`),
		want:  &MsgWtxidRelay{},
	},
}

func TestMsgWtxidRelayWire(t *testing.T) {
	testPayloadWire(t, newWtxidRelay, wtxidRelayTests)
	testFrameWire(t, wtxidRelayFrames)
	assert.Equal(t, "wtxidrelay", new(MsgWtxidRelay).Command())
	assert.Zero(t, new(MsgWtxidRelay).MaxPayload(), "a wtxidrelay allows no payload")
}

func TestMsgWtxidRelayWireErrors(t *testing.T) {
	testPayloadWireErrors(t, newWtxidRelay, wtxidRelayTests)
	testFrameWireErrors(t, wtxidRelayFrames)
}

func FuzzMsgWtxidRelay(f *testing.F) { fuzzPayload(f, newWtxidRelay, wtxidRelayTests, nil) }
