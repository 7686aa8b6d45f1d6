//go:build !solution

package peers

import "peerchain/tools/exercise"

// Step is the handshake as a pure function. Given where a connection
// stands, whether the other side dialed us (inbound), and the command of
// the message that just arrived, it returns the state after it and the
// commands to send in answer, in order. A message that breaks the
// handshake returns ErrUnexpected and the state it was given.
//
// The rules are the chapter's: the side that dialed sends its version
// before anything arrives (that is not Step's job: Step only answers);
// the side that was dialed answers a version with its own version; both
// acknowledge a version with a verack; the other side must send its
// version first and its verack last; after that, a version or a verack
// is unexpected, and any other message is not the handshake's business.
//
// Between their version and their verack, a peer may announce features
// (Bitcoin sends sendaddrv2 and wtxidrelay there). Step ignores any
// command there that is not version or verack, known or not: no answer,
// the same phase, one more in Features. At most MaxFeatureMessages are
// ignored; the one after is unexpected. Step changes Features only when
// it ignores one.
func Step(s State, inbound bool, command string) (State, []string, error) {
	exercise.NotAttempted() // delete this line when you start
	return s, nil, nil
}
