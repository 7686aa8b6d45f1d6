package broadcast

import (
	"slices"
	"testing"

	"peerchain/tools/testbytes"
)

// getDataTests: a getdata is laid out as an inv is; Bitcoin nodes send
// one back for the entries of an inv they lack.
var getDataTests = []payloadTest{
	{name: "empty", msg: &MsgGetData{}, payload: testbytes.MustHex("00")},
	{name: "one blob", msg: &MsgGetData{List: []InvVect{{Type: 2, ID: idOf(7)}}},
		payload: testbytes.MustHex("01 02000000 " + id7)},
	{name: "the Developer Reference's inv, asked for", msg: &MsgGetData{List: []InvVect{
		{Type: msgTx, ID: refTx1}, {Type: msgTx, ID: refTx2},
	}}, payload: refInvPayload},
	{name: "a witness transaction", msg: &MsgGetData{List: []InvVect{
		{Type: msgWitnessTx, ID: refTx1},
	}}, payload: testbytes.MustHex(`
		01
		01000040                             # MSG_WITNESS_TX, LE
		de55ffd709ac1f5dc509a0925d0b1fc4 42ca034f224732e429081da1b621f55a`)},
}

// getDataLongTests are too long to cut at every byte: the first layer
// only.
var getDataLongTests = []payloadTest{
	{name: "253 entries, a three-byte count", msg: &MsgGetData{List: invList253},
		payload: payloadOf("fdfd00", invList253)},
}

func TestMsgGetDataWire(t *testing.T) {
	testPayloadWire(t, newGetData, slices.Concat(getDataTests, getDataLongTests))
}
func TestMsgGetDataWireErrors(t *testing.T) { testPayloadWireErrors(t, newGetData, getDataTests) }
func FuzzMsgGetData(f *testing.F)           { fuzzPayload(f, newGetData, getDataTests) }
