//go:build solution

package peers

import (
	"fmt"

	wire "peerchain/chapters/02-wire"
)

// Step is the handshake as a pure function: the state and the command
// that arrived in, the next state and the commands to send out.
func Step(s State, inbound bool, command string) (State, []string, error) {
	switch {
	case s == AwaitVersion && command == wire.CmdVersion:
		if inbound {
			return AwaitVerAck, []string{wire.CmdVersion, wire.CmdVerAck}, nil
		}
		return AwaitVerAck, []string{wire.CmdVerAck}, nil
	case s == AwaitVerAck && command == wire.CmdVerAck:
		return Ready, nil, nil
	case s == Ready && command != wire.CmdVersion && command != wire.CmdVerAck:
		return Ready, nil, nil
	}
	return s, nil, fmt.Errorf("%w: %s in state %d", ErrUnexpected, command, s)
}
