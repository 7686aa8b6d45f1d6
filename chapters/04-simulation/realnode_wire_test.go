package simulation

import (
	"io"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// realMsgCounted counts how often any of its kind is encoded.
type realMsgCounted struct{ encodes *atomic.Int32 }

func (*realMsgCounted) Command() string    { return "counted" }
func (*realMsgCounted) MaxPayload() uint32 { return 4 }
func (m *realMsgCounted) Encode(w io.Writer) error {
	m.encodes.Add(1)
	_, err := w.Write([]byte("abcd"))
	return err
}
func (*realMsgCounted) Decode(r io.Reader) error {
	_, err := io.ReadFull(r, make([]byte, 4))
	return err
}

// withMessage registers one more message type on a node.
func withMessage(t *testing.T, factory func() wire.Message) func(*nodeSetup) {
	return withConfig(func(c *RealConfig) {
		require.NoError(t, c.Peers.Registry.Register(factory))
	})
}

// TestRealNodeUnknownMessage: a message whose command the node does not
// know reaches the machine as UnknownMessage, with its size, and the
// connection goes on.
func TestRealNodeUnknownMessage(t *testing.T) {
	counted := func() wire.Message { return &realMsgCounted{encodes: new(atomic.Int32)} }
	receiver := newRecording(nil)
	to := startRealNode(t, receiver)
	sender := newRecording(func(ev Event) []Action {
		switch ev := ev.(type) {
		case Start:
			return []Action{Dial{Addr: to.addr}}
		case PeerConnected:
			return []Action{Send{To: ev.Peer, Msg: counted()}, Send{To: ev.Peer, Msg: rumor(1)}}
		}
		return nil
	})
	startRealNode(t, sender, withMessage(t, counted))

	up := receiver.next(t, "connected", is[PeerConnected]).(PeerConnected)
	got := receiver.next(t, "unknown", is[UnknownMessage]).(UnknownMessage)
	assert.Equal(t, UnknownMessage{From: up.Peer, Command: "counted", Size: wire.HeaderSize + 4}, got)
	msg := receiver.next(t, "rumor", is[MessageReceived]).(MessageReceived)
	assert.Equal(t, uint64(1), msg.Msg.(*MsgRumor).ID, "still connected")
}

// TestRealNodeEncodesOnce: a message a machine sends to many peers is
// encoded once, and every peer gets it.
func TestRealNodeEncodesOnce(t *testing.T) {
	const peersWanted = 3
	encodes := new(atomic.Int32)
	counted := func() wire.Message { return &realMsgCounted{encodes: encodes} }
	msg := &realMsgCounted{encodes: encodes}
	var connected []PeerID // only the hub's loop touches it
	hub := startRealNode(t, machineFunc(func(_ time.Time, ev Event) []Action {
		if up, ok := ev.(PeerConnected); ok {
			connected = append(connected, up.Peer)
			if len(connected) == peersWanted {
				var sends []Action
				for _, p := range connected {
					sends = append(sends, Send{To: p, Msg: msg})
				}
				return sends
			}
		}
		return nil
	}), withMessage(t, counted))
	var leaves []*recording
	for range peersWanted {
		leaf := newRecording(func(ev Event) []Action {
			if is[Start](ev) {
				return []Action{Dial{Addr: hub.addr}}
			}
			return nil
		})
		startRealNode(t, leaf, withMessage(t, counted))
		leaves = append(leaves, leaf)
	}
	for _, leaf := range leaves {
		got := leaf.next(t, "the message", is[MessageReceived]).(MessageReceived)
		assert.Equal(t, "counted", got.Msg.Command())
	}
	assert.Equal(t, int32(1), encodes.Load(), "encoded once for three peers")
}
