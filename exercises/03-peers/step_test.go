package peers

import (
	"testing"

	"github.com/stretchr/testify/assert"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/exercise"
)

const (
	version = wire.CmdVersion
	verack  = wire.CmdVerAck
	ping    = wire.CmdPing
)

func TestStep(t *testing.T) {
	tests := []struct {
		name      string
		state     State
		inbound   bool
		command   string
		wantState State
		wantSend  []string
		wantErr   bool
	}{
		{name: "they dialed: their version", state: AwaitVersion, inbound: true, command: version,
			wantState: AwaitVerAck, wantSend: []string{version, verack}},
		{name: "we dialed: their version", state: AwaitVersion, command: version,
			wantState: AwaitVerAck, wantSend: []string{verack}},
		{name: "their verack", state: AwaitVerAck, inbound: true, command: verack, wantState: Ready},
		{name: "their verack, we dialed", state: AwaitVerAck, command: verack, wantState: Ready},
		{name: "a ping once ready", state: Ready, command: ping, wantState: Ready},
		{name: "any other message once ready", state: Ready, inbound: true, command: "block", wantState: Ready},

		{name: "a ping first", state: AwaitVersion, inbound: true, command: ping, wantState: AwaitVersion, wantErr: true},
		{name: "a verack first", state: AwaitVersion, command: verack, wantState: AwaitVersion, wantErr: true},
		{name: "a second version", state: AwaitVerAck, inbound: true, command: version, wantState: AwaitVerAck, wantErr: true},
		{name: "a ping before verack", state: AwaitVerAck, command: ping, wantState: AwaitVerAck, wantErr: true},
		{name: "a version once ready", state: Ready, command: version, wantState: Ready, wantErr: true},
		{name: "a verack once ready", state: Ready, inbound: true, command: verack, wantState: Ready, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			defer exercise.SkipIfNotAttempted(t)
			state, send, err := Step(tt.state, tt.inbound, tt.command)
			assert.Equal(t, tt.wantState, state, "state")
			assert.Equal(t, tt.wantSend, send, "commands to send")
			if tt.wantErr {
				assert.ErrorIs(t, err, ErrUnexpected)
			} else {
				assert.NoError(t, err)
			}
		})
	}
}

// TestStep_Conversation lets two sides run Step against each other, each
// message delivered in the order it was sent, and checks both end Ready
// having exchanged exactly a version and a verack each way.
func TestStep_Conversation(t *testing.T) {
	defer exercise.SkipIfNotAttempted(t)
	type side struct {
		inbound bool
		state   State
		inbox   []string // messages sent to it, not yet handled
		sent    []string // everything it sent
	}
	dialer := &side{inbound: false}
	dialed := &side{inbound: true}
	send := func(from, to *side, cmds ...string) {
		from.sent = append(from.sent, cmds...)
		to.inbox = append(to.inbox, cmds...)
	}
	send(dialer, dialed, version) // the side that dialed speaks first

	const maxSteps = 10 // a handshake takes four; a loop is a bug
	for steps := 0; len(dialer.inbox)+len(dialed.inbox) > 0; steps++ {
		if !assert.Less(t, steps, maxSteps, "the handshake does not end") {
			return
		}
		for _, s := range []*side{dialer, dialed} {
			if len(s.inbox) == 0 {
				continue
			}
			cmd := s.inbox[0]
			s.inbox = s.inbox[1:]
			next, out, err := Step(s.state, s.inbound, cmd)
			if !assert.NoError(t, err, "inbound %v, state %d, got %s", s.inbound, s.state, cmd) {
				return
			}
			s.state = next
			other := dialer
			if s == dialer {
				other = dialed
			}
			send(s, other, out...)
		}
	}
	assert.Equal(t, Ready, dialer.state, "the side that dialed")
	assert.Equal(t, Ready, dialed.state, "the side that was dialed")
	assert.Equal(t, []string{version, verack}, dialer.sent)
	assert.Equal(t, []string{version, verack}, dialed.sent)
}
