package wire

import (
	"testing"

	"peerchain/tools/testbytes"
)

func newPong() Message { return new(MsgPong) }

// pongTests: a pong's payload is the nonce of the ping it answers.
var pongTests = []payloadTest{
	{name: "zero nonce", msg: &MsgPong{}, payload: testbytes.MustHex("0000000000000000")},
	{name: "nonce", msg: &MsgPong{Nonce: 0x0123456789abcdef}, payload: testbytes.MustHex("efcdab8967452301")},
	{name: "high bit set", msg: &MsgPong{Nonce: 1 << 63}, payload: testbytes.MustHex("0000000000000080")},
}

func TestMsgPongWire(t *testing.T)       { testPayloadWire(t, newPong, pongTests) }
func TestMsgPongWireErrors(t *testing.T) { testPayloadWireErrors(t, newPong, pongTests) }
func FuzzMsgPong(f *testing.F)           { fuzzPayload(f, newPong, pongTests, nil) }
