package wire

import (
	"testing"

	"peerchain/tools/testbytes"
)

func newPing() Message { return new(MsgPing) }

// pingTests: a ping's payload is its nonce, little-endian.
var pingTests = []payloadTest{
	{name: "zero nonce", msg: &MsgPing{}, payload: testbytes.MustHex("0000000000000000")},
	{name: "nonce", msg: &MsgPing{Nonce: 0x0123456789abcdef}, payload: testbytes.MustHex("efcdab8967452301")},
	{name: "largest nonce", msg: &MsgPing{Nonce: 1<<64 - 1}, payload: testbytes.MustHex("ffffffffffffffff")},
}

func TestMsgPingWire(t *testing.T)       { testPayloadWire(t, newPing, pingTests) }
func TestMsgPingWireErrors(t *testing.T) { testPayloadWireErrors(t, newPing, pingTests) }
func FuzzMsgPing(f *testing.F)           { fuzzPayload(f, newPing, pingTests, nil) }
