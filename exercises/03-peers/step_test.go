package peers

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"

	wire "peerchain/chapters/02-wire"
	"peerchain/tools/exercise"
)

// Commands the tests of Step send. Feature messages are Bitcoin's; the
// chapter's registry does not know them, and Step need not either.
const (
	stepVersion    = wire.CmdVersion
	stepVerAck     = wire.CmdVerAck
	stepPing       = wire.CmdPing
	stepSendAddrV2 = "sendaddrv2"
	stepWtxidRelay = "wtxidrelay"
)

func TestStep(t *testing.T) {
	awaitVerAck := func(features int) State { return State{Phase: AwaitVerAck, Features: features} }
	tests := []struct {
		name      string
		state     State
		inbound   bool
		command   string
		wantState State
		wantSend  []string
		wantErr   bool
	}{
		{name: "they dialed: their version", state: State{}, inbound: true, command: stepVersion,
			wantState: awaitVerAck(0), wantSend: []string{stepVersion, stepVerAck}},
		{name: "we dialed: their version", state: State{}, command: stepVersion,
			wantState: awaitVerAck(0), wantSend: []string{stepVerAck}},
		{name: "their verack", state: awaitVerAck(0), inbound: true, command: stepVerAck, wantState: State{Phase: Ready}},
		{name: "their verack, we dialed", state: awaitVerAck(0), command: stepVerAck, wantState: State{Phase: Ready}},
		{name: "a ping once ready", state: State{Phase: Ready}, command: stepPing, wantState: State{Phase: Ready}},
		{name: "any other message once ready", state: State{Phase: Ready}, inbound: true, command: "block", wantState: State{Phase: Ready}},

		{name: "sendaddrv2 after their version is ignored", state: awaitVerAck(0), inbound: true, command: stepSendAddrV2, wantState: awaitVerAck(1)},
		{name: "wtxidrelay after sendaddrv2", state: awaitVerAck(1), command: stepWtxidRelay, wantState: awaitVerAck(2)},
		{name: "a command nobody knows, within the bound", state: awaitVerAck(2), command: "frobnicate", wantState: awaitVerAck(3)},
		{name: "a ping before verack counts as one", state: awaitVerAck(0), command: stepPing, wantState: awaitVerAck(1)},
		{name: "the last one the bound allows", state: awaitVerAck(MaxFeatureMessages - 1), command: stepSendAddrV2, wantState: awaitVerAck(MaxFeatureMessages)},
		{name: "one past the bound", state: awaitVerAck(MaxFeatureMessages), command: stepSendAddrV2, wantState: awaitVerAck(MaxFeatureMessages), wantErr: true},
		{name: "verack after features", state: awaitVerAck(3), command: stepVerAck, wantState: State{Phase: Ready, Features: 3}},
		{name: "features do not change ready", state: State{Phase: Ready, Features: 2}, command: stepWtxidRelay, wantState: State{Phase: Ready, Features: 2}},

		{name: "a ping first", state: State{}, inbound: true, command: stepPing, wantState: State{}, wantErr: true},
		{name: "a feature message before their version", state: State{}, command: stepSendAddrV2, wantState: State{}, wantErr: true},
		{name: "a verack first", state: State{}, command: stepVerAck, wantState: State{}, wantErr: true},
		{name: "a second version", state: awaitVerAck(0), inbound: true, command: stepVersion, wantState: awaitVerAck(0), wantErr: true},
		{name: "a second version after features", state: awaitVerAck(2), command: stepVersion, wantState: awaitVerAck(2), wantErr: true},
		{name: "a version once ready", state: State{Phase: Ready}, command: stepVersion, wantState: State{Phase: Ready}, wantErr: true},
		{name: "a verack once ready", state: State{Phase: Ready}, inbound: true, command: stepVerAck, wantState: State{Phase: Ready}, wantErr: true},
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
// having exchanged a version and a verack each way, with what features
// each side announced between them.
func TestStep_Conversation(t *testing.T) {
	tests := []struct {
		name     string
		features []string // each side sends these after its version
	}{
		{name: "version and verack only"},
		{name: "with Bitcoin's feature negotiation", features: []string{stepWtxidRelay, stepSendAddrV2}},
		{name: "as many features as the bound allows", features: slices.Repeat([]string{stepSendAddrV2}, MaxFeatureMessages)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
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
				for _, c := range cmds {
					out := []string{c}
					if c == stepVersion {
						out = append(out, tt.features...)
					}
					from.sent = append(from.sent, out...)
					to.inbox = append(to.inbox, out...)
				}
			}
			send(dialer, dialed, stepVersion) // the side that dialed speaks first

			maxSteps := 10 + 2*len(tt.features) // a loop is a bug
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
					if !assert.NoError(t, err, "inbound %v, state %+v, got %s", s.inbound, s.state, cmd) {
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
			want := append(append([]string{stepVersion}, tt.features...), stepVerAck)
			assert.Equal(t, Ready, dialer.state.Phase, "the side that dialed")
			assert.Equal(t, Ready, dialed.state.Phase, "the side that was dialed")
			assert.Equal(t, len(tt.features), dialer.state.Features, "features the side that dialed ignored")
			assert.Equal(t, want, dialer.sent)
			assert.Equal(t, want, dialed.sent)
		})
	}
}
