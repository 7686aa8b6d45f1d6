//go:build solution

package peers

import (
	"fmt"

	wire "peerchain/chapters/02-wire"
)

// Step is the handshake as a pure function: the state and the command
// that arrived in, the next state and the commands to send out.
func Step(s State, inbound bool, command string) (State, []string, error) {
	handshake := command == wire.CmdVersion || command == wire.CmdVerAck
	next := s
	switch {
	case s.Phase == AwaitVersion && command == wire.CmdVersion:
		next.Phase = AwaitVerAck
		if inbound {
			return next, []string{wire.CmdVersion, wire.CmdVerAck}, nil
		}
		return next, []string{wire.CmdVerAck}, nil
	case s.Phase == AwaitVerAck && command == wire.CmdVerAck:
		next.Phase = Ready
		return next, nil, nil
	case s.Phase == AwaitVerAck && !handshake && s.Features < MaxFeatureMessages:
		next.Features++
		return next, nil, nil
	case s.Phase == Ready && !handshake:
		return s, nil, nil
	}
	return s, nil, fmt.Errorf("%w: %s in phase %d after %d feature messages",
		ErrUnexpected, command, s.Phase, s.Features)
}
