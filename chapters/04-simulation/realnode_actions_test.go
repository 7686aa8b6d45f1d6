package simulation

import (
	"context"
	"io"
	"net"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// realMsgNotSent is a message no node registers.
type realMsgNotSent struct{}

func (*realMsgNotSent) Command() string        { return "notsent" }
func (*realMsgNotSent) MaxPayload() uint32     { return 0 }
func (*realMsgNotSent) Encode(io.Writer) error { return nil }
func (*realMsgNotSent) Decode(io.Reader) error { return nil }

// realMsgBloated says its payload is at most 4 bytes, and writes 8.
type realMsgBloated struct{}

func (*realMsgBloated) Command() string    { return "bloated" }
func (*realMsgBloated) MaxPayload() uint32 { return 4 }
func (*realMsgBloated) Encode(w io.Writer) error {
	_, err := w.Write(make([]byte, 8))
	return err
}
func (*realMsgBloated) Decode(io.Reader) error { return nil }

// realPersist is a later chapter's own action, as the final node's would be.
type realPersist struct {
	CustomAction
	What string
}

// waitEnded waits for a node's Run to return by itself.
func waitEnded(t *testing.T, n *testNode) {
	t.Helper()
	select {
	case <-n.ended:
	case <-time.After(realWait):
		t.Fatalf("Run did not return within %v", realWait)
	}
}

// TestRealNodeEmit: every Emit reaches OnEmit, in order, on the loop;
// without OnEmit, an Emit is dropped and the node runs on.
func TestRealNodeEmit(t *testing.T) {
	tests := []struct {
		name    string
		hook    bool
		wantGot []any
	}{
		{name: "to OnEmit", hook: true, wantGot: []any{"block 1", 2}},
		{name: "nobody listening", hook: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []any // only the loop appends: a Do reads it
			m := newRecording(func(ev Event) []Action {
				if is[Start](ev) {
					return []Action{Emit{Value: "block 1"}, Emit{Value: 2}}
				}
				return nil
			})
			n := startRealNode(t, m, withConfig(func(c *RealConfig) {
				if tt.hook {
					c.OnEmit = func(v any) { got = append(got, v) }
				}
			}))
			require.NoError(t, n.Inject(context.Background(), "still running"))
			m.next(t, "local", is[Local])
			seen, err := Query(context.Background(), n.RealNode, func(Machine) []any {
				return append([]any(nil), got...)
			})
			require.NoError(t, err)
			assert.Equal(t, tt.wantGot, seen)
		})
	}
}

// TestRealNodeCustomActions: an action the driver does not know goes to
// OnAction; one that OnAction does not take, or that no OnAction is
// there for, stops Run with ErrUnknownAction, as in the simulator.
func TestRealNodeCustomActions(t *testing.T) {
	tests := []struct {
		name     string
		onAction func(taken *[]Action) func(Action) bool
		wantErr  string // "": the node runs on
	}{
		{name: "taken", onAction: func(taken *[]Action) func(Action) bool {
			return func(a Action) bool { *taken = append(*taken, a); return true }
		}},
		{name: "refused", onAction: func(*[]Action) func(Action) bool {
			return func(Action) bool { return false }
		}, wantErr: "unknown action: simulation.realPersist"},
		{name: "no OnAction", wantErr: "unknown action: simulation.realPersist"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var taken []Action
			m := newRecording(func(ev Event) []Action {
				if is[Local](ev) {
					return []Action{realPersist{What: "block 7"}}
				}
				return nil
			})
			n := startRealNode(t, m, withConfig(func(c *RealConfig) {
				if tt.onAction != nil {
					c.OnAction = tt.onAction(&taken)
				}
			}))
			require.NoError(t, n.Inject(context.Background(), "go"))
			if tt.wantErr == "" {
				require.NoError(t, n.Inject(context.Background(), "again"))
				m.next(t, "local", is[Local])
				m.next(t, "local", is[Local])
				barrier(t, n)
				assert.NoError(t, n.stop())
				assert.Equal(t, []Action{realPersist{What: "block 7"}, realPersist{What: "block 7"}}, taken)
				return
			}
			waitEnded(t, n)
			err := n.stop()
			assert.ErrorIs(t, err, ErrUnknownAction)
			assert.ErrorContains(t, err, tt.wantErr)
			assert.ErrorIs(t, n.Inject(context.Background(), "late"), ErrStopped)
		})
	}
}

// TestRealNodeAdvertise: what a node advertises is what its config says
// until the machine says otherwise, and then what the machine said, in
// every handshake after that.
func TestRealNodeAdvertise(t *testing.T) {
	server := startRealNode(t, newRecording(func(ev Event) []Action {
		if ev, ok := ev.(Local); ok {
			return []Action{Advertise{Services: 0x409, StartHeight: ev.Value.(int32)}}
		}
		return nil
	}), withConfig(func(c *RealConfig) {
		c.Peers.Services = 1
		c.Peers.StartHeight = 7
	}))
	heightSeen := func() PeerVersion {
		m := newRecording(func(ev Event) []Action {
			if is[Start](ev) {
				return []Action{Dial{Addr: server.addr}}
			}
			return nil
		})
		startRealNode(t, m)
		return m.next(t, "connected", is[PeerConnected]).(PeerConnected).Version
	}

	v := heightSeen()
	assert.Equal(t, uint64(1), v.Services)
	assert.Equal(t, int32(7), v.StartHeight)

	require.NoError(t, server.Inject(context.Background(), int32(500)))
	barrier(t, server) // the Advertise has been carried out
	v = heightSeen()
	assert.Equal(t, uint64(0x409), v.Services)
	assert.Equal(t, int32(500), v.StartHeight)
}

// TestRealNodeSendFailed: a message that cannot go on the wire comes
// back to the machine as SendFailed, and the connection stays open: the
// next message gets through.
func TestRealNodeSendFailed(t *testing.T) {
	tests := []struct {
		name    string
		msg     wire.Message
		wantErr error
	}{
		{name: "not in the registry", msg: &realMsgNotSent{}, wantErr: ErrNotRegistered},
		{name: "nil", msg: nil, wantErr: ErrNotRegistered},
		{name: "nil pointer", msg: (*MsgRumor)(nil), wantErr: ErrNotRegistered},
		{name: "does not encode", msg: &MsgRumor{ID: 1, Body: make([]byte, MaxRumorBody+1)}, wantErr: wire.ErrTooLong},
		{name: "over its limit", msg: &realMsgBloated{}, wantErr: wire.ErrPayloadTooLarge},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			receiver := newRecording(nil)
			to := startRealNode(t, receiver)
			sender := newRecording(func(ev Event) []Action {
				switch ev := ev.(type) {
				case Start:
					return []Action{Dial{Addr: to.addr}}
				case PeerConnected:
					return []Action{Send{To: ev.Peer, Msg: tt.msg}}
				case SendFailed:
					return []Action{Send{To: ev.To, Msg: &MsgRumor{ID: 9}}}
				}
				return nil
			})
			startRealNode(t, sender, withConfig(func(c *RealConfig) {
				require.NoError(t, c.Peers.Registry.Register(func() wire.Message { return &realMsgBloated{} }))
			}))

			up := sender.next(t, "connected", is[PeerConnected]).(PeerConnected)
			failed := sender.next(t, "send failure", is[SendFailed]).(SendFailed)
			assert.Equal(t, up.Peer, failed.To)
			assert.Equal(t, tt.msg, failed.Msg)
			assert.ErrorIs(t, failed.Err, tt.wantErr)

			got := receiver.next(t, "message", is[MessageReceived]).(MessageReceived)
			assert.Equal(t, uint64(9), got.Msg.(*MsgRumor).ID, "the peer stayed open")
			for _, ev := range append(sender.drain(), receiver.drain()...) {
				assert.False(t, is[PeerDisconnected](ev), "%v", ev)
			}
		})
	}
}

// TestRealNodeRunsOnce: a second Run, while the first runs or after it
// has returned, returns ErrAlreadyRunning and leaves its listener alone.
func TestRealNodeRunsOnce(t *testing.T) {
	n := startRealNode(t, newRecording(nil))
	tryAgain := func(when string) {
		ln := listen(t)
		defer ln.Close()
		assert.ErrorIs(t, n.Run(context.Background(), ln), ErrAlreadyRunning, when)
		c, err := net.Dial("tcp", ln.Addr().String())
		require.NoError(t, err, "%s: the listener is still open", when)
		c.Close()
	}
	barrier(t, n) // the first Run is running
	tryAgain("while running")
	require.NoError(t, n.stop())
	tryAgain("after it stopped")
}
