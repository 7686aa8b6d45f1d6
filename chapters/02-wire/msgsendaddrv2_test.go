package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"peerchain/tools/testbytes"
)

func newSendAddrV2() Message { return new(MsgSendAddrV2) }

// sendAddrV2Tests: a sendaddrv2 has no payload at all.
var sendAddrV2Tests = []payloadTest{
	{name: "empty", msg: &MsgSendAddrV2{}, payload: []byte{}},
}

// sendAddrV2Frames: the whole message, as Bitcoin Core (from 0.21) and
// btcd (from 0.23) send it after their version, and on peerchain's devnet.
// The checksum is that of no bytes at all.
var sendAddrV2Frames = []frameTest{
	{
		name:  "bitcoin",
		magic: BitcoinMainNet,
		raw:   testbytes.MustHex(`f9beb4d9 73656e646164647276320000 00000000 5df6e0e2`),
		want:  &MsgSendAddrV2{},
	},
	{
		name:  "peerchain devnet",
		magic: DevNet,
		raw:   testbytes.MustHex(`fc8ed5b6 73656e646164647276320000 00000000 5df6e0e2`),
		want:  &MsgSendAddrV2{},
	},
}

func TestMsgSendAddrV2Wire(t *testing.T) {
	testPayloadWire(t, newSendAddrV2, sendAddrV2Tests)
	testFrameWire(t, sendAddrV2Frames)
	assert.Equal(t, "sendaddrv2", new(MsgSendAddrV2).Command())
	assert.Zero(t, new(MsgSendAddrV2).MaxPayload(), "a sendaddrv2 allows no payload")
}

func TestMsgSendAddrV2WireErrors(t *testing.T) {
	testPayloadWireErrors(t, newSendAddrV2, sendAddrV2Tests)
	testFrameWireErrors(t, sendAddrV2Frames)
}

func FuzzMsgSendAddrV2(f *testing.F) { fuzzPayload(f, newSendAddrV2, sendAddrV2Tests, nil) }
