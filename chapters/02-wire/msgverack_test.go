package wire

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func newVerAck() Message { return new(MsgVerAck) }

// verackTests: a verack has no payload at all.
var verackTests = []payloadTest{
	{name: "empty", msg: &MsgVerAck{}, payload: []byte{}},
}

func TestMsgVerAckWire(t *testing.T) {
	testPayloadWire(t, newVerAck, verackTests)
	assert.Zero(t, new(MsgVerAck).MaxPayload(), "a verack allows no payload")
}

func FuzzMsgVerAck(f *testing.F) { fuzzPayload(f, newVerAck, verackTests, nil) }
