package broadcast

import (
	"slices"
	"testing"

	"peerchain/tools/testbytes"
)

// notFoundTests: a notfound names what a getdata asked for and the
// peer does not have, laid out as an inv is.
var notFoundTests = []payloadTest{
	{name: "empty", msg: &MsgNotFound{}, payload: testbytes.MustHex("00")},
	{name: "one blob", msg: &MsgNotFound{List: []InvVect{{Type: 1, ID: idOf(7)}}},
		payload: testbytes.MustHex("01 01000000 " + id7)},
	{name: "btcd: block 203707 and its tx 1", msg: &MsgNotFound{List: []InvVect{
		{Type: msgBlock, ID: block203707}, {Type: msgTx, ID: block203707tx},
	}}, payload: testbytes.MustHex(`
		02
		02000000 dce9691094da23c7e76713d075d4a10b794008a636acc24b2603000000000000
		01000000 f0facc7a481be7cf42bd7fe54f2c2af8ef819add93ee55980af02b39c73d8ad2`)},
}

// notFoundLongTests are too long to cut at every byte: the first layer
// only.
var notFoundLongTests = []payloadTest{
	{name: "253 entries, a three-byte count", msg: &MsgNotFound{List: invList253},
		payload: payloadOf("fdfd00", invList253)},
}

func TestMsgNotFoundWire(t *testing.T) {
	testPayloadWire(t, newNotFound, slices.Concat(notFoundTests, notFoundLongTests))
}
func TestMsgNotFoundWireErrors(t *testing.T) { testPayloadWireErrors(t, newNotFound, notFoundTests) }
func FuzzMsgNotFound(f *testing.F)           { fuzzPayload(f, newNotFound, notFoundTests) }
