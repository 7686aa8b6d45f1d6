package simulation

import (
	"errors"
	"io"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
)

// TestBandwidth: on a link of 29.1 kB/s, a 291-byte message takes 10 ms
// to send; the one queued behind it waits for it, and a message on
// another link does not.
func TestBandwidth(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 3, Topology: Complete(),
		Latency: Constant{D: hop}, Cost: Bandwidth(29_100)})
	require.NoError(t, net.RunFor(0))
	s.lines = nil
	big := &MsgRumor{ID: 1, Body: make([]byte, MaxRumorBody)}
	require.Equal(t, 291, wire.EncodedSize(big))
	require.NoError(t, net.Act(0, Send{To: 1, Msg: big}, Send{To: 1, Msg: big}, Send{To: 2, Msg: big}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{
		"20ms n1 rumor 1 from peer 1",
		"20ms n2 rumor 1 from peer 1",
		"30ms n1 rumor 1 from peer 1",
	}, s.lines)
}

// busyMachine spends time on every message: Processing says how long.
func TestProcessing(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: Line(),
		Latency: Constant{D: hop},
		Processing: func(id NodeID, ev Event) time.Duration {
			if _, ok := ev.(MessageReceived); ok && id == 1 {
				return 50 * time.Millisecond
			}
			return 0
		}})
	require.NoError(t, net.RunFor(0))
	s.lines = nil
	require.NoError(t, net.Act(0, Send{To: 1, Msg: rumor(1)}, Send{To: 1, Msg: rumor(2)}))
	require.NoError(t, net.Act(1, SetTimer{Timer: 1, After: 20 * time.Millisecond}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{
		"10ms n1 rumor 1 from peer 1", // busy until 60ms
		"60ms n1 rumor 2 from peer 1", // waited; busy until 110ms
		"110ms n1 timer 1 fired",      // due at 20ms, waited its turn
	}, s.lines)
}

// TestProcessingDelaysActions: what a busy node does takes effect when
// it is done.
func TestProcessingDelaysActions(t *testing.T) {
	s := &story{}
	net, err := New(Config{Nodes: 2, Topology: Line(), Latency: Constant{D: hop},
		Processing: func(NodeID, Event) time.Duration { return 50 * time.Millisecond }},
		func(id NodeID, _ *rand.Rand) Machine {
			sc := &scripted{id: id, story: s}
			return machineFunc(func(now time.Time, ev Event) []Action {
				sc.Handle(now, ev)
				if m, ok := ev.(MessageReceived); ok && id == 1 {
					return []Action{Send{To: m.From, Msg: rumor(9)}}
				}
				return nil
			})
		})
	require.NoError(t, err)
	require.NoError(t, net.RunFor(time.Second)) // Start and the link: busy till 100ms
	s.lines = nil
	require.NoError(t, net.Act(0, Send{To: 1, Msg: rumor(1)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []string{
		"1.01s n1 rumor 1 from peer 1",
		"1.07s n0 rumor 9 from peer 1", // sent at 1.06s, when n1 was done
	}, s.lines)
}

// TestHook: a hook sees every message and may drop, delay or rewrite it.
func TestHook(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: Line(), Latency: Constant{D: hop}})
	require.NoError(t, net.RunFor(0))
	s.lines = nil
	var seen []uint64
	net.SetHook(func(m *InFlight) {
		id := m.Msg.(*MsgRumor).ID
		seen = append(seen, id)
		switch id {
		case 1:
			m.Drop = true
		case 2:
			m.Delay = 90 * time.Millisecond
		case 3:
			m.Msg = rumor(33)
		}
	})
	require.NoError(t, net.Act(0, Send{To: 1, Msg: rumor(1)}, Send{To: 1, Msg: rumor(2)}, Send{To: 1, Msg: rumor(3)}))
	require.NoError(t, net.RunFor(time.Second))
	assert.Equal(t, []uint64{1, 2, 3}, seen)
	assert.Equal(t, []string{
		"100ms n1 rumor 2 from peer 1",
		"100ms n1 rumor 33 from peer 1", // held behind rumor 2: a link keeps order
	}, s.lines)
	assert.Equal(t, uint64(1), net.Stats().Dropped)
}

// stray is a message no registry knows.
type stray struct{ MsgRumor }

func (*stray) Command() string { return "stray" }

// unencodable is a message whose Encode fails.
type unencodable struct{ MsgRumor }

func (*unencodable) Encode(io.Writer) error { return errors.New("cannot") }

// TestSendFailed: a message that cannot go on the wire comes back to its
// sender as SendFailed; the connection stays open.
func TestSendFailed(t *testing.T) {
	reg, err := wire.NewRegistry(append(wire.BaseMessages(), RumorMessages()...)...)
	require.NoError(t, err)
	tests := []struct {
		name string
		msg  wire.Message
		want string
	}{
		{name: "not registered", msg: &stray{}, want: `command not in the registry: "stray"`},
		{name: "does not encode", msg: &unencodable{}, want: "encode rumor: cannot"},
		{name: "too long", msg: &MsgRumor{Body: make([]byte, MaxRumorBody+1)}, want: "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: Line(), Registry: reg})
			require.NoError(t, net.RunFor(0))
			s.lines = nil
			require.NoError(t, net.Act(0, Send{To: 1, Msg: tt.msg}, Send{To: 1, Msg: rumor(1)}))
			require.NoError(t, net.RunFor(time.Second))
			require.Len(t, s.lines, 2)
			assert.Contains(t, s.lines[0], "n0 send")
			assert.Contains(t, s.lines[0], tt.want)
			assert.Equal(t, "0s n1 rumor 1 from peer 1", s.lines[1], "still connected")
			assert.Zero(t, net.Stats().Sent.Messages-1, "only the good one counts as sent")
		})
	}
}

// persist is an action of a later chapter's own.
type persist struct {
	CustomAction
	what string
}

// TestCustomActions: an action the simulator does not know goes to
// OnAction; one that nothing takes stops the run, as on the real driver.
func TestCustomActions(t *testing.T) {
	var stored []string
	net, _ := newStoryNetwork(t, Config{Nodes: 1, OnAction: func(id NodeID, a Action) bool {
		p, ok := a.(persist)
		if ok {
			stored = append(stored, p.what)
		}
		return ok
	}})
	require.NoError(t, net.Act(0, persist{what: "block 1"}))
	assert.Equal(t, []string{"block 1"}, stored)
	type other struct{ CustomAction }
	assert.ErrorIs(t, net.Act(0, other{}), ErrUnknownAction)
}

// TestEmit: what a node emits is recorded, in order, with its node and
// time, and OnEmit sees it; past MaxEmitted, the oldest make room.
func TestEmit(t *testing.T) {
	var streamed int
	net, _ := newStoryNetwork(t, Config{Nodes: 2, MaxEmitted: 2,
		OnEmit: func(Emitted) { streamed++ }})
	require.NoError(t, net.RunFor(time.Second))
	require.NoError(t, net.Act(0, Emit{Value: "a"}))
	require.NoError(t, net.Act(1, Emit{Value: "b"}, Emit{Value: "c"}))
	assert.Equal(t, []Emitted{
		{At: Epoch.Add(time.Second), Node: 1, Value: "b"},
		{At: Epoch.Add(time.Second), Node: 1, Value: "c"},
	}, net.Emitted())
	assert.Equal(t, 3, streamed)
	assert.Equal(t, uint64(3), net.Stats().Emitted)
}

// TestNilMessage: a typed nil message is refused as SendFailed, as on the
// real driver, instead of crashing in Encode.
func TestNilMessage(t *testing.T) {
	net, s := newStoryNetwork(t, Config{Nodes: 2, Topology: Line()})
	require.NoError(t, net.RunFor(0))
	s.lines = nil
	var m *MsgRumor
	require.NoError(t, net.Act(0, Send{To: 1, Msg: m}))
	require.NoError(t, net.RunFor(time.Second))
	require.Len(t, s.lines, 1)
	assert.Contains(t, s.lines[0], "command not in the registry: nil message")
}
