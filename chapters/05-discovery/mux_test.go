package discovery

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	wire "peerchain/chapters/02-wire"
	simulation "peerchain/chapters/04-simulation"
)

// recorder is a protocol that writes down what it sees and returns
// the actions it was told to.
type recorder struct {
	name    string
	cmds    []string
	log     *[]string
	actions []simulation.Action
	refuse  error
}

func (r *recorder) Name() string       { return r.name }
func (r *recorder) Commands() []string { return r.cmds }
func (r *recorder) Handle(_ time.Time, ev simulation.Event) []simulation.Action {
	*r.log = append(*r.log, fmt.Sprintf("%s: %v", r.name, ev))
	return r.actions
}

type acceptingRecorder struct{ *recorder }

func (r acceptingRecorder) AcceptInbound(time.Time, simulation.Addr) error { return r.refuse }

func TestNewMuxRejects(t *testing.T) {
	var log []string
	tests := []struct {
		name    string
		ps      []Protocol
		wantErr string
	}{
		{name: "two of one name", ps: []Protocol{&recorder{name: "a", log: &log}, &recorder{name: "a", log: &log}}, wantErr: `protocols 0 and 1 are both "a"`},
		{name: "two owners of a command", ps: []Protocol{&recorder{name: "a", cmds: []string{"inv"}, log: &log}, &recorder{name: "b", cmds: []string{"inv"}, log: &log}}, wantErr: `"inv" is owned by both a and b`},
		{name: "nil", ps: []Protocol{nil}, wantErr: "protocol 0 is nil"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, err := NewMux(tt.ps...)
			assert.Nil(t, m)
			assert.ErrorIs(t, err, ErrMuxConfig)
			assert.ErrorContains(t, err, tt.wantErr)
		})
	}
}

func TestMuxRouting(t *testing.T) {
	ping := &wire.MsgPing{Nonce: 1}
	tests := []struct {
		name string
		ev   simulation.Event
		want []string
	}{
		{name: "start to all, in order", ev: simulation.Start{},
			want: []string{"a: start", "b: start"}},
		{name: "connected to all, in order", ev: simulation.PeerConnected{Peer: 3, Addr: "sim-1"},
			want: []string{"a: connected peer 3 (sim-1, inbound false)", "b: connected peer 3 (sim-1, inbound false)"}},
		{name: "disconnected to all, in reverse", ev: simulation.PeerDisconnected{Peer: 3},
			want: []string{"b: disconnected peer 3: <nil>", "a: disconnected peer 3: <nil>"}},
		{name: "a message to its owner", ev: simulation.MessageReceived{From: 2, Msg: &MsgGetAddr{}},
			want: []string{"b: getaddr from peer 2"}},
		{name: "a message nobody owns is unknown, to all", ev: simulation.MessageReceived{From: 2, Msg: ping},
			want: []string{`a: unknown "ping" (32 bytes) from peer 2`, `b: unknown "ping" (32 bytes) from peer 2`}},
		{name: "a timer to its protocol, in its own IDs", ev: simulation.TimerFired{Timer: TimerSpace + 5},
			want: []string{"b: timer 5 fired"}},
		{name: "input to the protocol it names", ev: simulation.Local{Value: Input{To: "a", Value: 42}},
			want: []string{"a: local 42"}},
		{name: "other local values to all", ev: simulation.Local{Value: 7},
			want: []string{"a: local 7", "b: local 7"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var log []string
			m, err := NewMux(&recorder{name: "a", log: &log},
				&recorder{name: "b", cmds: []string{CmdGetAddr}, log: &log})
			require.NoError(t, err)
			assert.Empty(t, m.Handle(t0, tt.ev))
			assert.Equal(t, tt.want, log)
		})
	}
}

func TestMuxTimersAndErrors(t *testing.T) {
	var log []string
	a := &recorder{name: "a", log: &log, actions: []simulation.Action{
		simulation.SetTimer{Timer: 1, After: time.Second}, simulation.StopTimer{Timer: 2}}}
	b := &recorder{name: "b", log: &log, actions: []simulation.Action{
		simulation.SetTimer{Timer: 1, After: time.Second},
		simulation.SetTimer{Timer: TimerSpace},
		simulation.Send{To: 1, Msg: &MsgGetAddr{}}}}
	m, err := NewMux(a, b)
	require.NoError(t, err)
	got := m.Handle(t0, simulation.Start{})
	require.Len(t, got, 5)
	assert.Equal(t, []simulation.Action{
		simulation.SetTimer{Timer: 1, After: time.Second},
		simulation.StopTimer{Timer: 2},
		simulation.SetTimer{Timer: TimerSpace + 1, After: time.Second},
	}, got[:3], "each protocol's timers in its own space, in protocol order")
	var me MuxError
	require.True(t, errors.As(got[3].(simulation.Emit).Value.(error), &me))
	assert.Equal(t, "b", me.Protocol)
	assert.ErrorIs(t, me, ErrTimerRange)
	assert.Equal(t, simulation.Send{To: 1, Msg: &MsgGetAddr{}}, got[4])

	t.Run("input for nobody", func(t *testing.T) {
		got := m.Handle(t0, simulation.Local{Value: Input{To: "zzz"}})
		require.Len(t, got, 1)
		assert.ErrorIs(t, got[0].(simulation.Emit).Value.(error), ErrNoProtocol)
	})
	t.Run("a timer of no protocol", func(t *testing.T) {
		got := m.Handle(t0, simulation.TimerFired{Timer: 7 * TimerSpace})
		require.Len(t, got, 1)
		assert.IsType(t, MuxError{}, got[0].(simulation.Emit).Value)
	})
}

func TestMuxAcceptInbound(t *testing.T) {
	var log []string
	no := errors.New("no")
	m, err := NewMux(&recorder{name: "plain", log: &log},
		acceptingRecorder{&recorder{name: "yes", log: &log}},
		acceptingRecorder{&recorder{name: "no", log: &log, refuse: no}})
	require.NoError(t, err)
	assert.ErrorIs(t, m.AcceptInbound(t0, "sim-1"), no)

	m, err = NewMux(acceptingRecorder{&recorder{name: "yes", log: &log}})
	require.NoError(t, err)
	assert.NoError(t, m.AcceptInbound(t0, "sim-1"))
}
